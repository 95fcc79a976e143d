"""Write docs/BENCHMARKS.md from the results `make bench` leaves in build/bench/.

    .venv/bin/python scripts/write_benchmarks.py [--results build/bench] [--out docs/BENCHMARKS.md]

Reads accuracy.json (scripts/bench_accuracy.py) and speed.json (scripts/bench_speed.py), renders them with
those scripts' own renderers, adds what limits any missed target (computed from the same figures), the
machine, and the output of the other benchmarks (languages.md, io.txt, embed.txt, report.txt, app.txt) when present.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import bench_accuracy as acc
import bench_speed as speed
import numpy as np
from benchlib import REPO, RESULTS

OTHERS = [
    (
        "speed-e5.md",
        "Speed with e5-small-multilingual, the default model (scripts/bench_speed.py --embedder)",
    ),
    ("languages.md", "Every language in the network: which model reads which (scripts/bench_languages.py)"),
    ("io.txt", "Reading: `read_export` vs a bare `csv.reader` (scripts/bench_io.py)"),
    ("embed.txt", "Embedding in detail: dedupe, cache, threads (scripts/bench_embed.py)"),
    ("report.txt", "The HTML report for 30,000 rows, in headless Chromium (scripts/bench_report.py)"),
    ("app.txt", "`relevance app`: the next card at 30,000 rows, idle and while it trains (scripts/bench_app.py)"),
]


def machine_section(results: list[tuple[str, dict[str, Any]]]) -> list[str]:
    first = results[0][1]["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in first["versions"].items())
    lines = [
        f"- CPU: {first['cpu']}, {first['cores']} cores available; RAM {first['ram_gb']} GB; {first['os']}",
        f"- Python {first['python']}; {versions}",
    ]
    for name, result in results:
        m = result["machine"]
        lines.append(
            f"- {name} run: commit {m['commit']}, started {m['date']}, load average (1/5/15 min) {m['load']} at the start, "
            f"{result['load_end']} at the end, {result['seconds'] / 60:.1f} min"
        )
    return lines


def _mean(records: list[dict[str, Any]], name: str) -> float:
    values = [r[name] for r in records if r.get("trained") and r.get(name) is not None]
    return float(np.mean(values)) if values else float("nan")


def limits(result: dict[str, Any]) -> list[str]:
    """What holds each trainer target back, in numbers from the same run."""
    records = result["records"]
    budgets = result["config"]["budgets"]

    def at(method: str, budget: int | None = None) -> list[dict[str, Any]]:
        return acc._select(records, persona="trainer", method=method, **({} if budget is None else {"budget": budget}))

    tool = at(acc.TOOL, acc.TARGET_BUDGET)
    if not tool:
        return _list_limits(result)
    ceiling = at(acc.CEILING)
    out = []
    if not ceiling:  # a run without baselines (--quick / --no-baselines): only the goal rows say anything
        return [*out, *_list_limits(result)]
    roc, r98 = _mean(tool, "roc_auc"), _mean(tool, "r98")
    best_roc, best_r98 = _mean(ceiling, "roc_auc"), _mean(ceiling, "r98")
    curve = ", ".join(f"{_mean(at(acc.TOOL, b), 'roc_auc'):.3f} @{b}" for b in budgets)
    r98_curve = ", ".join(f"{_mean(at(acc.TOOL, b), 'r98'):.2f} @{b}" for b in budgets)
    random_roc = _mean(at(acc.TOOL_RANDOM, acc.TARGET_BUDGET), "roc_auc")
    use_roc = _mean(at(acc.USE_LR, acc.TARGET_BUDGET), "roc_auc")
    out.append(
        f"- **Label budget vs representation.** The tool's held-out ROC-AUC by labels: {curve}; with every one of the "
        f"{ceiling[0]['budget'] if ceiling else '?'} pool rows labelled the same classifier reaches {best_roc:.3f} "
        f"(removal recall at 98% precision {best_r98:.2f}). Removal recall at 98% precision by labels: {r98_curve}. "
        + (
            f"Target ROC-AUC {acc.TARGETS['roc_auc']} at 100 labels is {'met' if roc >= acc.TARGETS['roc_auc'] else 'missed'}; "
            f"the ceiling is {'above' if best_roc >= acc.TARGETS['roc_auc'] else 'below'} it, so "
            + (
                "the embedding is not what stops it: more or better-chosen labels would close the gap."
                if best_roc >= acc.TARGETS["roc_auc"] and roc < acc.TARGETS["roc_auc"]
                else "the title embedding itself limits it: no label budget gets there."
                if best_roc < acc.TARGETS["roc_auc"]
                else "there is headroom left."
            )
        )
    )
    out.append(
        f"- **Sampling.** At 100 labels: the tool's `auto` sampling {roc:.3f}, the tool on random labels "
        f"{random_roc:.3f}, plain logistic regression on the same vectors with random labels {use_roc:.3f} "
        f"(difference auto − random: {roc - random_roc:+.3f})."
    )
    est, real, real_net = _mean(tool, "estimate"), _mean(tool, "realised"), _mean(tool, "realised_network")
    recall, possible = _mean(tool, "tool_recall"), r98
    silent = acc._silent(tool)
    rule = result["config"].get("threshold_rule", "its wrong-removal limit")
    if silent == len(tool):
        said = (
            f"At 100 labels chosen by the tool, none of the {len(tool)} runs suggested a single removal: no threshold "
            f"passed the tool's certification ({rule}), although the held-out scores would allow flagging "
            f"{possible:.0%} of the non-audience at 98% precision."
        )
    else:
        said = (
            f"At 100 labels the tool estimates {100 * est:.1f}% wrong removals; on held-out rows {100 * real:.1f}% "
            f"of its suggested removals are audience (whole network's unlabelled rows: {100 * real_net:.1f}%)"
            + (f"; {silent} of {len(tool)} runs suggested no removal at all" if silent else "")
            + f". It suggests removing {recall:.0%} of the held-out non-audience, where the scores would allow "
            f"{possible:.0%} at 98% precision."
        )
    firsts = [
        b for b in budgets if any(r.get("realised") is not None for r in at(acc.TOOL, b))
    ]  # budgets where some run removed
    rand = at(acc.TOOL_RANDOM, acc.TARGET_BUDGET)
    said += (
        f" With random labels (100) the tool does suggest removals: estimated {100 * _mean(rand, 'estimate'):.1f}%, "
        f"realised {100 * _mean(rand, 'realised'):.1f}% on held-out rows, removal recall "
        f"{_mean(rand, 'tool_recall'):.2f}. With `auto` labels the first budget where any run suggests removals: "
        + (f"{firsts[0]}." if firsts else "none up to the largest budget.")
        + " So the threshold rule, fed with actively chosen labels, is what holds removals back, not the scores."
        if recall < possible - 0.05
        else ""
    )
    out.append(f"- **Threshold and estimate.** {said}")
    return [*out, *_list_limits(result)]


def _list_limits(result: dict[str, Any]) -> list[str]:
    """Per trainer persona at 100 answers: how far the tool's list is from what its own ranking allows, from the
    yield curve (the deepest cut of the lowest-scored held-out rows whose realised wrong share stays <= 3%)."""
    out = []
    for persona in [p for p in acc.GOAL_PERSONAS if p in result["config"]["personas"]]:
        for method, chosen in ((acc.TOOL, "auto"), (acc.TOOL_UNCERTAIN, "uncertain")):
            curves = acc._curves(result, persona, method)
            rs = acc._select(result["records"], persona=persona, method=method, budget=acc.TARGET_BUDGET)
            if not curves:
                continue
            wrong = np.mean([c["wrong"] for c in curves], axis=0)
            model = np.mean([c["model"] for c in curves], axis=0)
            yields = np.mean([c["yield"] for c in curves], axis=0)
            ok = np.flatnonzero(wrong <= acc.GOAL["realised"])
            possible = (
                f"the ranking alone would flag {yields[ok[-1]]:.0%} of the held-out non-audience at "
                f"{100 * wrong[ok[-1]]:.1f}% wrong (its lowest {acc.CURVE[ok[-1]]}%; mean score there "
                f"{100 * model[ok[-1]]:.1f}%)"
                if len(ok)
                else "even the lowest 10% of the ranking holds more than 3% audience"
            )
            lists = sum(bool(r.get("list")) for r in rs)
            listed = [r for r in rs if r.get("realised") is not None]
            said = (
                f"yield {_mean(rs, 'tool_recall'):.2f}, realised {100 * _mean(listed, 'realised'):.1f}% vs estimate "
                f"{100 * _mean(listed, 'estimate'):.1f}% (runs with a list)"
                if listed
                else "no list, so nothing removed"
            )
            out.append(
                f"- **{persona}, {chosen} labels, {acc.TARGET_BUDGET} answers.** The tool's list: {lists} of "
                f"{len(rs)} runs, {said}; {possible}."
            )
    return out


def render(accuracy: dict[str, Any] | None, speed_result: dict[str, Any] | None, results: Path) -> str:
    out = [
        "# Benchmarks",
        "",
        "The project's scoreboard: accuracy and speed as a user would see them, against baselines, in one run. "
        "Regenerated by `make bench` (scripts/bench_accuracy.py, scripts/bench_speed.py, then "
        "scripts/write_benchmarks.py); not part of `make test`. Do not edit by hand: change the scripts and rerun.",
        "",
        "Titles: ESCO, European Commission (/work/shared/data/README.md).",
        "",
        "## Machine",
        "",
        *machine_section([(n, r) for n, r in (("accuracy", accuracy), ("speed", speed_result)) if r is not None]),
        "",
    ]
    if accuracy is not None:
        out += [
            "## Accuracy (scripts/bench_accuracy.py)",
            "",
            acc.__doc__.split("\n\n", 1)[1].rsplit("\n\n", 1)[0].strip() if acc.__doc__ else "",
            "",
            acc.render(accuracy),
            "### What limits the trainer's figures, and the trainer personas' lists",
            "",
            *limits(accuracy),
            "",
        ]
    if speed_result is not None:
        out += ["## Speed (scripts/bench_speed.py)", "", speed.render(speed_result), ""]
    # An empty file is a run that stopped before it wrote anything (its output was redirected there): left out, as
    # if missing, rather than shown as an empty section.
    others = [(text, title) for name, title in OTHERS if (text := _written(results / name))]
    if others:
        out += ["## Other benchmarks", ""]
        for text, title in others:
            table = any(line.startswith("|") for line in text.splitlines())
            out += [f"### {title}", "", text if table else f"```\n{text}\n```", ""]
    return "\n".join(out).rstrip() + "\n"


def _written(path: Path) -> str:
    """The file's text, stripped; "" when it is missing or empty."""
    return path.read_text().strip() if path.exists() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "BENCHMARKS.md")
    args = parser.parse_args()

    def load(name: str) -> dict[str, Any] | None:
        path = args.results / name
        return json.loads(path.read_text()) if path.exists() else None

    accuracy, speed_result = load("accuracy.json"), load("speed.json")
    if accuracy is None and speed_result is None:
        raise SystemExit(f"no results in {args.results}: run scripts/bench_accuracy.py and scripts/bench_speed.py")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(accuracy, speed_result, args.results))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
