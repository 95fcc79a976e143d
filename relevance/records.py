"""The canonical connection record every part of relevance works with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

# Three or more question marks not right after a letter: a word a code page could not write.
_LOST_WORD = re.compile(r"(?<![^\W\d_])\?{3,}")
# A run of letters and question marks: a word, whose "?" before its last letter stood for letters.
_WORD_WITH_MARKS = re.compile(r"(?:[^\W\d_]|\?)+")
# The columns of a canonical record, in the order they are written to CSV.
CANONICAL_COLUMNS: tuple[str, ...] = (
    "id",
    "url",
    "first_name",
    "last_name",
    "company",
    "position",
    "headline",
    "location",
    "industry",
    "email",
    "connected_on",
)


@dataclass(frozen=True)
class Connection:
    """One first-degree connection, whatever export it came from.

    ``id`` is stable across re-exports of the same network (see ``relevance.identity``),
    so labels given on one export carry over to the next.
    """

    id: str
    url: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    position: str = ""
    headline: str = ""
    location: str = ""
    industry: str = ""
    email: str = ""
    connected_on: date | None = None
    # Columns the reader did not recognise, kept so nothing the user had is lost.
    extra: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def title(self) -> str:
        """What the person does, as the export tells it: the headline, else the position."""
        return self.headline or self.position

    @property
    def lost_title(self) -> bool:
        """Whether the title is question marks where its letters were (``lost_letters``): it cannot be read, so
        it is not embedded, and the row is marked review unless the person answered it."""
        return lost_letters(self.title)

    def as_row(self) -> dict[str, str]:
        """The canonical columns as strings, for CSV writing."""
        row = {col: getattr(self, col) for col in CANONICAL_COLUMNS if col != "connected_on"}
        row["connected_on"] = self.connected_on.isoformat() if self.connected_on else ""
        return row


def lost_letters(title: str) -> bool:
    """Whether a title lost its words to question marks: "???????? ?? ????????" is what a Russian title becomes
    in a file saved in a code page that cannot write its letters (Excel puts "?" for each), "HR-???????? |
    Freelancer" a mixed one. More question marks than letters, or a word of three or more of them: what is
    left reads as something else; and so does a word that lost two letters or more: Kazakh in a Russian code
    page, "М??алім" (Мұғалім, teacher), "??рылтайшы" (founder). A letter lost here and there ("Operator w?zka",
    "Kierownik dzia?u sprzeda?y") is still read, and so is a headline's "Open to work???"."""
    if "?" not in title:  # nearly every title: one scan, and every row of every count asks
        return False
    marks = title.count("?")
    if marks > sum(ch.isalpha() for ch in title) or _LOST_WORD.search(title):
        return True
    return any(word.rstrip("?").count("?") >= 2 for word in _WORD_WITH_MARKS.findall(title))
