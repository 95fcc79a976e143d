"""The app's own words where the library speaks to a terminal: the page names its steps, never a command.

Only the sentences that tell the person what to do next are the app's. Every number in them comes from the same
object the terminal and the report read (``Summary``, the model card, the labeller's ``Status``, the library's
constants), so the page, the terminal and the report cannot disagree on a count.
"""

from __future__ import annotations

from pathlib import Path

from relevance.labeller import WINDOW, why_no_list
from relevance.labels import SPARED
from relevance.metrics import MIN_PER_CLASS
from relevance.score import Scored, ScoredRow
from relevance.summary import checks_line, limit_text, ranking_quality, summarise
from relevance.training import Outlook

LABEL = "step 1, Label"
TRAIN = "step 2, Train"
# How a model trained on another network is replaced (relevance.provenance.trained_on's ``fix``).
TRAIN_HERE = f"train a model on this export ({TRAIN})"
STEPS = (f"({LABEL})", f"train again ({TRAIN})")
# A removal-list button clicked again takes its answer back (relevance.app.state.UNDO): a misclick's way out.
TAKE_BACK = "Click it again to undo."


def training_lines(scored: Scored) -> list[str]:
    """What a finished training found, in the report's plain words."""
    card = scored.bundle.card
    summary = summarise(scored)
    lines = [
        f"Trained on {card.labels_yes + card.labels_no} answers ({card.labels_yes} yes, {card.labels_no} no).",
        f"Quality from {card.evaluation}, never from the training fit: {ranking_quality(card)}.",
    ]
    # The removal list, its estimate and what is held back: the summary's lines alone, counted on the rows the page
    # lists (the card's own count, made before scoring, would be a second number for the same list).
    if checks := checks_line(card):
        lines.append(checks)
    return [*lines, *summary.lines(STEPS)]  # the summary's own lines, naming the page's steps


def removal_why(row: ScoredRow, state: str, dropped: bool) -> str:
    """The reason beside a row of the removal list: what the person did with it (a model trained since says
    "you answered no" of a row they removed), or that the model trained since no longer suggests it."""
    # Short: the reason sits in a column beside the buttons, and a long one made each row five lines tall.
    if state == "removed":
        return f"You removed them: a 'no' the next training learns. {TAKE_BACK}"
    if state == "kept":
        return f"Your audience after all: a 'yes' the next training learns. {TAKE_BACK}"
    if state == SPARED:
        return f"Kept though not your audience: a 'no', never suggested again. {TAKE_BACK}"
    if dropped:
        return f"No longer suggested (now {row.suggestion}): {row.why}"
    return row.why


def list_change(answers: int, before: int, after: int, limits: tuple[float, float] | None = None) -> str:
    """What a model trained while the person works through the list did to it (the rows stay in their places):
    ``before`` and ``after`` its removals as the page counted them; ``limits`` (before, after) when the person
    changed their limit. Said as a difference only: the counts themselves change as the person works through the
    list, and the sentence above it gives the current one."""
    places = "rows it no longer suggests are greyed where they were, and new ones are added at the end."
    how = "as many" if before == after else f"{abs(after - before):,} {'fewer' if after < before else 'more'}"
    trained = f"model trained again on {answers:,} answers suggests {how} removals"
    if limits is not None and limits[0] != limits[1]:
        was, now = limits
        return f"At your limit of {limit_text(now)} (it was {limit_text(was)}), the {trained}: {places}"
    if before == after:
        return f"The {trained}: {places}"
    moved = "each answer moves its estimate of how many may be your audience, and the list with it"
    return f"The {trained}: {moved}; {places}"


def stop_hint(outlook: Outlook | None = None) -> str:
    """The labeller's nudge (`relevance.labeller.stop_hint`): to train, pointing at the page's step, or, when a
    training now would make no removal list (``outlook``), what the answers still have to do for one."""
    if outlook is not None and not outlook.has_list:
        why = why_no_list(outlook)
        return f"Quality has not improved over your last {WINDOW} answers, but a training now would {why}."
    return f"Quality has not improved over your last {WINDOW} answers: a good time to train ({TRAIN})."


def too_few(yes: int, no: int) -> str:
    """Why the Train button cannot train yet (`relevance.training.check_label_counts` decides)."""
    return (
        f"Training needs at least {MIN_PER_CLASS} 'yes' and {MIN_PER_CLASS} 'no' answers; you have {yes} yes and "
        f"{no} no. Label more ({LABEL}): the cards it picks help most."
    )


def unusable_model(path: Path) -> str:
    """Why there is no removal list although a model file exists; the library's reason goes to the terminal."""
    return (
        f"The saved model {path.name} cannot be used (damaged, from another version of relevance, or not written "
        f"by it; the terminal says which). Train ({TRAIN}) to replace it: your answers are safe."
    )


def training_failed(reason: str, has_model: bool) -> str:
    """A training that failed or was stopped, and what it leaves: nothing lost, the model in use unchanged."""
    kept = "The model in use is the one from before" if has_model else "There is no model yet"
    end = "" if reason.endswith((".", "?", "!")) else "."
    return f"The training did not finish: {reason}{end} {kept}, and your answers are safe; train again ({TRAIN})."


def refused(message: str) -> str:
    """A request the library refused, as the page shows it: a write that failed ("free some space and run
    again") is tried again from the page, not run again from a terminal."""
    return message.removesuffix(" and run again") + (" and try again" if message.endswith(" and run again") else "")


def limit_pending(limit: float, shown: float) -> str:
    """The list on the page was drawn at another limit than the person's: a training for theirs runs or will."""
    return (
        f"This list was drawn at a limit of {limit_text(shown)}; a training at your limit of {limit_text(limit)} "
        f"replaces it (the Train step shows how far it is)."
    )
