"""The rows the report reads: scored.csv as written by `relevance score`, one ``ReportRow`` per connection."""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from relevance.errors import RelevanceError
from relevance.records import CANONICAL_COLUMNS, Connection

SUGGESTIONS = ("remove", "review", "keep")


@dataclass(frozen=True)
class ReportRow:
    """One row of scored.csv as the report reads it: a connection, its score and suggestion, the reason, and
    the user's own label as text (``relevance.score.ScoredRow`` converts through ``as_row``)."""

    connection: Connection
    score: float | None  # probability of being in the audience; None when there was nothing to score
    suggestion: str  # keep / review / remove
    why: str = ""
    label: str = ""  # yes / no / "" (not labelled)

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> ReportRow:
        """A row as written to scored.csv (``score.ScoredRow.as_row()`` gives the same). Raises RelevanceError
        on a bad score, date or suggestion."""
        text = {col: _text(row.get(col)) for col in (*CANONICAL_COLUMNS, "score", "suggestion", "why", "label")}
        try:
            day = date.fromisoformat(text["connected_on"]) if text["connected_on"] else None
            score = float(text["score"]) if text["score"] else None
        except ValueError as error:
            raise RelevanceError(f"Row {text['id']!r} has an unreadable score or date ({error})") from None
        suggestion = text["suggestion"].lower()
        if suggestion not in SUGGESTIONS:
            raise RelevanceError(f"Row {text['id']!r} has suggestion {suggestion!r}; expected keep, review or remove")
        connection = Connection(
            id=text["id"],
            url=text["url"],
            first_name=text["first_name"],
            last_name=text["last_name"],
            company=text["company"],
            position=text["position"],
            headline=text["headline"],
            location=text["location"],
            industry=text["industry"],
            email=text["email"],
            connected_on=day,
        )
        return cls(connection, score, suggestion, text["why"], text["label"].lower())


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_scored(path: str | os.PathLike[str]) -> list[ReportRow]:
    """Read the scored.csv that `relevance score` wrote. Raises RelevanceError when it is not one."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"id", "score", "suggestion"} - set(reader.fieldnames or ())
            if missing:
                raise RelevanceError(
                    f"{path} is not a scored file (no {', '.join(sorted(missing))} column): "
                    "make one with `relevance score Connections.csv --out scored.csv`"
                )
            return [ReportRow.from_row(row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RelevanceError(f"Cannot read {path}: {error}") from None


def audience_weight(row: ReportRow) -> float | None:
    """How likely the row is in the audience: the user's own answer if given, else the score."""
    if row.label in ("yes", "no"):
        return 1.0 if row.label == "yes" else 0.0
    return row.score
