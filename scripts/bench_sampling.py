"""Benchmark: which connections to label next (relevance.sampling), measured by held-out quality per budget.

Networks are drawn from ESCO occupation titles (/work/shared/data/esco_titles.tsv), split by occupation
(esco_uri) into a pool to label and a held-out set, with two audiences: people who hire, market or sell
(~20%) and a rarer ICT audience (25xx, ~8%). A simulated person answers the rows each strategy chooses, in
batches as `relevance sample` would; after each budget a model (build_pipeline, as `relevance train`) is
scored on the held-out rows. Vectors come from the real default embedder, cached as .npy in a temp dir.

    .venv/bin/python scripts/bench_sampling.py [--repeats 4] [--pool 3000] [--strategies random auto auto@2]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from threadpoolctl import threadpool_limits

import relevance.sampling
from relevance.embed import embed_texts, load_embedder
from relevance.linear import network_mean
from relevance.pipeline import build_pipeline
from relevance.sampling import choose

ESCO = Path(__file__).resolve().parents[2] / "shared" / "data" / "esco_titles.tsv"
AUDIENCES = {
    "hire/market/sell, 20%": (lambda isco: isco in {"1212", "1221", "1222", "2423", "2431", "2432", "3333"}, 0.20),
    "ICT 25xx, 8%": (lambda isco: isco.startswith("25"), 0.08),
}
BUDGETS = (25, 50, 100, 200)
# Variants of auto, to check its choices: "auto@2" switches to the model at 2 answers of each kind whatever the
# total (the rule before MIN_ANSWERS), "auto@5" at 5 of each; "auto-pure" draws no random share once the model
# leads, "auto-explore" draws 40%.
STRATEGIES = ("random", "diverse", "uncertain", "auto", "auto@2", "auto@5", "auto-pure", "auto-explore")
VARIANTS = {  # (MIN_EACH, MIN_ANSWERS, EXPLORE)
    "auto": (relevance.sampling.MIN_EACH, relevance.sampling.MIN_ANSWERS, relevance.sampling.EXPLORE),
    "auto@2": (2, 0, relevance.sampling.EXPLORE),
    "auto@5": (5, 0, relevance.sampling.EXPLORE),
    "auto-pure": (relevance.sampling.MIN_EACH, relevance.sampling.MIN_ANSWERS, 0.0),
    "auto-explore": (relevance.sampling.MIN_EACH, relevance.sampling.MIN_ANSWERS, 0.4),
}


def load(cache_dir: Path) -> tuple[list[dict[str, str]], np.ndarray]:
    """ESCO rows and their vectors, embedded once and kept as .npy."""
    with ESCO.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    embedder = load_embedder(None)
    path = cache_dir / f"esco-{embedder.name.replace('/', '_')}.npy"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, embed_texts([r["title"] for r in rows], embedder))
    return rows, np.load(path)


def draw(rows: list[dict[str, str]], audience: str, size: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Pool and held-out row indices (disjoint occupations) with the audience at its share, and the truth."""
    is_audience, share = AUDIENCES[audience]
    truth = np.array([is_audience(r["isco08"]) for r in rows])
    uris = sorted({r["esco_uri"] for r in rows})
    held_uris = set(rng.choice(uris, len(uris) * 3 // 10, replace=False).tolist())
    held = np.array([r["esco_uri"] in held_uris for r in rows])

    def pick(mask: np.ndarray, n: int) -> np.ndarray:
        yes, no = np.flatnonzero(mask & truth), np.flatnonzero(mask & ~truth)
        k = min(round(n * share), len(yes))  # a small audience may not fill its share: take all of it
        return rng.permutation(
            np.concatenate([rng.choice(yes, k, replace=False), rng.choice(no, n - k, replace=False)])
        )

    return pick(~held, size), pick(held, size // 3), truth


def simulate(vectors: np.ndarray, truth: np.ndarray, test: np.ndarray, strategy: str, seed: int) -> list[tuple]:
    """Label the pool as the strategy chooses; (ROC-AUC, average precision) on held-out rows at each budget."""
    pool, answers = vectors, {}
    if strategy in VARIANTS:
        (relevance.sampling.MIN_EACH, relevance.sampling.MIN_ANSWERS, relevance.sampling.EXPLORE) = VARIANTS[strategy]
    strategy = "auto" if strategy.startswith("auto") else strategy
    mean = network_mean(pool)
    scores = []
    for budget in BUDGETS:
        while len(answers) < budget:
            batch = 10 if len(answers) < 50 else 25
            for row in choose(
                pool, answers, min(batch, budget - len(answers)), strategy=strategy, seed=seed, mean=mean
            ):
                answers[row] = bool(truth[row])
        rows = list(answers)
        y = truth[rows]
        if y.all() or not y.any():
            scores.append((0.5, float(test[1].mean())))
            continue
        with threadpool_limits(1):
            model = build_pipeline(mean).fit(pool[rows], y)
        proba = model.predict_proba(test[0])[:, 1]
        scores.append((roc_auc_score(test[1], proba), average_precision_score(test[1], proba)))
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--pool", type=int, default=3000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "relevance-bench")
    parser.add_argument("--strategies", nargs="+", default=list(STRATEGIES), choices=STRATEGIES)
    args = parser.parse_args()
    rows, vectors = load(args.cache)
    results: dict[tuple[str, str], list[list[tuple]]] = {}
    started = time.time()
    for audience in AUDIENCES:
        for repeat in range(args.repeats):
            rng = np.random.default_rng(repeat)
            pool, held, truth = draw(rows, audience, args.pool, rng)
            for strategy in args.strategies:
                run = simulate(vectors[pool], truth[pool], (vectors[held], truth[held]), strategy, seed=repeat)
                results.setdefault((audience, strategy), []).append(run)
            print(f"  {audience} repeat {repeat + 1}/{args.repeats} ({time.time() - started:.0f} s)", flush=True)
    budgets = " | ".join(f"@{b}" for b in BUDGETS)
    print(f"\n| audience | strategy | ROC-AUC {budgets} | avg precision {budgets} |")
    print("|---|---|" + "---|" * 2 * len(BUDGETS))
    for (audience, strategy), runs in results.items():
        mean = np.mean(np.array(runs, dtype=float), axis=0)  # (budget, metric)
        auc = " | ".join(f"{m:.3f}" for m in mean[:, 0])
        ap = " | ".join(f"{m:.3f}" for m in mean[:, 1])
        print(f"| {audience} | {strategy} | {auc} | {ap} |")
    print(f"\n{args.repeats} repeats, pool {args.pool} rows, held-out {args.pool // 3}; {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
