"""`relevance train`: a model from your answers, with its honest quality and the thresholds it chose."""

from __future__ import annotations

from pathlib import Path
from shlex import quote
from typing import TYPE_CHECKING, Annotated

import typer

from relevance.cli.label_cmd import warn_unreadable
from relevance.cli.options import (
    DEFAULT_LABELS,
    DEFAULT_MODEL,
    EmbedderOpt,
    ExportArg,
    MaxWrongOpt,
    ModelOpt,
    QuietOpt,
    TrainLabelsOpt,
)
from relevance.cli.render import err, progress_bar, say, user_errors
from relevance.cli.together import labels_for
from relevance.errors import RelevanceError
from relevance.io import read_export, reading_note, scorable
from relevance.settings import DEFAULT_MAX_WRONG_REMOVALS

if TYPE_CHECKING:
    from relevance.training import TrainResult


# Long: typer declares every option in the signature.
def train(
    export: ExportArg,
    labels: TrainLabelsOpt = DEFAULT_LABELS,
    model: ModelOpt = DEFAULT_MODEL,
    embedder: EmbedderOpt = None,
    max_wrong_removals: MaxWrongOpt = DEFAULT_MAX_WRONG_REMOVALS,
    signals: Annotated[
        str,
        typer.Option(
            "--signals",
            # Spaces after the commas: a help box cuts a word longer than its column with an ellipsis.
            help="What the model may use, comma-separated: title, language, company, location, industry (each "
            "only where the export has it), or 'all'; 'title' alone = the title-only model. Never names.",
        ),
    ] = "all",
    quiet: QuietOpt = False,
) -> None:
    """Train a model on your labels; report its cross-validated quality and the thresholds it chose.

    Example: relevance train Connections.csv --labels labels.csv --model models/relevance.npz
    """
    from relevance.bundle import save_bundle, sidecar
    from relevance.embedders import choose_for
    from relevance.features import parse_signals
    from relevance.labels import load_labels
    from relevance.settings import TrainingSettings
    from relevance.training import train as train_model
    from relevance.write_errors import check_writable

    try:
        chosen_signals = parse_signals(signals)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--signals") from None
    with user_errors(f"Interrupted: no model was saved; {model} is as it was."):
        reads = {"your export": export, "your labels file": labels}
        for written in (model, sidecar(model)):  # the arrays and the card beside them
            check_writable(written, reads=reads)
        result = scorable(read_export(export))
        if not labels.exists():
            raise RelevanceError(
                f"there is no labels file {labels} yet — run `relevance sample` then `relevance label`"
            )
        worksheet = load_labels(labels)
        result = labels_for(result, worksheet, labels, quiet=quiet)
        choice = choose_for(result, embedder)
        if not quiet:
            if note := reading_note(result):
                say(note)
            say(choice.reason)
            if result.lost_titles:
                from relevance.summary import counted, lost_titles_sentence

                answers = worksheet.answers
                lost = sum(c.id in answers and c.lost_title for c in result.connections)
                learnt = (
                    f" {counted(lost, 'answer')} of yours {'is' if lost == 1 else 'are'} among them: not learnt from."
                )
                say(lost_titles_sentence(result.lost_titles) + (learnt if lost else ""))
        with progress_bar("Embedding titles", quiet) as progress:
            trained = train_model(
                result,
                worksheet,
                choice.embedder,
                TrainingSettings(max_wrong_removals=max_wrong_removals, signals=chosen_signals),
                progress=progress,
                embedder_choice=choice.reason,
            )
        save_bundle(trained.bundle, model)
    if not quiet:
        warn_unreadable(trained.unreadable, labels)
        here = {c.id for c in result.connections}
        # an unreadable cell is queued too, but said above; the answers set aside are said with the matching
        cell = {row["id"]: row.get("label", "").strip() for row in worksheet.rows}
        if waiting := sum(i in here and i not in worksheet.outdated and not cell[i] for i in worksheet.queued):
            one = waiting == 1
            say(
                f"Note: {waiting:,} connection{'' if one else 's'} in {labels} {'has' if one else 'have'} no answer "
                f"yet (the label cell is empty: queued, or an answer taken back): not learnt from; `relevance label` "
                f"asks {'it' if one else 'them'} first."
            )
        for line in training_lines(trained, model):
            err.print(line, markup=False)
        say(f"Next: relevance score {quote(str(export))} --model {quote(str(model))} --out scored.csv")


def training_lines(trained: TrainResult, model: Path) -> list[str]:
    """What `relevance train` tells the user: data used, honest quality, the removal list, files."""
    from relevance.bundle import sidecar
    from relevance.summary import ranking_quality, reads_sentence, removal_lines

    card = trained.bundle.card
    metrics = card.metrics
    yes, no = card.labels_yes, card.labels_no

    # Answers that matched no connection were said when the files were matched (relevance.cli.together).
    lines = [
        f"Trained on {yes + no} answers ({yes} yes, {no} no) with {card.embedder}.",
        reads_sentence(card.signals_used),
    ]
    if card.languages:
        lines.append(card.languages)
    lines.append(f"Quality from {card.evaluation} (each answer scored by a model that did not see it):")
    lines.append(
        f"  {ranking_quality(card)}; average precision {metrics['average_precision'].shown()}: how clean the top of "
        "its ranking is"
    )
    lines.extend("  " + line for line in removal_lines(card))
    lines.append(f"  Keep from score {card.thresholds.keep_from:.2f}; in between: review.")
    lines.append(f"Saved {model} and {sidecar(model)} (its description, readable as text).")
    return lines
