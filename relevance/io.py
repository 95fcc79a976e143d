"""Read any supported connections export into canonical `Connection` records; write CSVs safely.

Never prints: what was read, skipped and doubted is returned in the `Export` for the caller to show.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import IO

from relevance.atomic import atomic_write
from relevance.cells import safe_value, safe_values
from relevance.columns import (
    FIELD_NAMES,
    HEADER_ALIASES,
    LINKEDIN_CURRENT,
    LINKEDIN_OLDER,
    describe_format,
    looks_like_header,
    map_columns,
    normalise_header,
)
from relevance.dates import numeric_day_first, to_date
from relevance.errors import ExportError, RelevanceError
from relevance.identity import NO_URL, connection_id
from relevance.records import Connection
from relevance.tables import SNIFF_ROWS, Cell, Table, read_table
from relevance.write_errors import cannot_write

_TEXT_FIELDS = (
    "url",
    "first_name",
    "last_name",
    "email",
    "company",
    "position",
    "headline",
    "location",
    "industry",
)
# Fields where people and tools write a placeholder for "nothing": "-", "—", "n/a". Such a cell is empty.
# A placeholder word only in a title: "NA" is North America in a location, and "None" may be a company's name.
_PLACEHOLDER_FIELDS = {"position": True, "headline": True, "company": False, "location": False, "industry": False}
_PLACEHOLDER_WORDS = frozenset({"n/a", "n.a.", "na", "none", "null", "nil", "-/-"})
# A company's legal form, as written after a comma in its name: never how a job title starts.
_LEGAL_FORM = re.compile(
    r"(?i)(inc|llc|llp|ltd|limited|plc|corp|co|gmbh|ag|kg|s\.?a|s\.?l|s\.?a\.?s|s\.?r\.?l|s\.?p\.?a|"
    r"s\.?r\.?o|a\.?s|spol\. s r\.?o|sp\. ?z ?o\.?o|sp\. ?k|s\.?a\.?r\.?l|b\.?v|n\.?v|oy|oyj|ab|aps|a/s|kft|"
    r"zrt|d\.?o\.?o|pty|pvt|ooo|too)\.?( ltd\.?)?"
)
_PROFILE = "linkedin.com/"
# The fix for a file that holds no connections.
EXPORT_AGAIN = "export again (LinkedIn: Settings → Data privacy → Get a copy of your data → Connections)"
# A cell alone on its row with this many words is a note (LinkedIn's above its header is 20), not a name.
_NOTE_WORDS = 6
_EXPECTED = "First Name, Last Name, URL, Company, Position, Connected On (or a headline column from a scraping tool)"


@dataclass
class Export:
    """What was read from one export file, and what could not be used."""

    source: str
    format: str
    encoding: str
    delimiter: str
    header: list[str]
    columns: dict[str, str]  # canonical field -> the export's column it was read from
    connections: list[Connection]  # every real connection, ghosts and duplicates left out
    rows_read: int = 0
    ghost_rows: int = 0  # hidden members: nothing but a Connected On date
    duplicate_rows: int = 0  # the same connection twice: the first one is kept
    duplicate_ids: list[str] = field(default_factory=list)
    bad_dates: int = 0  # a Connected On that was there but could not be read
    # More cells than the header (a tool that did not quote a comma): when the last cell is the date, the
    # surplus is joined back into the column before it (Position, in LinkedIn's layout).
    misaligned_rows: int = 0
    # Rows split in two by a line break inside a cell nobody quoted: joined again when the pieces make exactly
    # one row that ends in a readable date; ``rows_read`` counts the row once.
    split_rows: int = 0
    # The header again below the first (two exports pasted into one file): skipped with the notes above it, and
    # not counted in ``rows_read``, as the first header is not.
    repeated_headers: int = 0

    @property
    def without_title(self) -> int:
        """Connections with no position or headline: a company alone is not embedded, so these are marked
        review (relevance.embed.embedding_text), as `score` counts them."""
        return sum(not c.title for c in self.connections)

    @property
    def lost_titles(self) -> int:
        """Connections whose title is question marks where its letters were (``Connection.lost_title``): a file
        saved in a code page that cannot write them. Marked review unless answered, like those without a title."""
        return sum(c.lost_title for c in self.connections)

    @property
    def with_headline(self) -> int:
        return sum(bool(c.headline) for c in self.connections)

    @property
    def date_range(self) -> tuple[date, date] | None:
        days = [c.connected_on for c in self.connections if c.connected_on]
        return (min(days), max(days)) if days else None

    def by_id(self) -> dict[str, Connection]:
        return {c.id: c for c in self.connections}


def read_export(path: str | os.PathLike[str]) -> Export:
    """Read a connections export: LinkedIn's own (any year, with or without the Notes preamble, after an
    Excel round-trip, as .xlsx or inside the data-archive zip) or a scraping tool's (PhantomBuster,
    Waalaxy, Linked Helper, Dux-Soup). Raises ExportError when the file cannot be read.

    On messy files: the header is found by its content in the first rows, columns by name in any order;
    rows with fewer cells than the header read the missing ones as empty, unless the next row completes it (a
    line break inside an unquoted cell: counted in `split_rows`, joined again) or, where the date is the last
    column, the row ends in a date (a cell left out: counted in `misaligned_rows`, the date put in its column and
    the cells after the names next to it); a row with more non-empty cells is
    counted in `misaligned_rows` and, when it ends in a date, its surplus is joined into the column before
    the date (or into the company, when the surplus starts with a legal form: "Acme, Inc."; or into the last
    name, when the profile URL comes later than its column: "Abbas, PhD"); `a/b/yyyy` dates are
    month first and `a-b-yyyy` day first unless some day in the file shows otherwise; rows with only a date are
    ghosts (counted, skipped); the same profile URL twice is a duplicate (the first row is kept); a copy of the
    header further down (two exports in one file), or another LinkedIn layout's header, is skipped with the notes
    above it (counted), and the rows below it are read by it; a quote left open
    that took in the rows below it is refused with its line.
    """
    table = read_table(Path(path), _choose_delimiter)
    header_at = _find_header(table.rows)
    rows: Sequence[Sequence[Cell]] = table.rows
    if header_at is not None:
        header = [str(cell).strip() for cell in rows[header_at]]
        mapping, body, fmt = map_columns(header), rows[header_at + 1 :], describe_format(header)
    else:
        header, mapping, body, fmt = _headerless(table.rows, table.source)
    export = Export(
        source=table.source,
        format=fmt if table.encoding != "xlsx" else f"{fmt}, Excel workbook",
        encoding=table.encoding,
        delimiter=table.delimiter,
        header=header,
        columns={name: header[index] for name, index in mapping.items()},
        connections=[],
    )
    _check_swallowed(table, header_at, len(header))
    sections, export.repeated_headers = _sections(body, header, mapping)
    _fill(export, sections)
    return export


def reading_note(export: Export, name: str | None = None) -> str:
    """What reading the file skipped or mended, in one sentence ("" when nothing): `relevance inspect` counts these
    rows, and the commands and the app that read a file to label, train or score say so too rather than pass over
    them. Ghost rows and rows without a title are said where the scores are. ``name``: the file as the sentence
    names it (its path as given, by default)."""

    def rows(count: int, what: str) -> str:
        return f"{count:,} {'row' if count == 1 else 'rows'} {what}"

    parts = [
        rows(export.duplicate_rows, "skipped: a profile listed again (its first row is read)")
        if export.duplicate_rows
        else "",
        rows(export.repeated_headers, "skipped: the header again further down") if export.repeated_headers else "",
        rows(export.misaligned_rows, "with more or fewer cells than the header (an unquoted comma, a cell left out)")
        if export.misaligned_rows
        else "",
        rows(export.split_rows, "split by a line break and joined again") if export.split_rows else "",
        rows(export.bad_dates, "whose date could not be read: no date") if export.bad_dates else "",
    ]
    said = [part for part in parts if part]
    if not said:
        return ""
    return f"In {export.source if name is None else name}: {'; '.join(said)}. `relevance inspect` describes the file."


def _check_swallowed(table: Table, header_at: int | None, width: int) -> None:
    """Refuse a quote left open that took the rows below it into one cell (to the end of the file, or to the next
    stray quote): they would be lost without a word. Such a cell holds, after a line break, a line that reads as a
    row: a row's worth of delimiters and a profile URL or a date at its end. A headline, an About text or a note
    broken over lines, with commas or not, does not."""
    if not table.spans or not table.delimiter or width < 3:
        return
    for span in table.spans:
        if header_at is not None and span.row <= header_at:
            continue
        for cell in table.rows[span.row]:
            if any(_reads_as_row(line, table.delimiter, width) for line in str(cell).splitlines()[1:]):
                raise ExportError(
                    f'{table.source} line {span.first}: a quote (") there opens a cell that runs over '
                    f"{span.last - span.first + 1} lines and takes in the rows below it: delete that quote, or close "
                    "it, and run again"
                )


def _reads_as_row(line: str, delimiter: str, width: int) -> bool:
    if line.count(delimiter) < width - 1:
        return False
    return _PROFILE in line.casefold() or to_date(line.rsplit(delimiter, 1)[-1].strip().strip('"')) is not None


Section = tuple[list[str], dict[str, int], list[Sequence[Cell]]]  # a header, its columns, the rows below it
# What the first column of LinkedIn's layouts is called, however spelled: a header row further down starts so.
_FIRST_COLUMNS = frozenset(HEADER_ALIASES["first_name"] + HEADER_ALIASES["full_name"])


def _sections(body: Sequence[Sequence[Cell]], header: list[str], mapping: dict[str, int]) -> tuple[list[Section], int]:
    """The rows, split where a header appears again, and how many did: a copy of the header (two exports in one
    file) or, in LinkedIn's layouts (the date last), another layout's header (a 2021 export pasted below a 2024
    one, without the URL column: the rows below it are read by their own header, not shifted into the wrong
    columns, the date read as a title). Each header takes with it the notes just above it (``_is_note``):
    LinkedIn writes them above its header, and a person who pasted a second export below the first pasted them
    too."""
    names = [normalise_header(name) for name in header]
    if sum(bool(name) for name in names) < 2:  # a header of one name: a person's row could match it
        return [(header, mapping, list(body))], 0
    first = _bare(header[0])
    date_last = mapping.get("connected_on") == max(i for i, name in enumerate(header) if name)
    sections: list[Section] = [(header, mapping, [])]
    copies = 0

    def is_copy(row: Sequence[Cell]) -> bool:
        # the first cell alone rules out nearly every row (normalising seven cells a row took 0.3 s on 30,000)
        if not row or _bare(str(row[0])) != first:
            return False
        cells = [normalise_header(str(row[i])) if i < len(row) else "" for i in range(len(names))]
        return cells == names and not any(str(cell).strip() for cell in row[len(names) :])

    def another_layout(row: Sequence[Cell]) -> list[str] | None:
        if not date_last:
            return None
        last = len(row) - 1
        while last >= 0 and not str(row[last]).strip():
            last -= 1
        # a row of people ends in its date, nearly always a digit first ("04 Jan 2023", "1/8/18"), and where it does
        # not ("Jan 04, 2023", none), starts with a name: one or two tests, not the whole row read as a header
        if (
            last < 2
            or str(row[last]).lstrip()[:1].isdigit()
            or normalise_header(str(row[0])[:40]) not in _FIRST_COLUMNS
        ):
            return None
        cells = [str(cell).strip() for cell in row[: last + 1]]
        return cells if looks_like_header(cells) and "connected_on" in map_columns(cells) else None

    for row in body:
        found = header if is_copy(row) else another_layout(row)
        if found is None:
            sections[-1][2].append(row)
            continue
        copies += 1
        kept = sections[-1][2]
        while kept and _is_note(kept[-1]):
            kept.pop()
        sections.append((found, map_columns(found), []))
    return sections, copies


# Columns of LinkedIn's Profile.csv (the member's own profile, in the same archive as Connections.csv) that no
# connections export has: it would otherwise read as one connection with a headline.
_OWN_PROFILE = frozenset({"maidenname", "birthdate", "zipcode", "geolocation", "twitterhandles", "instantmessengers"})


def scorable(export: Export) -> Export:
    """The export, if it has connections and a column saying what they do: what labelling, training and scoring
    need (``inspect`` describes any file). Raises ExportError with the fix otherwise: a header-only file, one
    of only hidden members, or a scraper's file without the headline would otherwise "score" nobody, or
    everybody alike."""
    named = {normalise_header(name) for name in export.header}
    if {"suggestion", "why", "score"} <= named:
        raise ExportError(
            f"{export.source} is a scored file relevance wrote, not an export: pass the Connections.csv from "
            "LinkedIn (`relevance report` opens a scored file)"
        )
    if named & _OWN_PROFILE:
        raise ExportError(
            f"{export.source} is your own profile (LinkedIn's Profile.csv), not your connections: pass the "
            "Connections.csv from the same archive"
        )
    if {"id", "label"} <= named and "connectedon" not in named:
        raise ExportError(
            f"{export.source} is a labels worksheet, not an export: pass the Connections.csv from LinkedIn, and the "
            "worksheet with --labels"
        )
    if not export.connections:
        if export.ghost_rows:
            raise ExportError(
                f"{export.source} has no connections to score: its {export.ghost_rows:,} rows are all members "
                f"LinkedIn hides (a date and nothing else); {EXPORT_AGAIN}"
            )
        raise ExportError(f"{export.source} has no connections, only a header; {EXPORT_AGAIN}")
    if "position" not in export.columns and "headline" not in export.columns:
        have = ", ".join(name for name in export.header if name) or "none"
        raise ExportError(
            f"{export.source} has no Position or headline column (its columns: {have}): relevance reads what "
            f"people do from it; {EXPORT_AGAIN}, or include the headline in the scraping tool's export"
        )
    return export


def _choose_delimiter(heads: Mapping[str, list[list[str]]]) -> str | None:
    """The delimiter under which some early row reads as the richest header."""
    best, best_score = None, 0
    for delimiter, rows in heads.items():
        for row in rows:
            if looks_like_header(row) and len(map_columns(row)) > best_score:
                best, best_score = delimiter, len(map_columns(row))
    if best is None:  # no header: the delimiter that splits rows most consistently
        counts = {d: Counter(len(r) for r in rows).most_common(1) for d, rows in heads.items() if rows}
        width = {d: c[0][0] for d, c in counts.items() if c and c[0][0] > 1}
        best = max(width, key=width.__getitem__, default=None)
    return best


def _find_header(rows: Sequence[Sequence[Cell]]) -> int | None:
    for index, row in enumerate(rows[:SNIFF_ROWS]):
        if looks_like_header([str(cell) for cell in row]):
            return index
    return None


def _headerless(
    rows: Sequence[Sequence[Cell]], source: str
) -> tuple[list[str], dict[str, int], Sequence[Sequence[Cell]], str]:
    """Read a file whose header line was lost, as LinkedIn's own layout if the rows fit it.

    One real export had lost its header and wrapped each whole row in an extra quoted field. LinkedIn's notes
    above where the header was are skipped, not read as people called "Notes:".
    """
    notes = _leading_notes(rows)
    if rows and notes == len(rows):
        raise ExportError(f"{source} holds only LinkedIn's notes, no header and no connections: {EXPORT_AGAIN}")
    rows = rows[notes:]
    note = "header missing; LinkedIn columns inferred"
    single = [str(row[0]) for row in rows if len(row) == 1]
    inner = max((",", ";", "\t"), key=lambda mark: sum(mark in cell for cell in single))  # a tie: the comma
    if rows and sum(len(row) == 1 and inner in str(row[0]) for row in rows) > len(rows) / 2:
        rows = [_split_row(str(row[0]), inner) if len(row) == 1 else row for row in rows]
        note = "header missing, rows wrapped in quotes; LinkedIn columns inferred"
        if (at := _find_header(rows)) is not None:
            header = [str(cell).strip() for cell in rows[at]]
            return header, map_columns(header), rows[at + 1 :], describe_format(header) + " (rows wrapped in quotes)"
    width = Counter(len(row) for row in rows).most_common(1)[0][0] if rows else 0
    layout = {len(LINKEDIN_CURRENT): LINKEDIN_CURRENT, len(LINKEDIN_OLDER): LINKEDIN_OLDER}.get(width)
    dated = layout and sum(to_date(row[-1]) is not None for row in rows if len(row) == width) > len(rows) / 2
    if layout and dated:
        return (
            list(layout),
            {name: i for i, name in enumerate(layout)},
            rows,
            f"LinkedIn connections export ({note})",
        )
    raise ExportError(
        f"{source} has no recognisable header: {_describe_first_row(rows)}; expected columns such as {_EXPECTED}"
    )


def _leading_notes(rows: Sequence[Sequence[Cell]]) -> int:
    """How many of the first rows are notes (``_is_note``): a row wrapped in quotes is one cell too, and may be
    a long one, but it holds a row's cells (LinkedIn's note splits at most in two: "When exporting your connection
    data, you may notice...")."""
    count = 0
    for row in rows:
        if not _is_note(row) or max(len(_split_row(str(row[0]), mark)) for mark in ",;\t") > 3:
            break
        count += 1
    return count


def _split_row(text: str, delimiter: str) -> list[str]:
    """``text`` as the cells of a CSV row; split bare where the csv module will not read it (a line break where no
    quote allows one)."""
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return text.split(delimiter)


def _describe_first_row(rows: Sequence[Sequence[Cell]]) -> str:
    """What the first row holds, without quoting it: its cells may be names, e-mails or profile URLs, and
    people paste error messages into bug reports."""
    if not rows:
        return "it has no rows"
    first = [str(cell) for cell in rows[0]]
    known = [FIELD_NAMES[name] for name in map_columns(first)]
    count = f"its first row has {len(first)} cell{'s' if len(first) != 1 else ''}"
    if not known:
        return f"{count}, none of them a column name relevance knows"
    return f"{count}, of which relevance knows only {', '.join(known)}"


def _bare(cell: str) -> str:
    """A cell as a copy of the header's would match it: a byte-order mark (files joined byte for byte), case and
    spaces aside."""
    return cell.strip().lstrip("\ufeff").strip().casefold()


def _is_note(row: Sequence[Cell]) -> bool:
    """A row of LinkedIn's notes above its header: one cell, "Notes:" or a sentence, never a name."""
    cells = [str(cell).strip() for cell in row]
    text = cells[0] if cells else ""
    return bool(text) and not any(cells[1:]) and (text.endswith(":") or len(text.split()) >= _NOTE_WORDS)


def _fill(export: Export, sections: Sequence[Section]) -> None:
    """The connections of every section, each read by its own header; a profile twice is a duplicate across
    sections too."""
    # profile URL -> the row it was first read in, where the URL lost letters to "?" (None elsewhere)
    seen_urls: dict[str, tuple[str, ...] | None] = {}
    same_name_day: dict[str, list[tuple[str, ...]]] = {}  # no-URL id -> the different rows that share it
    drafts: list[tuple[tuple[str, ...], Connection]] = []
    for header, mapping, body in sections:
        _fill_section(export, header, mapping, body, seen_urls, same_name_day, drafts)
    for fingerprint, connection in drafts:
        # Different people with one name who connected on the same day, and no URL to tell them apart:
        # numbered in an order that does not depend on the order of the rows.
        twins = same_name_day.get(connection.id, [])
        if len(twins) > 1 and (rank := sorted(twins).index(fingerprint)):
            connection = replace(connection, id=f"{connection.id}#{rank + 1}")
        export.connections.append(connection)


def _fill_section(
    export: Export,
    header: list[str],
    mapping: dict[str, int],
    body: Sequence[Sequence[Cell]],
    seen_urls: dict[str, tuple[str, ...] | None],
    same_name_day: dict[str, list[tuple[str, ...]]],
    drafts: list[tuple[tuple[str, ...], Connection]],
) -> None:
    named = [i for i, name in enumerate(header) if name]
    width = named[-1] + 1 if named else 0  # Excel keeps empty columns after the last named one
    date_at = mapping.get("connected_on", -1)
    if date_at == width - 1 > 0 and export.encoding != "xlsx":  # a spreadsheet's cell holds its line breaks
        body = _rejoined(export, body, width)
    day_first = date_at >= 0 and numeric_day_first(row[date_at] for row in body if date_at < len(row))
    company_first = (mapping.get("company"), mapping.get("position")) == (width - 3, width - 2)
    fields = [(name, index) for name, index in mapping.items() if name != "connected_on"]
    placeholders = [(name, _PLACEHOLDER_FIELDS[name]) for name, _ in fields if name in _PLACEHOLDER_FIELDS]
    extra_columns = [(i, name) for i, name in enumerate(header) if i not in mapping.values() and name]
    # Where a row short of cells is missing them: after the names, where the URL and e-mail columns follow them (the
    # e-mail's cell is the one nearly always empty), else just before the date.
    names = {mapping.get(name) for name in ("first_name", "last_name", "full_name")}
    names_first = 0
    while names_first < width and names_first in names:
        names_first += 1
    gap_at = names_first if names_first in {mapping.get("url"), mapping.get("email")} else width - 1
    # Only in layouts that start with the names, as LinkedIn's do: a scraping tool's (the profile link first, a second
    # date before the last) says nothing about which cell went missing.
    pad = names_first > 0
    # The column after the last name and what belongs in it: where a row too long has something else there, the
    # surplus is the last name's own comma ("Abbas, PhD" unquoted).
    url_at, email_at = mapping.get("url"), mapping.get("email")
    after_name: tuple[int, Callable[[Cell], bool]] | None = None
    if url_at is not None:
        after_name = (url_at, _is_link)
    elif email_at is not None and mapping.get("last_name") == email_at - 1:  # LinkedIn's layouts before 2022
        after_name = (email_at, _is_address_or_empty)
    for row in body:
        export.rows_read += 1
        if len(row) > width and any(str(cell).strip() for cell in row[width:]):
            export.misaligned_rows += 1
            if date_at == width - 1:
                row = _realign(row, width, day_first, company_first=company_first, after_name=after_name)
        elif pad and date_at == width - 1 and 1 < len(row) < width and _is_date(row[-1]):
            # A cell left out before the date ("Jane,Doe,,Acme,Buyer,04 Jan 2023" under seven columns): the date
            # goes to its column, the cells between the names and it next to it, rather than the date into the
            # position, to be read as a job title.
            export.misaligned_rows += 1
            row = _padded(row, width, min(gap_at, len(row) - 1), mapping.get("url"))
        values = {name: _cell(row, index) for name, index in fields}
        for name, words in placeholders:
            cell = values[name]
            # Nearly every cell starts with a letter and is longer than any placeholder word: one test each.
            if cell and (len(cell) <= 4 or not cell[0].isalnum()) and placeholder(cell, words=words):
                values[name] = ""
        if not values.get("first_name") and not values.get("last_name") and (full := values.get("full_name")):
            first, _, last = full.rpartition(" ")
            values["first_name"], values["last_name"] = (first, last) if first else (last, "")
        raw_date = row[date_at] if 0 <= date_at < len(row) else ""
        connected_on = to_date(raw_date, day_first)
        if connected_on is None and raw_date and str(raw_date).strip():
            export.bad_dates += 1
        if not any(values.values()):
            export.ghost_rows += 1
            continue
        text = {name: values.get(name, "") for name in _TEXT_FIELDS}
        cid = connection_id(text["url"], text["first_name"], text["last_name"], connected_on)
        row_text = (*text.values(), str(connected_on)) if "?" in cid else None
        if row_text is not None and seen_urls.get(cid, row_text) != row_text:
            # A profile link whose letters a code page lost ("иван-петров" saved as cp1252 reads "????-??????") may be
            # two people's, names lost alike: only the same row again is the same person; another is told apart as
            # without a URL.
            cid = connection_id("", text["first_name"], text["last_name"], connected_on)
        fingerprint: tuple[str, ...] = ()
        if cid.startswith(NO_URL):
            fingerprint = (*text.values(), str(connected_on))
            twins = same_name_day.setdefault(cid, [])
            duplicate = fingerprint in twins
            if not duplicate:
                twins.append(fingerprint)
        else:
            duplicate = cid in seen_urls
            seen_urls.setdefault(cid, row_text)
        if duplicate:
            export.duplicate_rows += 1
            export.duplicate_ids.append(cid)
            continue
        extra = {name: value for i, name in extra_columns if (value := _cell(row, i))}
        drafts.append((fingerprint, Connection(id=cid, connected_on=connected_on, extra=extra, **text)))


def _rejoined(export: Export, body: Sequence[Sequence[Cell]], width: int) -> list[Sequence[Cell]]:
    """The rows, each one that line breaks split joined again. A CSV writer quotes a cell with a line break; a
    hand-edited file or a careless tool may not, and then "Sales Manager<newline>EMEA" makes two short rows, the
    second read as a person called "EMEA". The pieces of a split row overlap by the broken cell, so their cells
    add up to one more than a row's per break; each piece is shorter than a row, and the joined row must end in
    a readable date (the caller checks that the date is the last column). So a row that merely leaves out its
    empty last cells, or one followed by a whole row, stays as it is."""
    rows: list[Sequence[Cell]] = []
    at = 0
    while at < len(body):
        row = body[at]
        pieces, cells, end = [row], len(row), at + 1
        # at most `width` pieces: rows of one cell add none, and must not send the search to the end of the file
        while cells < width and end < len(body) and len(body[end]) < width and len(pieces) < width:
            pieces.append(body[end])
            cells += len(body[end]) - 1
            end += 1
        joined = _join_pieces(pieces) if len(pieces) > 1 and cells >= width else []
        if joined and _is_date(joined[width - 1]) and not any(str(cell).strip() for cell in joined[width:]):
            export.split_rows += 1
            rows.append(joined)
            at = end
        else:
            rows.append(row)
            at += 1
    return rows


def _join_pieces(pieces: Sequence[Sequence[Cell]]) -> list[Cell]:
    """Short rows as one: each piece's last cell continues on the next piece's first, after a line break."""
    joined: list[Cell] = list(pieces[0])
    for piece in pieces[1:]:
        if not joined or not piece:
            return []
        joined[-1] = f"{joined[-1]}\n{piece[0]}"
        joined.extend(piece[1:])
    return joined


def _is_date(cell: Cell) -> bool:
    """A date in either order of day and month: which one the file uses is decided after rows are joined."""
    return to_date(cell, False) is not None or to_date(cell, True) is not None


def _realign(
    row: Sequence[Cell],
    width: int,
    day_first: bool,
    *,
    company_first: bool,
    after_name: tuple[int, Callable[[Cell], bool]] | None = None,
) -> Sequence[Cell]:
    """Join the surplus cells of a too-long row into the column before the date, if the row ends in a date.

    ``after_name``: the column after the last name (the profile URL's, or in older layouts the e-mail's) and a
    test of what belongs in it (a profile link; an address or nothing). Such a cell found to the right of it puts
    the surplus before it: a comma in a name ("Abbas, PhD" unquoted), joined back into the last name. Joined
    before the date instead, the URL's column would hold " PhD", and "PhD" would be the id of everyone with the
    same credential: all but the first dropped as duplicates; without a URL column, the company would move into
    the position, the text the model reads.
    ``company_first``: the two columns before the date are Company and Position (LinkedIn's layout); a surplus
    that starts with a company's legal form ("Acme, Inc.", "Novák, s.r.o.") is then the company's own comma, and
    joined back into the company rather than leading the title that is embedded."""
    last = max(i for i, cell in enumerate(row) if str(cell).strip())
    if width < 2 or last < width or to_date(row[last], day_first) is None:
        return row
    at, belongs = after_name if after_name is not None else (0, _is_link)
    if 0 < at < width - 1 and not belongs(row[at]):
        found = next((i for i in range(at + 1, last - (width - 2 - at)) if belongs(row[i])), None)
        if found is not None:
            row = [*row[: at - 1], ",".join(str(cell) for cell in row[at - 1 : found]), *row[found:]]
            last -= found - at
            if last < width:
                return row
    if company_first and _LEGAL_FORM.fullmatch(str(row[width - 2]).strip()):
        company = f"{row[width - 3]},{row[width - 2]}"
        return [*row[: width - 3], company, ",".join(str(cell) for cell in row[width - 1 : last]), row[last]]
    joined = ",".join(str(cell) for cell in row[width - 2 : last])
    return [*row[: width - 2], joined, row[last]]


def _is_link(cell: Cell) -> bool:
    return _PROFILE in str(cell).casefold()


def _is_address_or_empty(cell: Cell) -> bool:
    text = str(cell).strip()
    return not text or "@" in text


def _padded(row: Sequence[Cell], width: int, keep: int, url_at: int | None) -> list[Cell]:
    """A row short of cells that ends in its date, as long as the header: the first ``keep`` cells where they are,
    the rest next to the date, the empty cells between; and a profile link that this moved off the URL's column
    (the e-mail's cell was the one left out) back in it."""
    padded = [*row[:keep], *[""] * (width - len(row)), *row[keep:]]
    if url_at is not None and url_at < width - 1 and not str(padded[url_at]).strip():
        link = next((i for i in range(keep, width - 1) if _is_link(padded[i])), None)
        if link is not None:
            padded[url_at], padded[link] = padded[link], ""
    return padded


def placeholder(cell: str, *, words: bool = True) -> bool:
    """Whether a cell says "nothing here" ("-", "--", "—", "...", "n/a", "None"): read as a title it would be
    embedded, scored and removed like a job, and every "-" would explain every other ("like '-' (no)"). Not
    question marks: "???" is a title lost to a code page (relevance.records.lost_letters), said as such.
    ``words``: "n/a", "none" and their like count too (a title's cell), not only cells without a letter."""
    if not cell:
        return False
    if cell[0].isalnum():  # nearly every cell: one test
        return words and len(cell) <= 4 and cell.casefold() in _PLACEHOLDER_WORDS
    return (words and cell.casefold() in _PLACEHOLDER_WORDS) or not any(ch.isalnum() or ch == "?" for ch in cell)


def _cell(row: Sequence[Cell], index: int) -> str:
    if index >= len(row):
        return ""
    value = row[index]
    if value.__class__ is str:  # every cell of a CSV: the fast path
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores numbers as floats: "2023.0" is nobody's company
    return str(value).strip()


def write_csv(
    path: str | os.PathLike[str],
    columns: Sequence[str],
    rows: Iterable[Mapping[str, object]],
    delimiter: str = ",",
    error: type[RelevanceError] = RelevanceError,
) -> None:
    """Write rows to `path` atomically: a crash or a full disk leaves the old file whole, never half a file.
    UTF-8 with a byte-order mark: Excel, double-clicked, otherwise reads it in the computer's own code page
    ("Zieliński" as "ZieliĹ„ski"); every reader of CSV worth the name skips the mark.

    Every text cell, the header included, goes through `relevance.cells.safe_cell`: no cell is a live formula
    when the file is opened in a spreadsheet. Keys of a row not in ``columns`` are left out. A path that cannot
    be written (read-only, full, a folder, under a file) raises ``error`` naming the path and the fix.
    """
    try:
        with atomic_write(path, "w", encoding="utf-8-sig", newline="") as out:
            write_rows(out, columns, rows, delimiter)
    except OSError as problem:
        raise cannot_write(path, problem, error) from None


def write_rows(
    out: IO[str], columns: Sequence[str], rows: Iterable[Mapping[str, object]], delimiter: str = ","
) -> None:
    """The CSV itself, header first, every cell spreadsheet-safe: the one writer behind ``write_csv`` and behind
    `relevance score --out -` (a pipe, so no byte-order mark there)."""
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([safe_value(column) for column in columns])
    for row in rows:
        writer.writerow(safe_values(row, columns))
