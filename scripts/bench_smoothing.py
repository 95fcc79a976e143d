"""Smoothing over the network (relevance.neighbours): does it help, and with which settings?

The benchmark networks of scripts/benchlib.py (ESCO titles, split by occupation; figures on held-out rows), 100
answers drawn at random from the pool (3 draws per network), the tool's classifier (title vectors centred on
the network, class-balanced logistic regression). Compared on the held-out rows: each row scored on its own,
and the title part of the decision smoothed over the network's nearest titles, for a grid of neighbours k and
own share. On the German-speaking trainer (audience = occupations AND German titles) the classifier also gets
the titles' language as one-hot columns (the true language, standing in for relevance.language), smoothed
either whole or, as the tool does, in its title part only.

    .venv/bin/python scripts/bench_smoothing.py [--repeats 5] [--labels 100]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from benchlib import CACHE, ESCO, PERSONAS, Title, draw_network, esco_vectors, load_esco, removal_recall_at_precision
from threadpoolctl import threadpool_limits

from relevance.embed import load_embedder
from relevance.linear import network_mean
from relevance.metrics import auc
from relevance.neighbours import Neighbourhood, Smoothing
from relevance.pipeline import build_pipeline

GRID = [(k, own) for k in (10, 20, 40) for own in (0.1, 0.2, 0.4)]
LANGUAGES = ("de", "en", "es", "fr")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(
    persona_key: str, repeats: int, labels: int, titles: list[Title], vectors: np.ndarray
) -> dict[str, list[float]]:
    """Held-out ROC-AUC (and removal recall at 98% precision) per method, one value per network and draw."""
    found: dict[str, list[float]] = {}

    def record(name: str, scores: np.ndarray, y: np.ndarray) -> None:
        found.setdefault(f"{name} | ROC-AUC", []).append(auc(scores, y))
        found.setdefault(f"{name} | recall@98%", []).append(removal_recall_at_precision(scores, y))

    for seed in range(repeats):
        net = draw_network(titles, PERSONAS[persona_key], seed)
        X = vectors[net.rows].astype(np.float32)
        mean = network_mean(X)
        held, y_held = net.held_out, net.truth[net.held_out]
        hoods = {(k, own): Neighbourhood(X, mean, Smoothing(k, own)) for k, own in GRID}
        language = np.array([[lang == x for x in LANGUAGES] for lang in net.langs], dtype=np.float32) * 0.25
        for draw in range(3):
            rows = np.random.default_rng(100 * seed + draw).permutation(net.pool)[:labels]
            y = net.truth[rows]
            if y.all() or not y.any():
                continue
            model = build_pipeline(mean).fit(X[rows], y)
            record("each row on its own", model.decision_function(X[held]), y_held)
            for (k, own), hood in hoods.items():
                record(f"smoothed, k={k}, own={own}", hood.decisions(model)[held], y_held)
            if persona_key != "trainer-de":
                continue
            both = np.hstack([X, language])
            with_language = build_pipeline(mean, extra=len(LANGUAGES)).fit(both[rows], y)
            record("+ language, each row on its own", with_language.decision_function(both[held]), y_held)
            hood = hoods[(20, 0.1)]
            record("+ language, title part smoothed", hood.decisions(with_language, language)[held], y_held)
            # smoothing the whole decision, language part included: what the tool does not do
            whole = with_language.decision_function(both)
            spread = np.empty(len(X))
            spread[hood.judged] = hood.spread(_per_title(whole, hood))[hood.inverse]
            record("+ language, whole decision smoothed", spread[held], y_held)
        say(f"  {persona_key} network {seed + 1}/{repeats}")
    return found


def _per_title(values: np.ndarray, hood: Neighbourhood) -> np.ndarray:
    """One value per distinct title: the mean over the rows that share it."""
    sums = np.bincount(hood.inverse, weights=values[hood.judged], minlength=len(hood.distinct))
    return sums / np.bincount(hood.inverse, minlength=len(hood.distinct))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--personas", nargs="+", default=list(PERSONAS), choices=list(PERSONAS))
    args = parser.parse_args()
    started = time.perf_counter()
    titles = load_esco(ESCO)
    vectors = esco_vectors(titles, load_embedder(), CACHE)
    print(f"# Smoothing over the network: {args.labels} random answers, {args.repeats} networks x 3 draws\n")
    for key in args.personas:
        with threadpool_limits(2):
            found = run(key, args.repeats, args.labels, titles, vectors)
        print(f"## {key}\n\n| method | held-out ROC-AUC | removal recall at 98% precision |\n|---|---|---|")
        for name in dict.fromkeys(n.split(" | ")[0] for n in found):
            roc, r98 = found[f"{name} | ROC-AUC"], found[f"{name} | recall@98%"]
            print(f"| {name} | {np.mean(roc):.3f} ± {np.std(roc):.3f} | {np.mean(r98):.3f} ± {np.std(r98):.3f} |")
        print()
    say(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
