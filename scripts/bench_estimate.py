"""Is the wrong-removal estimate honest? Train exactly as `relevance train` does, check on held-out rows.

ESCO occupation titles (en/de/fr/es mixed; "ESCO, European Commission") with a "people who hire, market or sell"
audience (ISCO 1212, 1221, 1222, 2423, 2431, 2432, 3333) at ~20%. Each repeat splits occupations (``esco_uri``,
so rewordings of one job never sit on both sides) into a labelled pool and held-out rows, draws random labels
from the pool, fits with ``relevance.model.fit_bundle`` and compares, on the held-out rows:

- CV ROC-AUC (what `relevance train` reports) vs held-out ROC-AUC;
- the estimated wrong-removal rate vs the realised one (share of "yes" among held-out rows suggested for removal);
- removal recall (share of held-out "no" rows suggested for removal).

    .venv/bin/python scripts/bench_estimate.py [--repeats 10] [--labels 100 200]

Vectors come from the real default embedder through the vector cache, so a second run takes seconds.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np

from relevance.embed import embed_texts, load_embedder
from relevance.metrics import auc
from relevance.model import fit_bundle
from relevance.pipeline import network_mean

ESCO = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "esco_titles.tsv"
AUDIENCE = {"1212", "1221", "1222", "2423", "2431", "2432", "3333"}


def load_titles(path: Path, seed: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every audience title plus four times as many others, drawn at random: (titles, audience, occupation)."""
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    audience = [r for r in rows if r["isco08"] in AUDIENCE]
    others = [r for r in rows if r["isco08"] not in AUDIENCE]
    rng = np.random.default_rng(seed)
    picked = audience + [others[i] for i in rng.choice(len(others), 4 * len(audience), replace=False)]
    uris = {u: i for i, u in enumerate(sorted({r["esco_uri"] for r in picked}))}
    return (
        [r["title"] for r in picked],
        np.array([r["isco08"] in AUDIENCE for r in picked]),
        np.array([uris[r["esco_uri"]] for r in picked]),
    )


def one_run(vectors: np.ndarray, y: np.ndarray, groups: np.ndarray, n_labels: int, seed: int, embedder) -> dict:
    rng = np.random.default_rng(seed)
    occupations = np.unique(groups)
    pool_occ = rng.choice(occupations, len(occupations) // 2, replace=False)
    in_pool = np.isin(groups, pool_occ)
    pool, held = np.flatnonzero(in_pool), np.flatnonzero(~in_pool)
    while True:  # a draw with fewer than 10 of a kind is one `relevance train` would refuse
        chosen = rng.choice(pool, n_labels, replace=False)
        if 10 <= y[chosen].sum() <= n_labels - 10:
            break
    bundle = fit_bundle(
        vectors[chosen],
        y[chosen],
        network_mean(vectors),
        embedder=embedder,
        ids=[str(i) for i in chosen],
        texts=["" for _ in chosen],
        seed=seed,
    )
    scores = bundle.predict(vectors[held])
    truth = y[held]
    threshold = bundle.remove_at_or_below
    removed = scores <= threshold if threshold is not None else np.zeros(len(held), bool)
    metrics = bundle.metrics
    return {
        "cv_auc": metrics["roc_auc"].value,
        "held_auc": auc(scores, truth),
        "estimated": metrics["wrong_removals"].value,
        "estimated_high": metrics["wrong_removals"].high,
        "realised": float(truth[removed].mean()) if removed.any() else 0.0,
        "calibrated": float(scores[removed].mean()) if removed.any() else 0.0,
        "recall": float(removed[~truth].mean()),
        "removed_share": float(removed.mean()),
        "brier": float(np.mean((scores - truth) ** 2)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--esco", type=Path, default=ESCO)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--labels", type=int, nargs="+", default=[100, 200])
    args = parser.parse_args()
    titles, y, groups = load_titles(args.esco, seed=0)
    embedder = load_embedder()
    started = time.perf_counter()
    vectors = embed_texts(titles, embedder)
    print(f"{len(titles):,} titles, {y.mean():.0%} audience, embedded in {time.perf_counter() - started:.1f} s\n")
    print(
        "| labels | CV ROC-AUC | held-out ROC-AUC | est. wrong removals | realised | |est − real| ≤ 2 pts | "
        "mean calibrated p of removed | removal recall | removed | Brier |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in args.labels:
        runs = [one_run(vectors, y, groups, n, seed, embedder) for seed in range(args.repeats)]
        col = {k: np.array([r[k] for r in runs]) for k in runs[0]}
        within = np.mean(np.abs(col["estimated"] - col["realised"]) <= 0.02)
        print(
            f"| {n} | {col['cv_auc'].mean():.3f} ± {col['cv_auc'].std():.3f} "
            f"| {col['held_auc'].mean():.3f} ± {col['held_auc'].std():.3f} "
            f"| {col['estimated'].mean():.1%} (high {col['estimated_high'].mean():.1%}) "
            f"| {col['realised'].mean():.1%} (max {col['realised'].max():.1%}) "
            f"| {within:.0%} of runs "
            f"| {col['calibrated'].mean():.1%} "
            f"| {col['recall'].mean():.2f} ± {col['recall'].std():.2f} "
            f"| {col['removed_share'].mean():.0%} "
            f"| {col['brier'].mean():.3f} |"
        )


if __name__ == "__main__":
    main()
