"""Which text of a connection should be embedded? Compare compositions on real occupation titles.

Protocol: 5,000 ESCO titles, audience = people who hire, market or sell (ISCO 1212,
1221, 1222, 2423, 2431, 2432, 3333), train/test split by occupation, logistic regression (balanced, C=1) on
the default embedder's vectors, N random labels, 10 draws, ROC-AUC on the test half. Companies are synthetic
and unrelated to the audience, as most employers are.

    .venv/bin/python scripts/bench_text.py            # prints a markdown table
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from relevance.cache import VectorCache
from relevance.embed import embed_texts, embedding_text, load_embedder
from relevance.records import Connection

DATA = Path("/work/shared/data/esco_titles.tsv")
AUDIENCE = {"1212", "1221", "1222", "2423", "2431", "2432", "3333"}
_STEMS = [
    "Nordwind",
    "Baltic",
    "Vistula",
    "Alpen",
    "Iberia",
    "Lumen",
    "Orbit",
    "Quantum",
    "Sigma",
    "Delta",
    "Atlas",
    "Helios",
    "Borealis",
    "Krakow",
    "Lyon",
]
_KINDS = [
    "GmbH", "Sp. z o.o.", "Ltd", "S.A.", "SAS", "Consulting", "Solutions", "Bank", "Software", "Logistics",
    "Marketing", "Media Group", "Recruitment", "Health", "Energy", "Foods", "Legal", "Capital", "Labs", "Group",
]  # fmt: skip
_EMOJI = ["🚀", "✨", "🌍", "💡", "📈", "🔥", "✅"]


def load(n: int, seed: int) -> tuple[list[str], list[str], np.ndarray, list[list[str]]]:
    """n titles with their occupation id, audience flag and the other titles of the same occupation."""
    with DATA.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    by_uri: dict[str, list[str]] = {}
    for r in rows:
        by_uri.setdefault(r["esco_uri"], []).append(r["title"])
    # enrich the audience to ~19% (a random sample of ESCO holds only ~2%)
    rng = random.Random(seed)
    audience = [r for r in rows if r["isco08"] in AUDIENCE]
    others = [r for r in rows if r["isco08"] not in AUDIENCE]
    n_pos = min(len(audience), round(0.19 * n))
    sample = rng.sample(audience, n_pos) + rng.sample(others, n - n_pos)
    rng.shuffle(sample)
    titles = [r["title"] for r in sample]
    uris = [r["esco_uri"] for r in sample]
    y = np.array([r["isco08"] in AUDIENCE for r in sample])
    siblings = [[t for t in by_uri[r["esco_uri"]] if t != r["title"]] for r in sample]
    return titles, uris, y, siblings


def evaluate(x: np.ndarray, y: np.ndarray, uris: list[str], n_labels: int, draws: int) -> float:
    """Mean test ROC-AUC over draws: split occupations in half, label n random training rows, fit, score."""
    aucs = []
    occupations = sorted(set(uris))
    for d in range(draws):
        rng = np.random.default_rng(d)
        test_occ = set(rng.choice(occupations, len(occupations) // 2, replace=False))
        is_test = np.array([u in test_occ for u in uris])
        train = np.flatnonzero(~is_test)
        while True:  # both classes among the labels
            labelled = rng.choice(train, n_labels, replace=False)
            if 0 < y[labelled].sum() < n_labels:
                break
        clf = LogisticRegression(class_weight="balanced", C=1.0, max_iter=1000).fit(x[labelled], y[labelled])
        aucs.append(roc_auc_score(y[is_test], clf.decision_function(x[is_test])))
    return float(np.mean(aucs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--draws", type=int, default=10)
    args = parser.parse_args()

    titles, uris, y, siblings = load(args.n, seed=0)
    rng = random.Random(1)
    companies = [f"{rng.choice(_STEMS)} {rng.choice(_KINDS)}" for _ in titles]
    headline = [" | ".join([t, *rng.sample(s, min(2, len(s)))]) for t, s in zip(titles, siblings, strict=True)]
    emoji = [f"{rng.choice(_EMOJI)} {t} {rng.choice(_EMOJI)}" for t in titles]
    hidden = np.array([rng.random() < 0.15 for _ in titles])  # rows whose title is missing: only a company

    def conn(i: int, **fields: str) -> str:
        return embedding_text(Connection(id=str(i), **fields))

    compositions: dict[str, Callable[[int], str]] = {
        "title (embedding_text)": lambda i: conn(i, position=titles[i], company=companies[i]),
        "title, company": lambda i: f"{titles[i]}, {companies[i]}",
        "title at company": lambda i: f"{titles[i]} at {companies[i]}",
        '"title at company" headline (embedding_text, the company column known)': lambda i: conn(
            i, headline=f"{titles[i]} at {companies[i]}", company=companies[i]
        ),
        '"title at company" headline (embedding_text, no company column)': lambda i: conn(
            i, headline=f"{titles[i]} at {companies[i]}"
        ),
        'headline "A | B | C" (embedding_text: as is)': lambda i: conn(i, headline=headline[i]),
        'headline "A | B | C" -> "A, B, C"': lambda i: headline[i].replace(" | ", ", "),
        "emoji-decorated title as is": lambda i: emoji[i],
        "emoji-decorated title (embedding_text: stripped)": lambda i: conn(i, headline=emoji[i]),
        "15% rows without title: zero vector (embedding_text)": lambda i: conn(
            i, position="" if hidden[i] else titles[i], company=companies[i]
        ),
        "15% rows without title: company instead": lambda i: companies[i] if hidden[i] else titles[i],
    }
    embedder = load_embedder()
    cache = VectorCache(tempfile.mkdtemp(prefix="bench-text-"))  # a throwaway cache shared by the variants
    print(f"{args.n} ESCO titles, {y.mean():.0%} audience, {args.draws} draws, embedder {embedder.name}\n")
    print("| text embedded | ROC-AUC @25 | @100 | @400 |")
    print("|---|---|---|---|")
    for label, compose in compositions.items():
        t0 = time.perf_counter()
        x = embed_texts([compose(i) for i in range(len(titles))], embedder, cache=cache)
        cells = [f"{evaluate(x, y, uris, n, args.draws):.3f}" for n in (25, 100, 400)]
        print(f"| {label} | {' | '.join(cells)} |  <!-- {time.perf_counter() - t0:.0f}s -->")


if __name__ == "__main__":
    main()
