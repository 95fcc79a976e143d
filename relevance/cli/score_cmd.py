"""`relevance score`: keep, review or remove for every connection, each with a reason."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from relevance.cli.options import DEFAULT_LABELS, DEFAULT_MODEL, ExportArg, ModelEmbedderOpt, ModelOpt, QuietOpt
from relevance.cli.render import err, progress_bar, say, user_errors
from relevance.cli.together import labels_if_they_belong, model_fits
from relevance.io import read_export, reading_note, scorable

if TYPE_CHECKING:
    from collections.abc import Collection

    from relevance.bundle import Examples
    from relevance.io import Export
    from relevance.score import Scored

STDOUT = Path("-")


# Long: typer declares every option in the signature.
def score(
    export: ExportArg,
    model: ModelOpt = DEFAULT_MODEL,
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the scored CSV; - for stdout")] = Path(
        "scored.csv"
    ),
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep",
            metavar="RULE",
            help='Always keep matching connections: "company=Acme" (exact, any case) or "position~recruit" '
            "(regular expression); repeat for more rules",
            show_default=False,
        ),
    ] = None,
    keep_newer_than: Annotated[
        str | None,
        typer.Option(
            "--keep-newer-than", metavar="AGE", help="Always keep connections newer than this: 90d, 12w, 6m, 1y"
        ),
    ] = None,
    target_size: Annotated[
        int | None,
        typer.Option(
            "--target-size", min=1, metavar="SIZE", help="The network size you want: how many removals reach it"
        ),
    ] = None,
    labels: Annotated[
        Path,
        typer.Option(
            "--labels", help="Your labels worksheet, if there is one: your latest answers decide your labelled rows"
        ),
    ] = DEFAULT_LABELS,
    embedder: ModelEmbedderOpt = None,
    report_path: Annotated[
        Path | None,
        typer.Option("--report", help="Also write the offline HTML report with the removal checklist"),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Score every connection: keep, review or remove, each with a reason; removals first, surest first.

    Example: relevance score Connections.csv --model models/relevance.npz --out scored.csv --keep "company=Acme"
    """
    from relevance.bundle import load_bundle, sidecar
    from relevance.embed import load_embedder
    from relevance.labels import load_labels
    from relevance.rules import parse_age, parse_keep_rule
    from relevance.score import score_export
    from relevance.scored_file import write_scored
    from relevance.summary import summarise
    from relevance.write_errors import check_writable

    with user_errors(_interrupted(out_path)):
        reads = {
            "your export": export,
            "the model": model,
            "the model's card": sidecar(model),
            "your labels file": labels,
        }
        for target in (out_path, report_path):
            if target is not None and target != STDOUT:
                check_writable(target, reads=reads)
        rules = [parse_keep_rule(rule) for rule in keep or []]
        newer = parse_age(keep_newer_than) if keep_newer_than else None
        result = scorable(read_export(export))
        if not quiet and (note := reading_note(result)):
            say(note)
        # The bundle names its embedder; score_export refuses any other.
        bundle = load_bundle(model)
        # Before embedding: another network's model fails at once, not after minutes.
        overlap = model_fits(bundle.card, result, model, quiet=quiet)
        worksheet = load_labels(labels) if labels.is_file() else None
        if worksheet is not None:
            matched = labels_if_they_belong(result, worksheet, labels, quiet=quiet)
            result, worksheet = (matched, worksheet) if matched is not None else (result, None)
        if (
            worksheet is not None
            and not quiet
            and (used := answers_used(worksheet.answers, result, bundle.examples, labels, worksheet.outdated))
        ):
            say(used)
        model_embedder = load_embedder(embedder or bundle.embedder)
        if not quiet and not embedder and bundle.card.embedder_choice:
            say(f"{bundle.card.embedder_choice.rstrip('.')} (chosen when the model was trained).")
        with progress_bar("Embedding titles", quiet) as progress:
            scored = score_export(
                result,
                bundle,
                model_embedder,
                labels=worksheet,
                rules=rules,
                newer_than=newer,
                progress=progress,
                overlap=overlap,
            )
        if out_path == STDOUT:
            _write_stdout(scored)
        else:
            write_scored(scored, out_path)
    if report_path is not None:
        from relevance.report import report_scored

        written = "the scored CSV" if out_path == STDOUT else str(out_path)
        with user_errors(f"Interrupted: {written} is written; {report_path} is as it was."):
            removed = worksheet.removed if worksheet is not None else None  # marked removed in `relevance app`
            report_scored(scored, report_path, target_size=target_size, removed=removed)
    if not quiet:
        for line in [*rule_lines(scored, keep_newer_than), *summarise(scored, target_size).lines()]:
            err.print(line, markup=False)
        if out_path != STDOUT:
            err.print(f"Wrote {out_path}: removals first, the model's surest at the top.", markup=False)
        if report_path is not None:
            err.print(f"Wrote {report_path}: open it in your browser (it works offline).", markup=False)


def answers_used(
    answers: dict[str, bool], export: Export, examples: Examples, path: Path, outdated: Collection[str] = ()
) -> str:
    """Which answers decide the person's own rows (the labels file's, and the model's own where the file is
    silent, but for ``outdated`` ones: about a job the person no longer has), and what in the file the model has not
    learnt: the file is found by its default name in the folder, so a file from another session must not go
    unsaid. "" when the file answers no one here."""
    from relevance.embed import embedding_text
    from relevance.summary import counted

    here = {c.id: c for c in export.connections}
    mine = {i: a for i, a in answers.items() if i in here}
    if not mine:
        return ""
    learnt = examples.learnt()
    more = sum(i in here and i not in mine and i not in outdated for i in learnt)
    parts = [f"{len(mine):,} in {path}"] + ([f"{more:,} more the model learnt from"] if more else [])
    text = f"Your answers ({', '.join(parts)}) decide their own rows."
    unlearnt = [bool(embedding_text(here[i])) for i in mine if i not in learnt]  # each: can a training read it?
    new, unreadable = sum(unlearnt), len(unlearnt) - sum(unlearnt)
    changed = sum(i in learnt and learnt[i] != a for i, a in mine.items())
    if new or changed:
        since = [f"{new:,} new"] * bool(new) + [f"{changed:,} changed"] * bool(changed)
        text += f" {' and '.join(since)} since the model learnt: `relevance train` learns from them."
    if unreadable:
        one = unreadable == 1
        text += (
            f" {counted(unreadable, 'answer')} {'is' if one else 'are'} on a connection without a readable title: "
            f"{'it decides that row' if one else 'they decide their rows'}, but no model learns from "
            f"{'it' if one else 'them'}."
        )
    if not (new or changed or unreadable):
        text += " The model learnt from every one in the file."
    return text


def _interrupted(out_path: Path) -> str:
    """What Ctrl-C before the scored CSV is complete leaves behind."""
    if out_path == STDOUT:
        return "Interrupted: the scored CSV on stdout is incomplete; nothing else was written."
    return f"Interrupted: nothing was written; {out_path} is as it was."


def rule_lines(scored: Scored, keep_newer_than: str | None, today: date | None = None) -> list[str]:
    """One line per keep rule: how many it kept, so a rule that matches nobody does not go unnoticed."""
    from relevance.rules import NEWER_RULE

    lines = []
    for text, kept in scored.rule_counts.items():
        if text == NEWER_RULE and scored.newer_from is not None and keep_newer_than:
            lines.append(f"--keep-newer-than {keep_newer_than}: kept {kept:,} {_since(scored, today)}.")
        elif text != NEWER_RULE:
            check = ""
            if not kept and (matched := scored.rule_matches.get(text, 0)):
                were = "was" if matched == 1 else "were"
                check = f" more: the {matched:,} it matches {were} kept already, by an earlier rule or your answers"
            elif not kept:
                check = " (does it match anyone? check the field and the spelling)"
            lines.append(f'--keep "{text}": kept {kept:,}{check}.')
    return lines


def _since(scored: Scored, today: date | None) -> str:
    from relevance.dates import shown_day

    reference = scored.newer_from
    assert reference is not None
    if reference == (today or date.today()):
        return f"connected within that span of today, {shown_day(reference)}"
    return (
        f"connected within that span of {shown_day(reference)}, the newest connection in the export: the export is "
        "older than the span, so the span counts back from it, not from today"
    )


def _write_stdout(scored: Scored) -> None:
    """The scored CSV as data on stdout (``--out -``), for a pipe: the same cells as the file, spreadsheet-safe."""
    from relevance.io import write_rows
    from relevance.scored_file import SCORED_COLUMNS, scored_cells

    write_rows(sys.stdout, SCORED_COLUMNS, (scored_cells(row) for row in scored.rows))
