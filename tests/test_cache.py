"""The on-disk vector cache: round trips, damage, concurrency, configuration. A fake embedder keeps it fast;
tests/test_embed.py runs the same paths with the real model."""

from __future__ import annotations

import hashlib
import multiprocessing
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relevance import cache as cache_module
from relevance.cache import MAX_SHARDS, CacheWarning, VectorCache, default_cache_dir, text_key
from relevance.cache_shard import write_shard
from relevance.embed import embed_texts

DIM = 8


class FakeEmbedder:
    """Deterministic unit vectors from a hash of the text; counts what it is asked to encode."""

    def __init__(self, name: str = "fake-1") -> None:
        self.name = name
        self.dim = DIM
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += texts
        return np.stack([expected(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)


def expected(text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def shards(cache: VectorCache, name: str = "fake-1") -> list[Path]:
    directory = cache.embedder_dir(name)
    assert directory is not None
    return sorted(directory.glob("*.rvc"))


@pytest.fixture
def cache(tmp_path: Path) -> VectorCache:
    return VectorCache(tmp_path / "cache")


def test_store_then_lookup_round_trips(cache: VectorCache) -> None:
    texts = ["Recruiter", "Java developer", "Kierownik marketingu"]
    cache.store("fake-1", texts, np.stack([expected(t) for t in texts]))
    vectors, found = cache.lookup("fake-1", ["Java developer", "unknown", "Recruiter"], DIM)
    assert found.tolist() == [True, False, True]
    np.testing.assert_array_equal(vectors[0], expected("Java developer"))
    np.testing.assert_array_equal(vectors[1], np.zeros(DIM))
    np.testing.assert_array_equal(vectors[2], expected("Recruiter"))
    vectors, found = cache.lookup("fake-1", ["Recruiter", "nope", "Recruiter", "nope"], DIM)
    assert found.tolist() == [True, False, True, False]
    np.testing.assert_array_equal(vectors[2], expected("Recruiter"))


def test_second_run_encodes_nothing_and_dedupes(cache: VectorCache) -> None:
    fake = FakeEmbedder()
    texts = ["Recruiter", "Recruiter", "", "Sales manager", "Recruiter"]
    first = embed_texts(texts, fake, cache=cache)
    assert fake.encoded == ["Recruiter", "Sales manager"]  # each distinct non-empty text once
    np.testing.assert_array_equal(first[2], np.zeros(DIM))  # empty text: zero vector
    second = embed_texts([*texts, "Designer"], fake, cache=cache)
    assert fake.encoded == ["Recruiter", "Sales manager", "Designer"]
    np.testing.assert_array_equal(second[:5], first)


def test_embedders_do_not_share_vectors(cache: VectorCache) -> None:
    a, b = FakeEmbedder("fake-a"), FakeEmbedder("fake-b")
    embed_texts(["Recruiter"], a, cache=cache)
    embed_texts(["Recruiter"], b, cache=cache)
    assert b.encoded == ["Recruiter"]


def test_progress_counts_rows_cached_ones_included(cache: VectorCache) -> None:
    fake = FakeEmbedder()
    embed_texts(["a", "b"], fake, cache=cache)
    calls: list[tuple[int, int]] = []
    embed_texts(["a", "b", "c", "c", ""], fake, cache=cache, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (3, 5)  # a, b cached; "" needs nothing
    assert calls[-1] == (5, 5)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-1], id="last-byte-missing"),
        pytest.param(lambda data: b"\0" * len(data), id="zeroed"),
        pytest.param(lambda data: data[:100] + bytes([data[100] ^ 1]) + data[101:], id="one-bit-flipped"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_damaged_shard_warns_is_deleted_and_recomputed(cache: VectorCache, damage) -> None:
    fake = FakeEmbedder()
    texts = [f"title {i}" for i in range(50)]
    embed_texts(texts, fake, cache=cache)
    (shard,) = shards(cache)
    shard.write_bytes(damage(shard.read_bytes()))
    cache = VectorCache(cache.root)  # the next run: damaged on disk between runs
    with pytest.warns(CacheWarning, match="damaged vector cache shard"):
        again = embed_texts(texts, fake, cache=cache)
    assert len(fake.encoded) == 100  # all recomputed
    np.testing.assert_array_equal(again, np.stack([expected(t) for t in texts]))
    assert shard not in shards(cache)  # the damaged file is gone, a good one replaced it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        embed_texts(texts, fake, cache=cache)  # and now all is well


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_shard_with_a_sound_checksum_but_vectors_not_numbers_is_damaged(cache: VectorCache, bad: float) -> None:
    fake = FakeEmbedder()
    texts = [f"title {i}" for i in range(50)]
    clean = embed_texts(texts, fake, cache=cache)
    (shard,) = shards(cache)
    poisoned = clean.copy()
    poisoned[7, 3] = bad
    shard.unlink()
    write_shard(shard.parent, "fake-1", b"".join(map(text_key, texts)), poisoned)  # with a checksum that fits
    with pytest.warns(CacheWarning, match=r"damaged vector cache shard .*\(vectors that are not finite numbers\)"):
        again = embed_texts(texts, fake, cache=VectorCache(cache.root))
    assert len(fake.encoded) == 100  # all recomputed
    np.testing.assert_array_equal(again, clean)
    assert len(shards(cache)) == 1  # a sound shard replaced the damaged one


def test_shard_of_another_embedder_is_rejected(cache: VectorCache) -> None:
    embed_texts(["Recruiter"], FakeEmbedder("fake-other"), cache=cache)
    (stray,) = shards(cache, "fake-other")
    target = cache.embedder_dir("fake-1")
    assert target is not None
    target.mkdir(parents=True)
    stray.rename(target / stray.name)
    with pytest.warns(CacheWarning, match="fake-other"):
        _, found = cache.lookup("fake-1", ["Recruiter"], DIM)
    assert not found.any()


def test_many_shards_are_merged(cache: VectorCache) -> None:
    for i in range(MAX_SHARDS + 3):
        cache.store("fake-1", [f"t{i}", "shared"], np.stack([expected(f"t{i}"), expected("shared")]))
    assert len(shards(cache)) == MAX_SHARDS + 3
    texts = [f"t{i}" for i in range(MAX_SHARDS + 3)] + ["shared"]
    vectors, found = cache.lookup("fake-1", texts, DIM)
    assert found.all()
    assert len(shards(cache)) == 1
    vectors, found = cache.lookup("fake-1", texts, DIM)
    assert found.all()
    np.testing.assert_array_equal(vectors, np.stack([expected(t) for t in texts]))


# ---- the in-memory index -------------------------------------------------------------------------------


def count_reads(monkeypatch) -> list[Path]:
    """Record every shard file a VectorCache reads from disk."""
    reads: list[Path] = []
    original = VectorCache._read_shard

    def counting(path: Path, name: str, dim: int):
        reads.append(path)
        return original(path, name, dim)

    monkeypatch.setattr(VectorCache, "_read_shard", staticmethod(counting))
    return reads


def test_a_warm_lookup_reads_nothing_again(cache: VectorCache, monkeypatch) -> None:
    reads = count_reads(monkeypatch)
    fake = FakeEmbedder()
    texts = [f"title {i}" for i in range(20)]
    embed_texts(texts, fake, cache=cache)  # writes a shard, and keeps it in memory
    for _ in range(3):
        again = embed_texts(texts, fake, cache=cache)
    assert reads == []
    assert fake.encoded == texts
    np.testing.assert_array_equal(again, np.stack([expected(t) for t in texts]))
    embed_texts(texts, fake, cache=VectorCache(cache.root))  # a new instance (or process) reads it once
    assert reads == shards(cache)


def test_shards_written_by_another_writer_are_seen(cache: VectorCache) -> None:
    other = VectorCache(cache.root)  # another process, as far as this instance's memory is concerned
    _, found = cache.lookup("fake-1", ["a", "b"], DIM)
    assert not found.any()
    other.store("fake-1", ["a"], expected("a")[None])
    vectors, found = cache.lookup("fake-1", ["a", "b"], DIM)
    assert found.tolist() == [True, False]
    np.testing.assert_array_equal(vectors[0], expected("a"))


def test_shards_merged_or_cleared_elsewhere_are_forgotten(cache: VectorCache) -> None:
    other = VectorCache(cache.root)
    texts = [f"t{i}" for i in range(MAX_SHARDS + 3)]
    for text in texts[:2]:
        other.store("fake-1", [text], expected(text)[None])
    assert cache.lookup("fake-1", texts, DIM)[1].sum() == 2  # this instance now holds 2 shards
    for text in texts[2:]:
        other.store("fake-1", [text], expected(text)[None])
    assert other.lookup("fake-1", texts, DIM)[1].all()  # the other one merges all of them
    assert len(shards(cache)) == 1
    vectors, found = cache.lookup("fake-1", texts, DIM)
    assert found.all()
    np.testing.assert_array_equal(vectors, np.stack([expected(t) for t in texts]))
    assert list(cache._indexes["fake-1"].shards) == [p.name for p in shards(cache)]  # the merged one only

    other.clear()
    assert not cache.lookup("fake-1", texts, DIM)[1].any()
    fake = FakeEmbedder()
    embed_texts(texts[:1], fake, cache=cache)
    assert fake.encoded == texts[:1]


def test_a_shard_replaced_on_disk_is_read_again(cache: VectorCache) -> None:
    fake = FakeEmbedder()
    texts = [f"title {i}" for i in range(50)]
    embed_texts(texts, fake, cache=cache)
    (shard,) = shards(cache)
    data = bytearray(shard.read_bytes())
    data[100] ^= 1
    replacement = shard.with_suffix(".tmp")
    replacement.write_bytes(bytes(data))
    replacement.replace(shard)  # same name, another file
    with pytest.warns(CacheWarning, match="damaged vector cache shard"):
        again = embed_texts(texts, fake, cache=cache)
    assert len(fake.encoded) == 100
    np.testing.assert_array_equal(again, np.stack([expected(t) for t in texts]))


@pytest.mark.parametrize("how", ["keep_in_memory=False", "over KEEP_BYTES"])
def test_an_index_not_kept_reads_the_shards_each_time(tmp_path: Path, monkeypatch, how: str) -> None:
    if how == "over KEEP_BYTES":
        monkeypatch.setattr(cache_module, "KEEP_BYTES", 100)
        cache = VectorCache(tmp_path)
    else:
        cache = VectorCache(tmp_path, keep_in_memory=False)
    reads = count_reads(monkeypatch)
    fake = FakeEmbedder()
    texts = [f"title {i}" for i in range(20)]
    embed_texts(texts, fake, cache=cache)
    embed_texts(texts, fake, cache=cache)
    embed_texts(texts, fake, cache=cache)
    assert len(reads) == 2 and fake.encoded == texts
    assert cache._indexes == {}


def test_the_index_keeps_its_own_copy_of_what_is_stored(cache: VectorCache) -> None:
    vectors = np.stack([expected("a"), expected("b")])
    cache.lookup("fake-1", ["a"], DIM)  # the index now exists, and keeps what is stored
    cache.store("fake-1", ["a", "b"], vectors)
    vectors[:] = 0  # the caller reuses its array
    found_vectors, found = cache.lookup("fake-1", ["a", "b"], DIM)
    assert found.all()
    np.testing.assert_array_equal(found_vectors, np.stack([expected("a"), expected("b")]))


def test_lookup_into_writes_only_the_rows_found(cache: VectorCache) -> None:
    cache.store("fake-1", ["a", "c"], np.stack([expected("a"), expected("c")]))
    out = np.full((4, DIM), 7.0, dtype=np.float32)
    found = cache.lookup_into("fake-1", ["c", "b", "a", "c"], out)
    assert found.tolist() == [True, False, True, True]
    np.testing.assert_array_equal(out, np.stack([expected("c"), np.full(DIM, 7.0), expected("a"), expected("c")]))


def test_a_shard_without_header_padding_still_reads(cache: VectorCache) -> None:
    # shards written before the header was padded put the vectors at any offset
    import json
    import struct
    import zlib

    from relevance.cache import text_key

    texts = ["Recruiter", "Designer", "Kierownik marketingu"]
    header = json.dumps({"embedder": "fake-1", "dim": DIM, "n": len(texts)}).encode()
    header += b" " * ((1 - 8 - len(header)) % 4)  # the vectors start at an offset of 1 mod 4
    vectors = np.stack([expected(t) for t in texts])
    body = b"RVC1" + struct.pack("<I", len(header)) + header + b"".join(map(text_key, texts)) + vectors.tobytes()
    directory = cache.embedder_dir("fake-1")
    assert directory is not None
    directory.mkdir(parents=True)
    (directory / "0-legacy.rvc").write_bytes(body + struct.pack("<I", zlib.crc32(body)))
    out, found = cache.lookup("fake-1", [*texts, "other"], DIM)
    assert found.tolist() == [True, True, True, False]
    np.testing.assert_array_equal(out[:3], vectors)


def test_embed_texts_keeps_input_order(cache: VectorCache) -> None:
    fake = FakeEmbedder()
    embed_texts(["c", "a"], fake, cache=cache)  # some cached, in another order
    for texts in (["a", "b", "c", "d"], ["d", "", "a", "d", "b", "", "c"]):
        out = embed_texts(texts, fake, cache=cache)
        np.testing.assert_array_equal(out, np.stack([expected(t) if t else np.zeros(DIM) for t in texts]))
    assert fake.encoded == ["c", "a", "b", "d"]


def test_unwritable_cache_warns_and_the_run_succeeds(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    with pytest.warns(CacheWarning, match="Could not write the vector cache"):
        out = embed_texts(["Recruiter"], FakeEmbedder(), cache=VectorCache(blocker))
    np.testing.assert_array_equal(out[0], expected("Recruiter"))


def test_cache_none_embeds_every_time() -> None:
    fake = FakeEmbedder()
    embed_texts(["a"], fake, cache=None)
    embed_texts(["a"], fake, cache=None)
    assert fake.encoded == ["a", "a"]


def test_relevance_cache_env_var_redirects_and_disables(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RELEVANCE_CACHE", str(tmp_path / "elsewhere"))
    default = VectorCache()
    assert default.root == tmp_path / "elsewhere"
    fake = FakeEmbedder()
    embed_texts(["Recruiter"], fake)  # the default cache argument follows the variable
    assert list((tmp_path / "elsewhere" / "vectors").rglob("*.rvc"))
    embed_texts(["Recruiter"], fake)
    assert fake.encoded == ["Recruiter"]

    monkeypatch.setenv("RELEVANCE_CACHE", "off")
    assert default.root is None
    embed_texts(["Recruiter"], fake)
    assert fake.encoded == ["Recruiter", "Recruiter"]


def test_default_dir_is_the_user_cache_dir(monkeypatch) -> None:
    monkeypatch.delenv("RELEVANCE_CACHE", raising=False)
    directory = default_cache_dir()
    assert directory is not None and "relevance" in directory.parts


def test_clear(cache: VectorCache) -> None:
    fake = FakeEmbedder()
    embed_texts(["a"], fake, cache=cache)
    cache.clear("fake-1")
    embed_texts(["a"], fake, cache=cache)
    assert fake.encoded == ["a", "a"]
    cache.clear()
    assert cache.root is not None and not (cache.root / "vectors").exists()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=20))
def test_any_texts_round_trip(texts: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cache = VectorCache(tmp)
        fake = FakeEmbedder()
        first = embed_texts(texts, fake, cache=cache)
        second = embed_texts(texts, fake, cache=cache)
        np.testing.assert_array_equal(first, second)
        assert len(fake.encoded) == len({t for t in texts if t})
        for text, row in zip(texts, second, strict=True):
            np.testing.assert_array_equal(row, expected(text) if text else np.zeros(DIM))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 1),  # which of two caches on one directory (two processes, as far as memory goes)
            st.sampled_from(["store", "lookup", "lookup", "clear"]),
            st.lists(st.sampled_from([f"t{i}" for i in range(12)]), min_size=1, max_size=6),
        ),
        max_size=40,
    )
)
def test_two_caches_on_one_directory_agree_with_the_disk(ops: list[tuple[int, str, list[str]]]) -> None:
    import tempfile
    from unittest import mock

    with (
        tempfile.TemporaryDirectory() as tmp,
        warnings.catch_warnings(),
        mock.patch.object(cache_module, "MAX_SHARDS", 3),  # merges often, under either cache's feet
    ):
        warnings.simplefilter("error")
        caches = [VectorCache(tmp), VectorCache(tmp)]
        stored: set[str] = set()
        for which, op, texts in ops:
            cache = caches[which]
            if op == "store":
                cache.store("fake-1", texts, np.stack([expected(t) for t in texts]))
                stored.update(texts)
            elif op == "clear":
                cache.clear("fake-1")
                stored.clear()
            else:
                vectors, found = cache.lookup("fake-1", texts, DIM)
                assert found.tolist() == [t in stored for t in texts]
                for text, row, hit in zip(texts, vectors, found, strict=True):
                    np.testing.assert_array_equal(row, expected(text) if hit else np.zeros(DIM))


def _worker(root: str, seed: int) -> int:
    """Embed overlapping random subsets many times into one cache; return how many cache warnings it saw."""
    rng = np.random.default_rng(seed)
    pool = [f"title {i}" for i in range(400)]
    cache = VectorCache(root)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for _ in range(30):
            texts = [pool[i] for i in rng.choice(len(pool), 60, replace=False)]
            out = embed_texts(texts, FakeEmbedder(), cache=cache)
            if not np.array_equal(out, np.stack([expected(t) for t in texts])):
                raise AssertionError("wrong vector returned")
    return sum(issubclass(w.category, CacheWarning) for w in seen)


@pytest.mark.slow
def test_concurrent_writers(tmp_path: Path) -> None:
    # two processes write and merge shards of overlapping texts at the same time (30 runs each, so
    # compactions race with writes and with each other)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        warned = pool.starmap(_worker, [(str(tmp_path), 1), (str(tmp_path), 2)])
    assert warned == [0, 0]
    cache = VectorCache(tmp_path)
    texts = [f"title {i}" for i in range(400)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vectors, found = cache.lookup("fake-1", texts, DIM)
    hits = [t for t, hit in zip(texts, found, strict=True) if hit]
    np.testing.assert_array_equal(vectors[found], np.stack([expected(t) for t in hits]))
    assert found.sum() > 350  # nearly all were drawn by one worker or the other
    assert not list((tmp_path / "vectors").rglob(".*.tmp"))  # no temp file left behind
