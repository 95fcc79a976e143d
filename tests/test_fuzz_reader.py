"""Mutated exports and labels files: the readers return a result or raise RelevanceError, never anything else.

A seeded loop, so a failure reproduces: each case takes a fixture from tests/data (or a workbook, an archive,
a labels file made here), damages it one way (flip, insert or delete bytes, truncate, re-encode, add a
hostile cell) and reads it. Damaged zip bytes rarely get past the zip layer, so workbooks and archives are also
damaged inside: one member (a worksheet's XML, the shared strings, the CSV in the archive) is changed and the
zip rebuilt sound, which takes the damage to openpyxl and the CSV reader.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from relevance import Export, read_export
from relevance.errors import RelevanceError
from relevance.labels import Labels, load_labels

DATA = Path(__file__).parent / "data"
CASES = 300
ZIP_CASES = 150  # each, workbooks and archives
# Cell text of the seeds that an error message must never quote (messages get pasted into bug reports).
PERSONAL = ("linkedin.com/in/", "Acme")
LABELS = (
    "id,label,first_name,last_name,company,position,headline,picked\r\n"
    "linkedin.com/in/ada,yes,Ada,One,Acme,'=CTO,,random\r\n"
    'linkedin.com/in/ben,no,Ben,Two,"Chef, ""Sol""",Cook,,\r\n'
    "nourl:ana|b|2023-01-04,,Ana,B,,,Head,check\r\n"
)


def _workbook() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["First Name", "Last Name", "URL", "Company", "Position", "Connected On"])
    sheet.append(["Ada", "One", "https://www.linkedin.com/in/ada", "Acme", "CTO", "04 Jan 2023"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("Connections.csv", (DATA / "linkedin_current.csv").read_bytes())
    return buffer.getvalue()


def _seeds(reader: Callable[[Path], object]) -> list[bytes]:
    if reader is load_labels:  # mostly labels files, a few exports: mutations of a labels file get furthest
        variants = [
            LABELS.encode(),
            LABELS.replace(",", ";").encode(),
            LABELS.encode("utf-16"),
            LABELS.encode("cp1252"),
        ]
        return variants * 3 + [(DATA / "linkedin_current.csv").read_bytes(), b""]
    files = sorted(path for path in DATA.iterdir() if path.is_file() and path.stat().st_size < 20_000)
    return [path.read_bytes() for path in files] + [_workbook(), _archive()]


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _insert(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    piece = rng.choice([b'"', b"\x00", b"\r", b"\n", b",", b";", b"\xff\xfe", b"=1+2", b"\x1b[2J", b"\xed\xa0\x80"])
    return data[:at] + piece * rng.randint(1, 3) + data[at:]


def _delete(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[at + rng.randint(1, 50) :]


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _reencode(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("latin-1")
    codec = rng.choice(["utf-16", "utf-16-le", "utf-32", "utf-32-be", "cp1252"])
    encoded = text.encode(codec, errors="replace")
    return encoded[: rng.choice([len(encoded), len(encoded) - 1, len(encoded) // 2])]


def _xml(data: bytes, rng: random.Random) -> bytes:
    """A change a damaged or hand-made workbook has: an element gone or repeated, a cell's type or reference or a
    shared-string index that does not fit, a hostile text."""
    elements = list(re.finditer(rb"<(c|row|si|sheet|dimension)\b[^>]*?(?:/>|>.*?</\1>)", data, re.DOTALL))
    if not elements:
        return _flip(data, rng)
    element = rng.choice(elements)
    text = element.group()
    change = rng.choice(["drop", "repeat", "type", "reference", "index", "text"])
    if change == "drop":
        text = b""
    elif change == "repeat":
        text *= rng.randint(2, 4)
    elif change == "type":
        text = re.sub(rb't="\w*"', b't="' + rng.choice([b"s", b"n", b"b", b"e", b"d", b"str", b"x"]) + b'"', text)
    elif change == "reference":
        far = rng.choice([b"XFD1048576", b"A0", b"ZZZZ1", b"A99999999", b""])
        text = re.sub(rb'(r|ref)="[^"]*"', rb'\1="' + far + b'"', text, count=1)
    elif change == "index":
        text = re.sub(rb"<v>[^<]*</v>", b"<v>" + rng.choice([b"99999", b"-1", b"1e9", b"x", b""]) + b"</v>", text)
    else:
        text = re.sub(rb"<t([^>]*)>[^<]*</t>", rb'<t\1>=HYPERLINK("x")&#27;[2J&lt;script&gt;</t>', text)
    return data[: element.start()] + text + data[element.end() :]


def _inside(data: bytes, rng: random.Random) -> bytes:
    """The zip ``data`` rebuilt sound around one damaged member."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    name = rng.choice([n for n in members if n.endswith((".xml", ".csv"))])
    for _ in range(rng.randint(1, 2)):
        mutate = _xml if name.endswith(".xml") and rng.random() < 0.6 else rng.choice(MUTATIONS)
        members[name] = mutate(members[name], rng)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member, content in members.items():
            target.writestr(member, content)
    return out.getvalue()


MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [_flip, _insert, _delete, _truncate, _reencode]


def _read(reader: Callable[[Path], object], path: Path, case: int, outcomes: Counter[str]) -> None:
    """Read one case: a result or a one-line RelevanceError, counted; anything else fails the test."""
    try:
        result = reader(path)
    except RelevanceError as error:
        assert "\n" not in str(error) and str(error).isprintable(), (case, str(error))
        assert not any(text in str(error) for text in PERSONAL), (case, str(error))
        outcomes["refused"] += 1
    except Exception as error:  # pragma: no cover - what this test exists to catch
        raise AssertionError(f"case {case}: {type(error).__name__}: {error}") from error
    else:
        assert isinstance(result, Export | Labels)
        outcomes["read"] += 1


@pytest.mark.parametrize("reader", [read_export, load_labels], ids=["read_export", "load_labels"])
def test_mutated_files_give_a_result_or_a_relevance_error(tmp_path: Path, reader: Callable[[Path], object]) -> None:
    rng = random.Random(15)
    seeds = _seeds(reader)
    outcomes: Counter[str] = Counter()
    for case in range(CASES):
        data = seeds[case % len(seeds)]
        for _ in range(rng.randint(1, 3)):
            data = rng.choice(MUTATIONS)(data, rng)
        path = tmp_path / f"case{case}.csv"
        path.write_bytes(data)
        _read(reader, path, case, outcomes)
    assert outcomes["read"] > CASES / 10 and outcomes["refused"] > CASES / 20, outcomes


# openpyxl warns about some of the damage it meets and reads on; what matters here is the outcome
@pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")
@pytest.mark.parametrize("seed", [_workbook, _archive], ids=["xlsx", "zip"])
def test_workbooks_and_archives_damaged_inside_give_a_result_or_a_relevance_error(
    tmp_path: Path, seed: Callable[[], bytes]
) -> None:
    rng = random.Random(15)
    data = seed()
    outcomes: Counter[str] = Counter()
    for case in range(ZIP_CASES):
        path = tmp_path / f"case{case}.xlsx"
        path.write_bytes(_inside(data, rng))
        _read(read_export, path, case, outcomes)
    assert outcomes["read"] > ZIP_CASES / 10 and outcomes["refused"] > ZIP_CASES / 10, outcomes
