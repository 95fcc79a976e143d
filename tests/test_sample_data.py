"""Checks on the bundled sample network, using only the stdlib csv module (not relevance's own reader)."""

from __future__ import annotations

import csv
import importlib.util
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "relevance" / "data" / "sample"
CONNECTIONS = SAMPLE / "Connections.csv"
ANSWERS = SAMPLE / "answers.csv"
ESCO = REPO.parent / "shared" / "data" / "esco_titles.tsv"
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}


def read_lines() -> list[str]:
    """The export split into lines (no trailing newline to worry about)."""
    return CONNECTIONS.read_bytes().decode("utf-8").split("\n")


def read_rows() -> list[dict[str, str]]:
    """Data rows of Connections.csv, found after the header line."""
    lines = read_lines()
    start = lines.index(",".join(HEADER))
    return list(csv.DictReader(lines[start:]))


def read_answers() -> dict[str, str]:
    """url -> label from answers.csv."""
    with ANSWERS.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["url", "label"]
        return {r["url"]: r["label"] for r in reader}


def is_ghost(row: dict[str, str]) -> bool:
    """A hidden member: nothing but the connection date."""
    return not any(v for k, v in row.items() if k != "Connected On")


def test_preamble_and_header() -> None:
    lines = read_lines()
    assert lines[0] == "Notes:"
    assert lines[1].startswith('"When exporting your connection data') and lines[1].endswith('"')
    assert lines[2] == ""
    assert lines[3] == ",".join(HEADER)


def test_encoding_and_file_end() -> None:
    data = CONNECTIONS.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert not data.endswith(b"\n")
    assert b"\r" not in data


def test_row_count_ghosts_and_empty_positions() -> None:
    rows = read_rows()
    assert 1900 <= len(rows) <= 2100
    assert all(len(r) == len(HEADER) and None not in r for r in rows)
    ghosts = sum(is_ghost(r) for r in rows)
    assert 0.02 <= ghosts / len(rows) <= 0.03
    empty = sum(not r["Position"] and not is_ghost(r) for r in rows)
    assert 0.02 <= empty / len(rows) <= 0.04
    assert all(r["Company"] for r in rows if not r["Position"] and not is_ghost(r))


def test_dates_are_linkedin_style() -> None:
    years = []
    for r in read_rows():
        day, month, year = r["Connected On"].split(" ")
        assert len(day) == 2 and month in MONTHS and len(year) == 4
        years.append(int(year))
    assert min(years) == 2012 and max(years) == 2026
    assert sum(y >= 2020 for y in years) > sum(y < 2020 for y in years)  # recent growth


def test_urls_unique_and_linkedin_shaped() -> None:
    urls = [r["URL"] for r in read_rows() if not is_ghost(r)]
    assert len(urls) == len(set(urls))
    assert all(u.startswith("https://www.linkedin.com/in/") and u.isascii() for u in urls)
    assert any("%" in u for u in urls)


def test_emails_almost_always_empty() -> None:
    rows = read_rows()
    emails = [r["Email Address"] for r in rows if r["Email Address"]]
    assert len(emails) / len(rows) < 0.03
    assert all(e.split("@")[1] in {"example.com", "example.org", "example.net"} for e in emails)


def test_answer_key_covers_every_non_ghost_url() -> None:
    rows = read_rows()
    answers = read_answers()
    urls = [r["URL"] for r in rows if not is_ghost(r)]
    assert set(answers) == set(urls)
    assert set(answers.values()) == {"yes", "no"}
    share = sum(v == "yes" for v in answers.values()) / len(answers)
    assert 0.15 <= share <= 0.25


def test_several_scripts_and_noise() -> None:
    rows = read_rows()
    text = " ".join(r["First Name"] + " " + r["Last Name"] + " " + r["Position"] for r in rows)
    scripts = {unicodedata.name(c).split()[0] for c in text if c.isalpha()}
    assert {"LATIN", "CYRILLIC"} <= scripts
    positions = [r["Position"] for r in rows]
    assert any("," in p for p in positions)
    assert any(" | " in p for p in positions)
    assert any(" @ " in p for p in positions)
    assert any(p.endswith(" ") for p in positions)
    assert any('"' in r["Company"] for r in rows)  # "" escaping is exercised
    assert any(", PhD" in r["Last Name"] for r in rows)


def load_generator() -> ModuleType:
    """Import scripts/make_sample.py without making scripts/ a package."""
    spec = importlib.util.spec_from_file_location("make_sample", REPO / "scripts" / "make_sample.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not ESCO.is_file(), reason="needs ../shared/data/esco_titles.tsv")
def test_generator_reproduces_committed_files(tmp_path: Path) -> None:
    generator = load_generator()
    assert generator.main(["--esco", str(ESCO), "--out-dir", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "Connections.csv").read_bytes() == CONNECTIONS.read_bytes()
    assert (tmp_path / "answers.csv").read_bytes() == ANSWERS.read_bytes()
