"""Parse the many ways exports write the day a connection was made."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

# Month names and abbreviations by language, January first: an export opened and saved in a spreadsheet set to
# the person's own language writes them ("15-ene-21", "04-Mai-22", "4. května 2022"). No name means two months.
MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
           "sep sept september", "oct october", "nov november", "dec december"),
    "de": ("jan jän januar jänner", "feb februar", "mär märz mrz", "apr april", "mai", "jun juni", "jul juli",
           "aug august", "sep sept september", "okt oktober", "nov november", "dez dezember"),
    "fr": ("janv janvier", "févr fevr février fevrier", "mars", "avr avril", "mai", "juin", "juil juillet",
           "août aout", "sept septembre", "oct octobre", "nov novembre", "déc dec décembre decembre"),
    "es": ("ene enero", "feb febrero", "mar marzo", "abr abril", "may mayo", "jun junio", "jul julio",
           "ago agosto", "sep sept set septiembre setiembre", "oct octubre", "nov noviembre", "dic diciembre"),
    "pt": ("jan janeiro", "fev fevereiro", "mar março marco", "abr abril", "mai maio", "jun junho", "jul julho",
           "ago agosto", "set setembro", "out outubro", "nov novembro", "dez dezembro"),
    "it": ("gen gennaio", "feb febbraio", "mar marzo", "apr aprile", "mag maggio", "giu giugno", "lug luglio",
           "ago agosto", "set settembre", "ott ottobre", "nov novembre", "dic dicembre"),
    "nl": ("jan januari", "feb februari", "mrt maart", "apr april", "mei", "jun juni", "jul juli",
           "aug augustus", "sep september", "okt oktober", "nov november", "dec december"),
    "pl": ("sty styczeń stycznia", "lut luty lutego", "mar marzec marca", "kwi kwiecień kwietnia", "maj maja",
           "cze czerwiec czerwca", "lip lipiec lipca", "sie sierpień sierpnia", "wrz wrzesień września",
           "paź październik października", "lis listopad listopada", "gru grudzień grudnia"),
    "cs": ("led leden ledna", "úno únor února", "bře březen března", "dub duben dubna", "kvě květen května",
           "čvn červen června", "čvc červenec července", "srp srpen srpna", "zář září", "říj říjen října",
           "lis listopad listopadu", "pro prosinec prosince"),
    "ru": ("янв январь января", "фев февр февраль февраля", "мар март марта", "апр апрель апреля", "май мая",
           "июн июнь июня", "июл июль июля", "авг август августа", "сен сент сентябрь сентября",
           "окт октябрь октября", "ноя нояб ноябрь ноября", "дек декабрь декабря"),
}  # fmt: skip
_MONTHS = {
    name: number
    for months in MONTH_NAMES.values()
    for number, names in enumerate(months, start=1)
    for name in names.split()
}

# 04 Jan 2023 · 04-May-22 · 30-oct-09 · 4 January 2023 · 4. Mai 2022 · 15-ene-21
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.?[ \-./] ?([^\W\d_]{3,11})\.?[ \-./,]+(\d{4}|\d{2})(?!\d)")
# Jan 4, 2023
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]{3,11})\.? (\d{1,2}),? (\d{4})")
# 2023-01-04, 2023-01-04T10:00:00Z, 2023/01/04
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
# 16.09.2021, 4. 5. 2022 (European day first)
_DOTTED = re.compile(r"(\d{1,2})\. ?(\d{1,2})\. ?(\d{4}|\d{2})(?!\d)")
# 1/8/18, 6:14 PM (LinkedIn's 2018 archive: US month first) · 04-01-2023 (Excel in Denmark, the Netherlands,
# India: day first). Two-digit years with slashes only: 24-03-15 is as often year first.
_NUMERIC = re.compile(r"(\d{1,2})(?:(/)(\d{1,2})/(\d{4}|\d{2})|(-)(\d{1,2})-(\d{4}))(?!\d)")


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years: LinkedIn started in 2003, so anything but the future is 20xx.
        year += 2000 if year <= date.today().year % 100 else 1900
    return year


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def parse_date(text: str, day_first: bool = False) -> date | None:
    """The date in `text`, or None when it is empty or in no format seen in real exports.

    `day_first` reads `04/01/2023` or `04-01-2023` as 4 January (Excel in a European locale) instead of April 1
    (LinkedIn's US-formatted 2018 archive); `numeric_day_first` tells which a file uses. Cached: a network of
    30,000 connections has a few thousand distinct days at most.
    """
    text = text.strip()
    if not text:
        return None
    if match := _ISO.match(text):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _DAY_MONTH_YEAR.match(text):
        month = _MONTHS.get(match[2].casefold())
        return _make(_year(match[3]), month, int(match[1])) if month else None
    if match := _MONTH_DAY_YEAR.match(text):
        month = _MONTHS.get(match[1].casefold())
        return _make(int(match[3]), month, int(match[2])) if month else None
    if match := _DOTTED.match(text):
        return _make(_year(match[3]), int(match[2]), int(match[1]))
    if numbers := _numeric(text):
        first, second, year = numbers[0], numbers[1], _year(numbers[2])
        if day_first:
            first, second = second, first
        # Month first as LinkedIn's US-formatted archive writes it, unless that cannot be a date.
        return _make(year, first, second) or _make(year, second, first)
    return None


def numeric_day_first(values: Iterable[object]) -> bool:
    """Whether a file's `a/b/yyyy` or `a-b-yyyy` dates put the day first: some `a` is above 12 and no `b` is.

    One file comes from one locale, so a single `16/09/2021` settles how `04/01/2023` reads. With nothing to
    settle it, slashes read month first (LinkedIn's own 2018 archive) and dashes day first (month-first dates with
    dashes are rare; Danish, Dutch and Indian spreadsheets write `04-01-2023` for 4 January), unless slashes are
    there too: a US file where one date was typed by hand stays month first.
    """
    day_first = month_first = dashes = slashes = False
    for value in values:
        if isinstance(value, str) and (numbers := _numeric(value.strip())):
            month_first = month_first or numbers[1] > 12
            day_first = day_first or numbers[0] > 12
            dashes, slashes = dashes or numbers[3] == "-", slashes or numbers[3] == "/"
    return not month_first and (day_first or (dashes and not slashes))


def _numeric(text: str) -> tuple[int, int, str, str] | None:
    """(first number, second number, the year as written, the separator) of `a/b/yyyy` or `a-b-yyyy`."""
    match = _NUMERIC.match(text)
    if match is None:
        return None
    if match[2]:
        return int(match[1]), int(match[3]), match[4], "/"
    return int(match[1]), int(match[6]), match[7], "-"


def to_date(value: object, day_first: bool = False) -> date | None:
    """A date from a CSV string or an Excel cell (which may already hold a datetime)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        return None
    return parse_date(str(value), day_first)


def shown_day(day: date | None) -> str:
    """A day as every screen of relevance shows it, "25 Nov 2026" (as LinkedIn's export writes it; ISO only in
    the files relevance writes), or "" for none."""
    return f"{day:%d %b %Y}" if day else ""
