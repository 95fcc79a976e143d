"""How well and how fast does relevance.language tell the language of a job title?

Data: 3,000 random ESCO titles (en/de/fr/es; "ESCO, European Commission") and the Polish, Russian and Czech
positions of the bundled sample export (relevance/data/sample/Connections.csv), whose language is known from
the hand-made tables of scripts/make_sample.py (a position counts when it contains a variant of exactly one
language; a variant spelt the same in two languages, e.g. "Psycholog", is left out).

"Has a language" is decided two ways, both reported:
- by the detector: it abstains ("unknown") below ``MIN_CONFIDENCE``; accuracy is on the titles it decides,
  and coverage is the share it decides;
- by the data: an ESCO title spelt identically in two or more of the four languages ("Controller", "Designer")
  has no language of its own; "own-language accuracy" leaves those out (and counts an abstention as an error).

Speed: 30,000 distinct ESCO titles (the worst case: nothing repeats) and 30,000 positions drawn from the
sample export (titles repeat, as in real exports), single process, including the model load.

    .venv/bin/python scripts/bench_language.py [--sweep]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

import relevance.language as language
from relevance.io import read_export

ROOT = Path(__file__).resolve().parents[1]
ESCO = ROOT.parent / "shared" / "data" / "esco_titles.tsv"
SAMPLE = ROOT / "relevance" / "data" / "sample" / "Connections.csv"
sys.path.insert(0, str(ROOT / "scripts"))
from make_sample import HAND_TITLES  # noqa: E402


def esco_rows() -> list[dict[str, str]]:
    with ESCO.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def esco_sample(rows: list[dict[str, str]], n: int, seed: int = 0) -> tuple[list[str], list[str], list[bool]]:
    """n random ESCO titles, their language, and whether the wording is shared by two or more languages."""
    langs_of: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        langs_of[r["title"].casefold()].add(r["lang"])
    picked = [rows[i] for i in np.random.default_rng(seed).choice(len(rows), n, replace=False)]
    return (
        [r["title"] for r in picked],
        [r["lang"] for r in picked],
        [len(langs_of[r["title"].casefold()]) > 1 for r in picked],
    )


def sample_positions() -> tuple[list[str], list[str]]:
    """The sample export's positions written in a language of the hand-made tables (pl, ru, cs)."""
    variant_langs: dict[str, set[str]] = defaultdict(set)
    for _, *columns in HAND_TITLES:
        for lang, cell in zip(("pl", "ru", "cs"), columns, strict=True):
            for variant in cell.split(";"):
                variant_langs[variant.strip().casefold()].add(lang)
    own = {v: next(iter(ls)) for v, ls in variant_langs.items() if len(ls) == 1}
    pattern = re.compile("|".join(sorted(map(re.escape, own), key=len, reverse=True)))
    titles, truth = [], []
    for connection in read_export(SAMPLE).connections:
        found = {own[m] for m in pattern.findall(connection.position.casefold())}
        if len(found) == 1:
            titles.append(connection.position)
            truth.append(found.pop())
    return titles, truth


def table(name: str, titles: list[str], truth: list[str], shared: list[bool], threshold: float) -> list[str]:
    language.best_guess.cache_clear()  # read again, from the file on disk as a command would
    found = language.detect_many(titles)
    decided = [d.language if d.confidence >= threshold else language.UNKNOWN for d in found]
    lines = []
    groups: dict[str, list[int]] = defaultdict(list)
    for i, lang in enumerate(truth):
        groups[lang].append(i)
    groups["all"] = list(range(len(truth)))
    for lang, rows in groups.items():
        covered = [i for i in rows if decided[i] != language.UNKNOWN]
        right = sum(decided[i] == truth[i] for i in covered)
        own = [i for i in rows if not shared[i]]
        own_right = sum(decided[i] == truth[i] for i in own)
        lines.append(
            f"| {name} | {lang} | {len(rows):,} | {len(covered) / len(rows):.1%} "
            f"| {right / max(len(covered), 1):.1%} | {right / len(rows):.1%} "
            f"| {own_right / max(len(own), 1):.1%} ({len(own):,}) |"
        )
    return lines


def speed(titles: list[str]) -> float:
    language._identifier.cache_clear()
    language.best_guess.cache_clear()
    started = time.perf_counter()
    language.detect_many(titles)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--sweep", action="store_true", help="also try other MIN_CONFIDENCE values")
    args = parser.parse_args()
    rows = esco_rows()
    esco_titles, esco_truth, esco_shared = esco_sample(rows, args.n)
    pos_titles, pos_truth = sample_positions()
    pos_shared = [False] * len(pos_titles)
    # detect once with no abstention, then apply each threshold to the recorded confidence
    chosen = language.MIN_CONFIDENCE
    language.MIN_CONFIDENCE = 0.0
    thresholds = sorted({chosen, *((0.0, 0.5, 0.7, 0.8, 0.85, 0.95, 0.99) if args.sweep else ())})
    print(f"Languages the model chooses among: {', '.join(language.LANGUAGES)}; chosen MIN_CONFIDENCE {chosen}\n")
    print(
        "| threshold | data | language | titles | coverage (decided) | accuracy where decided | "
        "accuracy, unknown = wrong | own-language accuracy (titles) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for threshold in thresholds:
        for line in table("ESCO", esco_titles, esco_truth, esco_shared, threshold):
            print(f"| {threshold} {line}")
        for line in table("sample pl/ru/cs", pos_titles, pos_truth, pos_shared, threshold):
            print(f"| {threshold} {line}")
        mixed_t, mixed_y = esco_titles + pos_titles, esco_truth + pos_truth
        for line in table("mixed", mixed_t, mixed_y, esco_shared + pos_shared, threshold)[-1:]:
            print(f"| {threshold} {line}")
    language.MIN_CONFIDENCE = chosen

    distinct = list(dict.fromkeys(r["title"] for r in rows))[:30_000]
    positions = [c.position for c in read_export(SAMPLE).connections]
    repeated = [positions[i] for i in np.random.default_rng(0).integers(0, len(positions), 30_000)]
    print("\n| 30,000 titles | distinct | seconds (incl. model load) | titles/s |")
    print("|---|---|---|---|")
    for name, titles in (("ESCO, all distinct", distinct), ("sample export, repeating", repeated)):
        seconds = speed(titles)
        print(f"| {name} | {len(set(titles)):,} | {seconds:.2f} | {len(titles) / seconds:,.0f} |")


if __name__ == "__main__":
    main()
