"""Paired A/B of the removal list: the same labels judged by two checkouts or two settings, network by network.

A change to the threshold or the calibration moves a persona's "N of 5" by +-2 through floating point alone
(docs/BENCHMARKS.md), so it is judged here on the same answers: the tool's own labels (`auto`, as
scripts/bench_accuracy.py draws and answers them) are captured once per network in ``--dir`` and kept; every later
run re-trains and re-scores those very labels with whatever code and settings it runs with. Labelling is the slow
part (~20 s a network); judging again takes a few seconds.

    # the baseline, on main: 10 networks of each goal persona at 100 answers (labels written on first use)
    .venv/bin/python scripts/bench_removals.py --name main
    # a setting, or the same command from another checkout after a code change, on the same labels
    .venv/bin/python scripts/bench_removals.py --name conf70 --set confidence=0.7
    .venv/bin/python scripts/bench_removals.py --compare main conf70
    # a change to the labeller needs its own labels: a fresh --dir from the changed checkout, paired by network
    .venv/bin/python scripts/bench_removals.py --dir /tmp/checks30 --name checks30     # (in that checkout)
    .venv/bin/python scripts/bench_removals.py --compare main /tmp/checks30:checks30

    # the list after the person has worked through its first 100 rows (kept or removed, retrained every 25)
    .venv/bin/python scripts/bench_removals.py --name worked100 --work-through 100
    .venv/bin/python scripts/bench_removals.py --compare main worked100

Per persona: the removal yield (held-out non-audience in `remove`), the realised wrong rate, the card's estimate,
runs over the 3% limit, runs meeting issue 12's goal, the paired differences (mean +- sd) of the yield and of the
ranking's ROC-AUC on the unanswered rows, and the runs whose ranking allowed the goal's yield at all (a threshold
that knew the truth: what no threshold rule can beat).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
from bench_accuracy import (
    GOAL,
    GOAL_PERSONAS,
    RESULTS,
    TARGET_BUDGET,
    as_export,
    draw,
    figures,
    judge,
    network_cache,
    reachable_runs,
    realistic_cache,
    run_passes,
    run_tool,
    say,
    train_and_score,
)
from benchlib import CACHE, ESCO, ESCO_MORE, PERSONAS, Network, load_esco, network_vectors, persona_langs
from realistic import REALISTIC

from relevance.app.state import AUTO_TRAIN_EVERY
from relevance.embed import Embedder, VectorCache, embed_connections
from relevance.embedders import choose_for
from relevance.labels import LIST_ANSWERS, SPARED, append_rows, label_row, load_labels
from relevance.settings import TrainingSettings

DIR = RESULTS / "removals"


def settings(pairs: list[str]) -> dict[str, Any]:
    """``["confidence=0.7"]`` as TrainingSettings options (numbers as floats)."""
    fields = TrainingSettings.__dataclass_fields__
    out: dict[str, Any] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in fields:
            raise SystemExit(f"--set {pair}: TrainingSettings has no {name!r} (it has {', '.join(fields)})")
        out[name] = float(value)
    return out


def run(args: argparse.Namespace) -> None:
    """Judge every network's captured labels (capturing them first where there are none) with this checkout."""
    esco = [key for key in args.personas if key in PERSONAS]
    titles = load_esco(ESCO, ESCO_MORE, langs=persona_langs(esco)) if esco else []
    options = settings(args.set)
    for key in args.personas:
        for seed in range(args.networks):
            net = draw(titles, key, seed)
            embedder = choose_for(net.connections, None).embedder
            work = args.dir / f"{key}-{seed}-{args.answers}"  # labels kept per network and number of answers
            work.mkdir(parents=True, exist_ok=True)
            if net.rows is None:
                vectors = embed_connections(net.connections, embedder, cache=realistic_cache())
            else:
                vectors = network_vectors(titles, net.rows, embedder, CACHE / "texts")[net.rows]
            cache = network_cache(net, vectors, embedder, work / "cache")
            labels = work / f"labels-{net.persona.key}-auto-{seed}.csv"
            if not labels.exists():  # the tool's own answers, as bench_accuracy gets them; kept for every later run
                run_tool(net, embedder, cache, work, strategy="auto", budgets=[args.answers], seed=seed, variants={})
            if args.work_through:
                record = work_through(net, labels, embedder, cache, options, args.work_through)
            else:
                record = judge(net, as_export(net), load_labels(labels), embedder, cache, options)
            record.pop("curve", None)
            out = work / f"{args.name}.json"
            about = {"persona": key, "seed": seed, "answers": args.answers, "settings": options}
            out.write_text(json.dumps(record | about, default=float))
            say(f"  {key} network {seed}: yield {record.get('tool_recall', 0):.3f}")


def work_through(
    net: Network, labels: Path, embedder: Embedder, cache: VectorCache, options: dict[str, Any], actions: int
) -> dict[str, Any]:
    """The figures after the person has worked through the first ``actions`` of the removal list as `relevance app`
    has them do it: surest first, each "removed" (not their audience) or "kept" (their audience after all), both
    answers the next training learns from, and a training after every AUTO_TRAIN_EVERY of them. Never a held-out
    row: those stay unanswered, for judging what is left of the list."""
    sheet = labels.with_name(f"worked-{actions}-{labels.name}")
    shutil.copyfile(labels, sheet)
    export, held = as_export(net), {net.connections[i].id for i in net.held_out}
    truth = {c.id: bool(t) for c, t in zip(net.connections, net.truth, strict=True)}
    acted = {answer: tag for tag, answer in LIST_ANSWERS.items() if tag != SPARED}  # True: "kept", False: "removed"
    done: dict[str, bool] = {}
    worksheet = load_labels(sheet)
    scored, seconds = train_and_score(export, worksheet, embedder, cache, options)
    while scored is not None and len(done) < actions:
        skip = held | done.keys()
        listed = [r for r in scored.rows if r.is_model_removal and r.connection.id not in skip]
        step = sorted(listed, key=lambda r: r.score or 0.0)[: min(AUTO_TRAIN_EVERY, actions - len(done))]
        if not step:
            break
        answers = {r.connection.id: truth[r.connection.id] for r in step}
        append_rows(
            worksheet,
            [label_row(r.connection, answers[r.connection.id], acted[answers[r.connection.id]]) for r in step],
        )
        done |= answers
        worksheet = load_labels(sheet)  # as the app's next training reads it
        scored, seconds = train_and_score(export, worksheet, embedder, cache, options)
    return figures(net, worksheet, scored, seconds) | {"acted": len(done), "kept": sum(done.values())}


def compare(directory: Path, names: list[str]) -> str:
    """A table per persona and name, with the yield's paired difference against the first name. A name is a run
    in ``directory``, or ``OTHER_DIR:NAME`` for one in another (a labeller change: its own labels, the same
    networks)."""
    runs: dict[str, dict[str, dict[int, dict[str, Any]]]] = {}
    for name in names:
        where_from, _, stem = name.rpartition(":")
        for path in sorted((Path(where_from) if where_from else directory).glob(f"*/{stem}.json")):
            record = json.loads(path.read_text())
            where = f"{record['persona']} @{record['answers']}"
            runs.setdefault(where, {}).setdefault(name, {})[record["seed"]] = record
    lines = [
        "| persona @ answers | run | networks | yield | realised (mean, max) | estimate | over 3% | meeting the goal | yield − "
        f"{names[0]} (paired) | ROC-AUC − {names[0]} (paired) | the ranking allowed the goal (a threshold knowing "
        "the truth) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for persona, by_name in runs.items():
        shared = sorted(set.intersection(*(set(by_name.get(n, {})) for n in names)))
        for name in names:
            rs = [by_name[name][s] for s in shared]
            if not rs:
                continue
            yields = np.array([r["tool_recall"] if r.get("trained") else 0.0 for r in rs])
            realised = [r["realised"] for r in rs if r.get("realised") is not None]
            estimate = [r["estimate"] for r in rs if r.get("list")]
            diff = yields - np.array([by_name[names[0]][s].get("tool_recall", 0.0) for s in shared])
            # the ranking on the unanswered rows: a labeller change must not buy its list with it
            auc = np.array([r.get("roc_auc", np.nan) - by_name[names[0]][r["seed"]].get("roc_auc", np.nan) for r in rs])
            lines.append(
                f"| {persona} | {name} | {len(rs)} | {yields.mean():.3f} ± {yields.std():.3f} | "
                f"{np.mean(realised) if realised else 0:.2%}, {max(realised, default=0):.2%} | "
                f"{np.mean(estimate) if estimate else 0:.2%} | {sum(x > GOAL['realised'] for x in realised)} | "
                f"{sum(run_passes(r) for r in rs)} of {len(rs)} | {diff.mean():+.3f} ± {diff.std():.3f} | "
                f"{np.nanmean(auc):+.4f} ± {np.nanstd(auc):.4f} | "
                f"{reachable_runs(rs)} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DIR, help=f"where the labels and results are kept (default {DIR})")
    parser.add_argument("--name", default="run", help="this run's name (its results: DIR/<network>/<name>.json)")
    parser.add_argument("--set", nargs="*", default=[], help="TrainingSettings options, e.g. confidence=0.7")
    parser.add_argument("--personas", nargs="+", default=list(GOAL_PERSONAS), choices=[*PERSONAS, *REALISTIC])
    parser.add_argument("--networks", type=int, default=10, help="networks per persona (seeds 0, 1, ...)")
    parser.add_argument("--answers", type=int, default=TARGET_BUDGET, help="the tool's answers per network")
    parser.add_argument(
        "--work-through",
        type=int,
        default=0,
        metavar="N",
        help=f"judge the list after the person has acted on its first N rows (retrained every {AUTO_TRAIN_EVERY}, as "
        "the app does)",
    )
    parser.add_argument(
        "--compare", nargs="+", metavar="NAME", help="print the table of these runs, the first the base"
    )
    args = parser.parse_args()
    if args.compare:
        print(compare(args.dir, args.compare))
        return
    run(args)
    print(compare(args.dir, [args.name]))


if __name__ == "__main__":
    sys.exit(main())
