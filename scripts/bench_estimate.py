"""Is the wrong-removal estimate honest? Train exactly as `relevance train` does, check on held-out rows.

ESCO occupation titles (en/de/fr/es mixed; "ESCO, European Commission") with an audience of "people who hire,
market or sell" (ISCO 1212, 1221, 1222, 2423, 2431, 2432, 3333) at ~20%, or a rarer ICT one (ISCO 25xx) at ~8%.
Each repeat splits occupations (``esco_uri``, so rewordings of one job never sit on both sides) into a pool to
label and held-out rows, chooses labels from the pool either at random or as `relevance label` does (``auto``,
batches of 10, oracle answers), fits with ``relevance.model.fit_bundle`` (the whole network's vectors, labels
unseen, as the population the estimate is about) and compares, on the held-out rows:

- CV ROC-AUC (what `relevance train` reports) vs held-out ROC-AUC;
- the estimated wrong-removal rate vs the realised one (share of "yes" among held-out rows suggested for removal);
- removal recall (share of held-out "no" rows suggested for removal).

    .venv/bin/python scripts/bench_estimate.py [--repeats 10] [--labels 100 200] [--strategy random auto]
        [--audience sell ict]

Vectors come from the real default embedder through the vector cache, so a second run takes seconds.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from relevance import metrics as metrics_module
from relevance import model as model_module
from relevance import sampling
from relevance.embed import embed_texts, load_embedder
from relevance.metrics import auc
from relevance.model import fit_bundle
from relevance.pipeline import network_mean
from relevance.sampling import choose_picks, effective_strategy

ESCO = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "esco_titles.tsv"
SELL = {"1212", "1221", "1222", "2423", "2431", "2432", "3333"}
AUDIENCES: dict[str, tuple[Callable[[str], bool], float]] = {
    "sell": (lambda isco: isco in SELL, 0.20),
    "ict": (lambda isco: isco.startswith("25"), 0.08),
}
SIZE = 7400
BATCH = 10  # `relevance label` plans 10 at a time (relevance.labeller.Labeller.batch)


def load_titles(path: Path, audience: str, seed: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """About SIZE titles with the audience at its share: (titles, audience, occupation)."""
    is_audience, share = AUDIENCES[audience]
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    inside = [r for r in rows if is_audience(r["isco08"])]
    others = [r for r in rows if not is_audience(r["isco08"])]
    rng = np.random.default_rng(seed)
    if len(inside) > share * SIZE:
        inside = [inside[i] for i in rng.choice(len(inside), round(share * SIZE), replace=False)]
    wanted = round(len(inside) * (1 - share) / share)
    picked = inside + [others[i] for i in rng.choice(len(others), wanted, replace=False)]
    uris = {u: i for i, u in enumerate(sorted({r["esco_uri"] for r in picked}))}
    return (
        [r["title"] for r in picked],
        np.array([is_audience(r["isco08"]) for r in picked]),
        np.array([uris[r["esco_uri"]] for r in picked]),
    )


def label_like_the_tool(
    vectors: np.ndarray, y: np.ndarray, pool: np.ndarray, budget: int, seed: int
) -> tuple[np.ndarray, list[str]]:
    """Rows `relevance label --strategy auto` would ask about, answered truthfully, until the budget is spent
    (and, as `relevance train` demands, at least 10 of each kind); and why each was picked."""
    answered: dict[int, bool] = {}  # by position in pool: held-out rows are never asked
    why: dict[int, str] = {}
    mean = network_mean(vectors)
    while len(answered) < budget or min(sum(answered.values()), len(answered) - sum(answered.values())) < 10:
        mode = effective_strategy("auto", answered)
        plan = choose_picks(vectors[pool], answered, BATCH, strategy="auto", seed=seed + len(answered), mean=mean)
        for row, picked in plan:
            answered[row], why[row] = bool(y[pool[row]]), picked
            if effective_strategy("auto", answered) != mode:  # the labeller re-plans when the strategy changes
                break
    return pool[np.fromiter(answered, dtype=np.intp)], [why[row] for row in answered]


def one_run(
    vectors: np.ndarray, y: np.ndarray, groups: np.ndarray, n_labels: int, seed: int, strategy: str, embedder: Any
) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    occupations = np.unique(groups)
    pool_occ = rng.choice(occupations, len(occupations) // 2, replace=False)
    in_pool = np.isin(groups, pool_occ)
    pool, held = np.flatnonzero(in_pool), np.flatnonzero(~in_pool)
    if strategy == "random":
        while True:  # a draw with fewer than 10 of a kind is one `relevance train` would refuse
            chosen = rng.choice(pool, n_labels, replace=False)
            if 10 <= y[chosen].sum() <= n_labels - 10:
                break
        picked = ["random"] * len(chosen)
    else:
        chosen, picked = label_like_the_tool(vectors, y, pool, n_labels, seed)
    options: dict[str, Any] = {}
    if "picked" in inspect.signature(fit_bundle).parameters:
        options["picked"] = picked
    if "population" in inspect.signature(fit_bundle).parameters:  # the network's rows, their labels unseen
        options["population"] = vectors[np.setdiff1d(np.arange(len(y)), chosen)]
    bundle = fit_bundle(
        vectors[chosen],
        y[chosen],
        network_mean(vectors),
        embedder=embedder,
        ids=[str(i) for i in chosen],
        texts=["" for _ in chosen],
        seed=seed,
        **options,
    )
    scores = bundle.predict(vectors)[held]  # the whole network: a smoothing model reads the neighbours
    truth = y[held]
    threshold = bundle.remove_at_or_below
    removed = scores <= threshold if threshold is not None else np.zeros(len(held), bool)
    metrics = bundle.metrics
    return {
        "labels": len(chosen),
        "yes": float(y[chosen].mean()),
        "cv_auc": metrics["roc_auc"].value,
        "held_auc": auc(scores, truth),
        "estimated": metrics["wrong_removals"].value,
        "estimated_high": metrics["wrong_removals"].high,
        "realised": float(truth[removed].mean()) if removed.any() else 0.0,
        "recall": float(removed[~truth].mean()),
        "removed_share": float(removed.mean()),
        "checks": float(sum(p == "check" for p in picked)),
        "brier": float(np.mean((scores - truth) ** 2)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--esco", type=Path, default=ESCO)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--labels", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--strategy", nargs="+", default=["random", "auto"], choices=["random", "auto"])
    parser.add_argument("--audience", nargs="+", default=["sell", "ict"], choices=sorted(AUDIENCES))
    parser.add_argument("--check", type=float, default=sampling.CHECK, help="share of each auto batch: checks")
    parser.add_argument("--explore", type=float, default=sampling.EXPLORE, help="share of each auto batch: random")
    parser.add_argument("--combine", default=model_module.COMBINE, choices=["representative", "larger", "conservative"])
    parser.add_argument("--confidence", type=float, default=None, help="one-sided confidence of the bounds")
    args = parser.parse_args()
    sampling.CHECK, sampling.EXPLORE, model_module.COMBINE = args.check, args.explore, args.combine
    if args.confidence is not None:
        metrics_module.CONFIDENCE = model_module.CONFIDENCE = args.confidence
    print(f"check {args.check:.0%}, random {args.explore:.0%} of each auto batch; threshold: {args.combine}\n")
    embedder = load_embedder()
    print(
        "| audience | labels | chosen | yes share | CV ROC-AUC | held-out ROC-AUC | est. wrong removals (high) "
        "| realised mean (max) | |est − real| ≤ 2 pts | removal recall | removed | Brier | checks |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    started = time.perf_counter()
    for audience in args.audience:
        titles, y, groups = load_titles(args.esco, audience, seed=0)
        vectors = embed_texts(titles, embedder)
        for n in args.labels:
            for strategy in args.strategy:
                runs = [one_run(vectors, y, groups, n, seed, strategy, embedder) for seed in range(args.repeats)]
                col = {k: np.array([r[k] for r in runs]) for k in runs[0]}
                within = np.mean(np.abs(col["estimated"] - col["realised"]) <= 0.02)
                print(
                    f"| {audience} {y.mean():.0%} | {n} | {strategy} | {col['yes'].mean():.0%} "
                    f"| {col['cv_auc'].mean():.3f} ± {col['cv_auc'].std():.3f} "
                    f"| {col['held_auc'].mean():.3f} ± {col['held_auc'].std():.3f} "
                    f"| {col['estimated'].mean():.1%} ({col['estimated_high'].mean():.1%}) "
                    f"| {col['realised'].mean():.1%} ({col['realised'].max():.1%}) "
                    f"| {within:.0%} "
                    f"| {col['recall'].mean():.2f} ± {col['recall'].std():.2f} "
                    f"| {col['removed_share'].mean():.0%} "
                    f"| {col['brier'].mean():.3f} | {col['checks'].mean():.0f} |",
                    flush=True,
                )
    print(f"\n{args.repeats} repeats per row; {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
