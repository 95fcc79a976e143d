"""Whether the files a command was given belong together, said the same way by every command.

The library compares (``relevance.matching``: a labels file and an export; ``relevance.provenance``: a model and
the export or scores it is used on); this module words it: a note where the files can still be used together (not
said with --quiet), a warning where they may not belong together, an error (exit 1) where they cannot.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from shlex import quote
from typing import TYPE_CHECKING

from relevance.cli.render import say

if TYPE_CHECKING:
    from relevance.card import ModelCard
    from relevance.io import Export
    from relevance.labels import Labels
    from relevance.matching import LabelMatch
    from relevance.network import Overlap
    from relevance.score import ScoredRow


def labels_for(export: Export, labels: Labels, path: Path, *, quiet: bool = False) -> Export:
    """The export with the labels file's answers matched to it (its connections under the file's ids); a labels
    file of another network is an error, as the command would answer into it or train on it. ``quiet``: the notes
    are not said (warnings and errors are)."""
    from relevance.matching import match_labels, require_same_network

    match = match_labels(export, labels)
    require_same_network(match, str(path), Path(export.source).name)
    if not quiet:
        _say_carried_over(match, path)
    return match.export


def labels_if_they_belong(export: Export, labels: Labels, path: Path, *, quiet: bool = False) -> Export | None:
    """As ``labels_for``, for a command that can do without the answers: another network's labels file is set
    aside with a warning, and None returned."""
    from relevance.matching import match_labels

    match = match_labels(export, labels)
    if match.none_match:
        say(
            f"Warning: none of the {match.entries:,} connections in {path} is in this export, so its answers are not "
            "used: is it another network's labels file? Pass this one's with --labels."
        )
        return None
    if not quiet:
        _say_carried_over(match, path)
    return match.export


def _say_carried_over(match: LabelMatch, path: Path) -> None:
    if sentence := match.sentence(str(path)):
        say(sentence)
    if sentence := match.outdated_sentence(str(path), "`relevance label`"):
        say(sentence)


def model_fits(card: ModelCard, export: Export, model: Path, *, quiet: bool = False) -> Overlap | None:
    """Before scoring: an export the model never saw a connection of is an error; another export of its network
    (newer, older, or after a round trip through a spreadsheet) is a note saying how much differs. Returns the
    comparison, for ``score_export`` not to make it again."""
    from relevance.provenance import trained_on

    name = Path(export.source).name
    train = f"relevance train {quote(name)} --model {quote(str(model.with_name('this-network.npz')))}"
    fix = f"train a model on this export ({train}), or pass this network's model with --model"
    overlap = trained_on(card, export.connections, name, model=str(model), fix=fix)
    if overlap is not None and not overlap.same:
        _say_differs(overlap, "this export's connections", "this export", model, quiet)
    return overlap


def scores_fit(card: ModelCard, rows: Sequence[ScoredRow], model: Path, scored: Path, *, quiet: bool = False) -> None:
    """Before reporting: a scored file is reported with the model that scored it, or its thresholds and quality
    would describe other scores; its connections are compared with the model's network as ``model_fits`` does."""
    from relevance.provenance import scored_by, trained_on

    again = f"pass the model that scored it, or score again with `relevance score <export> --model {model}`"
    scored_by(card, rows, str(scored), model=str(model), fix=again)
    overlap = trained_on(card, [row.connection for row in rows], str(scored), model=str(model), fix=again)
    if overlap is not None and not overlap.same:
        _say_differs(overlap, f"the connections in {scored}", str(scored), model, quiet)


def _say_differs(overlap: Overlap, these: str, where: str, model: Path, quiet: bool) -> None:
    """A note for another export of the model's network (not when quiet), a warning when little of it is shared."""
    about = "" if overlap.exact else "about "
    if overlap.shared < 0.5:
        known = 1 - overlap.new / max(overlap.connections, 1)
        say(
            f"Warning: only {about}{known:.0%} of {these} were in the export {model} was trained on: is it the same "
            "network? Its thresholds and estimates were measured on that one — train a model on this export for "
            "its own."
        )
        return
    if quiet:
        return
    parts = []
    if overlap.new:
        parts.append(f"{about}{overlap.new:,} of {these} were not in the one {model} was trained on")
    if overlap.gone:
        trained = "that one's" if parts else f"the connections in the export {model} was trained on"
        parts.append(f"{about}{overlap.gone:,} of {trained} are not in {where}")
    say(
        "Note: " + ", and ".join(parts) + ": another export of the same network. The model applies; retrain to "
        "have its estimates measured on this one."
    )
