"""Keep-rules: what the person keeps whatever the model says (``--keep "company=Acme"``, ``--keep-newer-than 90d``).

A rule keeps a row the person has not answered; the person's own answer beats every rule, and a row goes to the
first rule it matches (relevance.score decides; ``count_rules`` says how many each kept).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from relevance.errors import RelevanceError
from relevance.records import CANONICAL_COLUMNS, Connection

if TYPE_CHECKING:
    from relevance.io import Export
    from relevance.score import ScoredRow

_RULE_FIELDS = tuple(c for c in CANONICAL_COLUMNS if c not in ("id", "connected_on"))
_UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}
# The age rule's name among the counts (``count_rules``).
NEWER_RULE = "newer than"


@dataclass(frozen=True)
class KeepRule:
    """``field=value`` (case-insensitive equality) or ``field~pattern`` (case-insensitive regex search)."""

    text: str
    field: str
    value: str
    regex: re.Pattern[str] | None = None

    def matches(self, connection: Connection) -> bool:
        found = str(getattr(connection, self.field)).strip()
        if self.regex is not None:
            return self.regex.search(found) is not None
        return found.casefold() == self.value.casefold()


def parse_keep_rule(text: str) -> KeepRule:
    """Read a rule such as ``company=Acme`` or ``position~recruit``; RelevanceError if it cannot be read."""
    match = re.fullmatch(r"\s*(\w+)\s*([=~])\s*(.*?)\s*", text)
    example = 'e.g. --keep "company=Acme" or --keep "position~recruit"'
    if not match or not match.group(3):
        raise RelevanceError(f"cannot read keep rule {text!r}: write field=value or field~pattern, {example}")
    name, operator, value = match.group(1).casefold(), match.group(2), match.group(3)
    if name not in _RULE_FIELDS:
        raise RelevanceError(f"keep rule {text!r}: unknown field {name!r}; use one of {', '.join(_RULE_FIELDS)}")
    if value[0] in "=~":
        # "position=~sales" would otherwise be an exact match on "~sales" that keeps nobody, silently.
        rest = value.lstrip("=~").strip()
        raise RelevanceError(
            f"keep rule {text!r} mixes = and ~: write {name}~{rest} (a regular expression, anywhere in the "
            f"{name}) or {name}={rest} (the whole {name}, any case)"
        )
    if operator == "=":
        return KeepRule(text.strip(), name, value)
    try:
        return KeepRule(text.strip(), name, value, re.compile(value, re.IGNORECASE))
    except re.error as error:
        raise RelevanceError(f"keep rule {text!r}: {value!r} is not a valid regular expression ({error})") from None


def parse_age(text: str) -> timedelta:
    """``90d``, ``12w``, ``6m`` or ``1y`` as a time span (a month is 30 days, a year 365)."""
    match = re.fullmatch(r"\s*(\d+)\s*([dwmy])\s*", text.casefold())
    if not match:
        raise RelevanceError(f"cannot read {text!r} as an age: write a number and a unit d, w, m or y, e.g. 90d")
    return timedelta(days=int(match.group(1)) * _UNITS[match.group(2)])


def newer_reference(export: Export, newer_than: timedelta, today: date | None = None) -> date:
    """The day ``--keep-newer-than`` counts back from: today, unless even the export's newest connection is
    older than the span; then that newest connection (about when the export was taken)."""
    reference = today or date.today()
    span = export.date_range
    if span is not None and span[1] < reference - newer_than:
        return span[1]
    return reference


def count_rules(rows: Sequence[ScoredRow], rules: Sequence[KeepRule], newer: bool) -> dict[str, int]:
    """How many rows each rule kept: the first rule a row matches, as ``score_connections`` decides."""
    counts = {rule.text: 0 for rule in rules}
    if newer:
        counts[NEWER_RULE] = 0
    for row in rows:
        if row.source == "rule":
            rule = next((r for r in rules if r.matches(row.connection)), None)
            counts[rule.text if rule is not None else NEWER_RULE] += 1
    return counts
