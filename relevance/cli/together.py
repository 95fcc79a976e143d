"""Whether the files a command was given belong together, said the same way by every command.

The library decides (``relevance.matching`` for a labels file and an export); this module words it: a note where
the files can still be used together, an error (exit 1) where they cannot.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from relevance.cli.render import say

if TYPE_CHECKING:
    from relevance.io import Export
    from relevance.labels import Labels
    from relevance.matching import LabelMatch


def labels_for(export: Export, labels: Labels, path: Path) -> Export:
    """The export with the labels file's answers matched to it (its connections under the file's ids); a labels
    file of another network is an error, as the command would answer into it or train on it."""
    from relevance.matching import match_labels, require_same_network

    match = match_labels(export, labels)
    require_same_network(match, str(path), Path(export.source).name)
    _say_carried_over(match, path)
    return match.export


def labels_if_they_belong(export: Export, labels: Labels, path: Path) -> Export | None:
    """As ``labels_for``, for a command that can do without the answers: another network's labels file is set
    aside with a note, and None returned."""
    from relevance.matching import match_labels

    match = match_labels(export, labels)
    if match.none_match:
        say(
            f"Note: none of the {match.entries:,} connections in {path} is in this export, so its answers are not "
            "used: is it another network's labels file? Pass this one's with --labels."
        )
        return None
    _say_carried_over(match, path)
    return match.export


def _say_carried_over(match: LabelMatch, path: Path) -> None:
    if sentence := match.sentence(str(path)):
        say(sentence)
