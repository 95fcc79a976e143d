"""Time `relevance.read_export` on a 30,000-row export (LinkedIn's cap), against a bare `csv.reader`.

Writes a realistic synthetic export (official layout with the Notes preamble, quoted commas, percent-encoded
slugs, ~3% ghost rows, ~3% empty positions) to a temporary folder, then reports the best of 5 runs of each.

    .venv/bin/python scripts/bench_io.py [--rows 30000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from benchlib import HEADER, PREAMBLE  # one LinkedIn layout for every benchmark

from relevance import read_export

FIRST = ["Jana", "Tomás", "Oldřich", "Zoë", "Mikkel", "Łucja", "Дмитрий", "Ana María", "Jean-Luc", "Priya", "Wei"]
LAST = ["Novák", "García López", "Jensen", "Kowalska", "Смирнов", "Dubois", "Patel", "Chen", "O'Brien", "Abbas, PhD"]
COMPANIES = ["Acme", "Acme, Inc.", "Škoda Auto a.s.", "Banco Sol S.A.", "Ørsted", "ООО Ромашка", "Self-employed", ""]
POSITIONS = [
    "Head of Talent, EMEA",
    "Obchodní ředitel",
    "Directora de Marketing",
    "Senior Software Engineer",
    "Account Executive | SaaS | B2B",
    'Chief "Fun" Officer',
    "Менеджер по продажам",
    "Recruiter 🚀",
    "",
]


def write_export(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = date(2008, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(PREAMBLE)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for index in range(rows):
            day = (start + timedelta(days=rng.randrange(6500))).strftime("%d %b %Y")
            if rng.random() < 0.03:  # a hidden member: only the date is left
                writer.writerow(["", "", "", "", "", "", day])
                continue
            first, last = rng.choice(FIRST), rng.choice(LAST)
            slug = quote(f"{first}-{last}-{index:x}".lower().replace(" ", "-").replace(",", ""))
            url = f"https://www.linkedin.com/in/{slug}"
            writer.writerow([first, last, url, "", rng.choice(COMPANIES), rng.choice(POSITIONS), day])


def best_of(repeat: int, run: Callable[[], int]) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = run()
        times.append(time.perf_counter() - started)
    return min(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Connections.csv"
        write_export(path, args.rows)
        size = path.stat().st_size

        def bare() -> int:
            with path.open(encoding="utf-8", newline="") as handle:
                return sum(1 for _ in csv.reader(handle))

        def full() -> int:
            return read_export(path).rows_read

        baseline, lines = best_of(args.repeat, bare)
        reader, rows = best_of(args.repeat, full)
        export = read_export(path)

    print(
        f"file: {args.rows:,} rows, {size / 1e6:.1f} MB; read {rows:,} rows, {len(export.connections):,} connections, "
        f"{export.ghost_rows:,} ghost rows"
    )
    print(f"csv.reader  {baseline:.3f} s  {lines / baseline:>10,.0f} rows/s  (best of {args.repeat})")
    print(f"read_export {reader:.3f} s  {rows / reader:>10,.0f} rows/s  (best of {args.repeat})")
    print(f"ratio       {reader / baseline:.1f}x the bare csv.reader")


if __name__ == "__main__":
    main()
