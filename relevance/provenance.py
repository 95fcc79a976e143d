"""Whether a model and the rows it is used on belong together: the export it scores, the scores it explains.

``relevance.network`` compares two networks; this module says what that means for a model (its card knows the
network it learnt and the thresholds it chose) and returns it, raising only where using them together cannot
make sense. The CLI words the rest (relevance/cli/together.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from relevance.card import ModelCard
from relevance.errors import ModelError
from relevance.network import Overlap, compare
from relevance.records import Connection

if TYPE_CHECKING:
    from relevance.score import ScoredRow  # relevance.score checks its export with this module

# A score is written with 3 decimals: a row this near a threshold may fall on either side of it.
_ROUNDING = 0.0005


def trained_on(
    card: ModelCard,
    connections: Sequence[Connection],
    source: str,
    *,
    model: str = "the model",
    fix: str = "train a model on this export",
) -> Overlap | None:
    """How these connections (of ``source``) compare with the export the model was trained on; None when the card
    does not say or they cannot be compared. ModelError, ending in ``fix``, when they share too little to be one
    network (``Overlap.another_network``): another person's, whose scores and estimates the model cannot speak
    for."""
    overlap = compare(card.network, connections) if card.network is not None else None
    if overlap is not None and overlap.another_network:
        about = "" if overlap.exact else "about "
        share = 1 - overlap.new / max(overlap.connections, 1)
        few = "none" if overlap.disjoint else f"only {about}{share:.0%}" if share >= 0.01 else "fewer than 1%"
        raise ModelError(
            f"{model} was trained on another network: {few} of the connections in {source} were in the export it "
            f"was trained on — {fix}"
        )
    return overlap


def scored_by(card: ModelCard, rows: Sequence[ScoredRow], source: str, *, model: str, fix: str) -> None:
    """ModelError, ending in ``fix``, unless the card's model scored these rows (of ``source``): its thresholds and
    quality would describe other scores. The rows name their model (scored.csv's ``model`` column); rows written
    before they did are checked against the card's thresholds instead."""
    scored_with = {row.model for row in rows if row.model}
    if scored_with and {_same_model(m) for m in scored_with} != {_same_model(card.short_id)}:
        models = f"model{'s' if len(scored_with) > 1 else ''} {', '.join(sorted(scored_with))}"
        raise ModelError(f"{source} was scored with {models}, not with {model} ({card.short_id}) — {fix}")
    if not scored_with and (stray := stray_suggestions(card, rows)):
        raise ModelError(
            f"{source} was not scored with {model}: {stray:,} of its suggestions do not follow that model's "
            f"thresholds — {fix}"
        )


def _same_model(short_id: str) -> str:
    """A model id as compared: files scored before ids began with "m-" hold the bare digits, which a spreadsheet
    may have saved as a number without its leading zeros."""
    return short_id.removeprefix("m-").lstrip("0")


def stray_suggestions(card: ModelCard, rows: Sequence[ScoredRow]) -> int:
    """How many of the model's own suggestions in ``rows`` contradict the card's thresholds: none when the card's
    model made them."""
    remove_at, keep_from = card.thresholds.remove_at_or_below, card.thresholds.keep_from
    stray = 0
    for row in rows:
        if row.source != "model" or row.score is None:
            continue
        score = row.score
        allowed = {
            "remove": remove_at is not None and score <= remove_at + _ROUNDING,
            "keep": score >= keep_from - _ROUNDING,
            "review": (remove_at is None or score >= remove_at - _ROUNDING) and score <= keep_from + _ROUNDING,
        }
        stray += not allowed[row.suggestion]
    return stray
