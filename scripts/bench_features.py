"""Do the signals beside the title (relevance.features) help where they should and cost nothing elsewhere?

ESCO occupation titles (en/de/fr/es; "ESCO, European Commission"), two personas on a network mixing the
four languages, each with its audience at ~20% (every audience title plus four times as many others):

- "occupation": people who hire, market or sell (ISCO 1212, 1221, 1222, 2423, 2431, 2432, 3333), any language;
  the extra signals should change nothing (acceptance: lose at most 0.005 ROC-AUC);
- "occupation AND German": the same occupations, German-language titles only (a trainer teaching in German);
  the title embedding alone cannot see the language (acceptance: ROC-AUC >= 0.95 at 100 labels).

Each repeat splits occupations (``esco_uri``) into a labelled pool and held-out rows, draws random labels from
the pool (at least 10 of each kind, as `relevance train` needs), fits the pipeline `relevance train` fits
(``build_pipeline`` on ``features.build``) with signals=("title",) and with every signal, on the same labels,
and scores the held-out rows. The featurizer is fitted on the whole network, as in training (no labels).

    .venv/bin/python scripts/bench_features.py [--repeats 10] [--labels 50 100 200] [--weights 0.5 1 2]

Vectors come from the real default embedder, cached as .npy in the temp dir, so a second run takes seconds.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

import relevance.features as features
from relevance.embed import embed_texts, load_embedder
from relevance.linear import network_mean
from relevance.metrics import auc, out_of_fold
from relevance.pipeline import build_pipeline
from relevance.records import Connection

ESCO = Path(__file__).resolve().parents[2] / "shared" / "data" / "esco_titles.tsv"
AUDIENCE = {"1212", "1221", "1222", "2423", "2431", "2432", "3333"}
PERSONAS = {
    "occupation": lambda r: r["isco08"] in AUDIENCE,
    "occupation AND German": lambda r: r["isco08"] in AUDIENCE and r["lang"] == "de",
}


def network(rows: list[dict[str, str]], persona: str, seed: int) -> list[dict[str, str]]:
    """Every audience row of the persona plus four times as many others, at random."""
    is_audience = PERSONAS[persona]
    audience = [r for r in rows if is_audience(r)]
    others = [r for r in rows if not is_audience(r)]
    rng = np.random.default_rng(seed)
    return audience + [others[i] for i in rng.choice(len(others), 4 * len(audience), replace=False)]


def vectors_for(titles: list[str]) -> np.ndarray:
    embedder = load_embedder(None)
    key = hashlib.blake2b("\n".join(titles).encode(), digest_size=8).hexdigest()
    path = Path(tempfile.gettempdir()) / "relevance-bench" / f"features-{embedder.name.replace('/', '_')}-{key}.npy"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, embed_texts(titles, embedder))
    return np.load(path)


def one_run(
    vectors: np.ndarray, blocks: dict[str, np.ndarray], y: np.ndarray, groups: np.ndarray, n_labels: int, seed: int
) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    occupations = np.unique(groups)
    in_pool = np.isin(groups, rng.choice(occupations, len(occupations) // 2, replace=False))
    pool, held = np.flatnonzero(in_pool), np.flatnonzero(~in_pool)
    while True:
        chosen = rng.choice(pool, n_labels, replace=False)
        if 10 <= y[chosen].sum() <= n_labels - 10:
            break
    mean = network_mean(vectors)
    found = {}
    for name, block in blocks.items():
        X = np.hstack([vectors, block]) if block.shape[1] else vectors
        extra = block.shape[1]
        # as fit_bundle does: the other signals only when the labels ask for them (out-of-fold)
        if extra and not signals_help(X[chosen], y[chosen].astype(int), mean, extra, seed):
            X, extra = vectors, 0
            found["signals_used"] = found.get("signals_used", 0.0)
        elif extra:
            found["signals_used"] = 1.0
        model = build_pipeline(mean, 1.0, extra).fit(X[chosen], y[chosen])
        found[name] = float(roc_auc_score(y[held], model.decision_function(X[held])))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--labels", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--weights", type=float, nargs="+", default=[features.WEIGHTS["language"]])
    args = parser.parse_args()
    with ESCO.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    print("| persona | labels | language weight | title only | all signals | change | runs using the signals |")
    print("|---|---|---|---|---|---|---|")
    for persona, is_audience in PERSONAS.items():
        picked = network(rows, persona, seed=0)
        titles = [r["title"] for r in picked]
        y = np.array([is_audience(r) for r in picked])
        uris = {u: i for i, u in enumerate(sorted({r["esco_uri"] for r in picked}))}
        groups = np.array([uris[r["esco_uri"]] for r in picked])
        vectors = vectors_for(titles)
        connections = [Connection(id=str(i), position=t) for i, t in enumerate(titles)]
        started = time.perf_counter()
        built = features.build(connections, vectors, signals=features.SIGNALS)
        seconds = time.perf_counter() - started
        print(f"<!-- {persona}: {len(titles):,} titles, {y.mean():.0%} audience, {built.block.shape[1]} signal "
              f"columns ({', '.join(built.featurizer.used_)}), featurised in {seconds:.2f} s -->")  # fmt: skip
        for weight in args.weights:
            blocks = {
                "title": np.zeros((len(titles), 0), np.float32),
                "all": built.block * (weight / features.WEIGHTS["language"]),
            }
            for n in args.labels:
                with threadpool_limits(1):
                    runs = [one_run(vectors, blocks, y, groups, n, seed) for seed in range(args.repeats)]
                base = np.array([r["title"] for r in runs])
                full = np.array([r["all"] for r in runs])
                print(
                    f"| {persona} | {n} | {weight} | {base.mean():.3f} ± {base.std():.3f} | {full.mean():.3f} ± "
                    f"{full.std():.3f} | {np.mean(full - base):+.3f} (worst {np.min(full - base):+.3f}) "
                    f"| {np.mean([r['signals_used'] for r in runs]):.0%} |"
                )


if __name__ == "__main__":
    main()


def signals_help(X: np.ndarray, y: np.ndarray, mean: np.ndarray, extra: int, seed: int, margin: float = 0.002) -> bool:
    """`relevance train`'s rule: the signals are used when they add ``margin`` out-of-fold ROC-AUC."""
    with_signals = out_of_fold(lambda: build_pipeline(mean, 1.0, extra), X, y, seed=seed)
    title_only = out_of_fold(lambda: build_pipeline(mean), X[:, :-extra], y, seed=seed)
    return bool(auc(with_signals, y) >= auc(title_only, y) + margin)
