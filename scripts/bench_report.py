"""How long the HTML report takes for a full 30,000-connection network, how big it is, and how fast it opens.

    .venv/bin/python scripts/bench_report.py [--rows 30000] [--dim 512] [--long] [--tsne 3000] [--keep report.html]

Synthetic scored rows and clustered random vectors (tests/report_data.py), then: build (projection, title
groups, summaries), render + write, file size, and headless Chromium's time from navigation to every plot
drawn (skipped without chromium). ``--tsne N`` also times scikit-learn's t-SNE on N rows, the alternative to PCA.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from cdp import Chromium, find_chromium  # noqa: E402
from report_data import model_card, scored_rows, vectors_for  # noqa: E402

from relevance.report import build_report, write_report  # noqa: E402
from relevance.score import ScoredRow  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--dim", type=int, default=512, help="vector size (USE multilingual: 512)")
    parser.add_argument("--tsne", type=int, default=0, help="also time t-SNE on this many rows")
    parser.add_argument("--keep", type=Path, help="write the report here instead of a temporary file")
    parser.add_argument("--long", action="store_true", help="headline-length titles and reasons (the worst case)")
    args = parser.parse_args()

    rows = scored_rows(args.rows)
    if args.long:
        rows = [lengthen(row) for row in rows]
    vectors = vectors_for(rows, args.dim)
    removals = sum(r.suggestion == "remove" for r in rows)
    print(f"rows {len(rows):,}, removals {removals:,}, vectors {vectors.shape}")

    start, cpu = time.perf_counter(), time.process_time()
    data = build_report(rows, vectors, model_card(), source="bench.csv")
    built, built_cpu = time.perf_counter() - start, time.process_time() - cpu
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "report.html"
        start, cpu = time.perf_counter(), time.process_time()
        write_report(data, path)
        rendered, rendered_cpu = time.perf_counter() - start, time.process_time() - cpu
        size = path.stat().st_size
        # CPU time too: on a shared machine the wall clock also measures the neighbours.
        print(f"build {built:.2f} s, CPU {built_cpu:.2f} s (projection, title groups, summaries)")
        print(f"render + write {rendered:.2f} s, CPU {rendered_cpu:.2f} s")
        print(f"file size {size / 1e6:.1f} MB (plotly.js alone is 4.8 MB)")
        if find_chromium():
            browser_times(path, Path(tmp) / "profile")
        else:
            print("browser: skipped, chromium is not installed")
    if args.tsne:
        time_tsne(vectors[: args.tsne])


def lengthen(row: ScoredRow) -> ScoredRow:
    """A scraped-headline-sized title (~110 characters) and a three-example reason."""
    tail = " | Helping B2B companies grow with data-driven strategies 🚀 | Speaker"
    position = row.connection.position + tail if row.connection.position else ""
    why = row.why + ", 'Chief Revenue Officer at Example Holdings' (yes)"
    return replace(row, connection=replace(row.connection, position=position), why=why)


def browser_times(path: Path, profile: Path) -> None:
    with Chromium(profile) as browser:
        start = time.perf_counter()
        browser.call("Page.navigate", {"url": path.as_uri()})
        browser.wait_for_event("Page.loadEventFired", timeout=120)
        loaded = time.perf_counter() - start
        browser.wait_until("document.body.dataset.plots === 'ready'", timeout=120)
        drawn = time.perf_counter() - start
        print(f"browser: load event {loaded:.2f} s, every plot drawn {drawn:.2f} s after navigation")
        parsed = browser.evaluate("performance.getEntriesByType('navigation')[0].domInteractive / 1000")
        print(f"browser: page parsed and scripts run (domInteractive) at {parsed:.2f} s")
        if browser.errors:
            print(f"browser errors: {browser.errors}")
        start = time.perf_counter()
        browser.evaluate("document.querySelectorAll('#batches input')[0].click()")
        print(f"browser: ticking a box {1000 * (time.perf_counter() - start):.0f} ms")


def time_tsne(vectors: object) -> None:
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    reduced = PCA(50, random_state=0).fit_transform(vectors)
    start = time.perf_counter()
    TSNE(2, init="pca", random_state=0).fit_transform(reduced)
    print(f"t-SNE on {len(reduced):,} rows: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
