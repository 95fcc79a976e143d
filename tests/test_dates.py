"""Every way a real export writes the day a connection was made."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from relevance.dates import MONTH_NAMES, numeric_day_first, parse_date, to_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04 Jan 2023", date(2023, 1, 4)),  # LinkedIn, every year since 2021
        ("17 Feb 2021", date(2021, 2, 17)),
        ("4 January 2023", date(2023, 1, 4)),
        ("1/8/18, 6:14 PM", date(2018, 1, 8)),  # 2018 archive: US month first
        ("12/24/17, 9:02 AM", date(2017, 12, 24)),
        ("24/12/2017", date(2017, 12, 24)),  # month first cannot be: day first
        ("04-May-22", date(2022, 5, 4)),
        ("30-oct-09", date(2009, 10, 30)),
        ("16.09.2021", date(2021, 9, 16)),  # European day first
        ("2023-01-04", date(2023, 1, 4)),
        ("2023-05-17T09:30:00.000Z", date(2023, 5, 17)),
        ("2021-03-04 10:15:00", date(2021, 3, 4)),
        ("2023/01/04", date(2023, 1, 4)),
        ("Jan 4, 2023", date(2023, 1, 4)),
        ("Sept 30 2020", date(2020, 9, 30)),
        ("  04 Jan 2023 ", date(2023, 1, 4)),
    ],
)
def test_formats_seen_in_real_exports(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "some day in spring", "31 Feb 2023", "13/13/2020", "04 Foo 2023", "2023-13-01", "yesterday"]
)
def test_unreadable_is_none(text: str) -> None:
    assert parse_date(text) is None


def test_two_digit_years_are_this_century_unless_in_the_future() -> None:
    future = (date.today().year + 1) % 100
    assert parse_date("01-Jan-09") == date(2009, 1, 1)
    assert parse_date(f"01-Jan-{future:02d}") == date(1900 + future, 1, 1)


def test_day_first() -> None:
    assert parse_date("04/01/2023") == date(2023, 4, 1)
    assert parse_date("04/01/2023", day_first=True) == date(2023, 1, 4)
    assert parse_date("12/24/2017", day_first=True) == date(2017, 12, 24)  # impossible either way round: the other


def test_numeric_day_first_reads_the_whole_column() -> None:
    assert numeric_day_first(["04/01/2023", "16/09/2021"])
    assert not numeric_day_first(["04/01/2023", "03/02/2020"])  # no evidence: LinkedIn's US order
    assert not numeric_day_first(["1/8/18, 6:14 PM", "12/24/17, 9:02 AM"])
    assert not numeric_day_first(["16/09/2021", "12/24/17"])  # contradictory: keep the default
    assert not numeric_day_first(["04 Jan 2023", datetime(2023, 1, 4), None, "16.09.2021"])


def test_dashed_numbers_read_day_first_unless_the_file_shows_otherwise() -> None:
    # Excel in Denmark, the Netherlands or India: 04-01-2023 is 4 January
    assert numeric_day_first(["04-01-2023", "17-02-2021"])
    assert numeric_day_first(["04-01-2023", "03-02-2020"])  # no evidence either way: day first, unlike slashes
    assert not numeric_day_first(["04-01-2023", "12-24-2017"])  # a month-first file after all
    assert parse_date("04-01-2023", day_first=True) == date(2023, 1, 4)
    assert parse_date("30-10-2009") == date(2009, 10, 30)  # month first cannot be: day first
    # a US file with one date typed with dashes stays month first
    assert not numeric_day_first(["1/8/18, 6:14 PM", "3/4/18, 9:00 AM", "2-5-2018"])
    assert parse_date("24-03-15") is None  # two-digit years with dashes: as often year first; not guessed


def test_to_date_takes_excel_cells() -> None:
    assert to_date(datetime(2023, 1, 4, 18, 14)) == date(2023, 1, 4)
    assert to_date(date(2023, 1, 4)) == date(2023, 1, 4)
    assert to_date(None) is None
    assert to_date("04 Jan 2023") == date(2023, 1, 4)
    assert to_date(44930.0) is None  # a bare serial number is not guessed at


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15-ene-21", date(2021, 1, 15)),  # Excel set to Spanish
        ("22-ago-20", date(2020, 8, 22)),
        ("09-dic-18", date(2018, 12, 9)),
        ("04-Mai-22", date(2022, 5, 4)),  # German
        ("1 März 2021", date(2021, 3, 1)),
        ("1 févr. 2020", date(2020, 2, 1)),  # French
        ("15 marca 2021", date(2021, 3, 15)),  # Polish
        ("12 paź 2020", date(2020, 10, 12)),
        ("4. května 2022", date(2022, 5, 4)),  # Czech
        ("4. 5. 2022", date(2022, 5, 4)),
        ("4 мая 2022", date(2022, 5, 4)),  # Russian
        ("3 ott 2019", date(2019, 10, 3)),  # Italian
        ("7 mrt 2017", date(2017, 3, 7)),  # Dutch
    ],
)
def test_month_names_in_the_languages_spreadsheets_write_them(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_no_month_name_means_two_months() -> None:
    months: dict[str, int] = {}
    for names in MONTH_NAMES.values():
        assert len(names) == 12
        for number, spellings in enumerate(names, start=1):
            for name in spellings.split():
                assert months.setdefault(name, number) == number, name
    assert parse_date("15-foo-21") is None
