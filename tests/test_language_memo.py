"""Detected languages remembered on disk: the same answers as detecting, no titles in the file, and a damaged
or missing cache costs a detection, never a failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import relevance.language
from relevance import language_memo
from relevance.language import detect_many

TITLES = ["Obchodní ředitel", "Kierownik sprzedaży", "Sales Manager", "Начальник отдела продаж", "Manager", ""]


def new_process() -> None:
    """Forget what this process detected and read, as a new command would."""
    language_memo._read.clear()
    relevance.language.best_guess.cache_clear()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RELEVANCE_CACHE", str(tmp_path))
    new_process()
    return tmp_path


def test_a_new_process_reads_the_detections_instead_of_detecting_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = detect_many(TITLES * 2)
    new_process()
    monkeypatch.setattr(relevance.language, "_guess", lambda text: pytest.fail(f"detected {text!r} again"))
    assert detect_many(TITLES * 2) == first
    assert [d.language for d in first[:3]] == ["cs", "pl", "en"]


def test_a_program_that_ran_with_another_threshold_leaves_no_trace(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A benchmark lowered MIN_CONFIDENCE to 0 and detected the sample's titles: the file then held languages for
    # titles the tool calls unknown, and the demo's every later run read them (its labelling path changed).
    unsure = "Elektryk"  # the detector's best guess, Polish, is below MIN_CONFIDENCE
    assert relevance.language.best_guess(unsure).language == "pl"
    assert relevance.language.best_guess(unsure).confidence < relevance.language.MIN_CONFIDENCE
    monkeypatch.setattr(relevance.language, "MIN_CONFIDENCE", 0.0)
    assert detect_many([unsure])[0].language == "pl"
    monkeypatch.undo()
    monkeypatch.setenv("RELEVANCE_CACHE", str(cache))
    new_process()
    assert detect_many([unsure])[0].language == relevance.language.UNKNOWN


def test_the_file_holds_no_title_and_a_damaged_one_is_detected_again(cache: Path) -> None:
    first = detect_many(TITLES)
    path = language_memo.memo_path()
    assert path is not None and path.parent == cache / "languages"
    content = path.read_text(encoding="utf-8")
    assert not any(title and title in content for title in TITLES)
    path.write_text('{"x": [1, 2]', encoding="utf-8")  # cut short
    new_process()
    assert detect_many(TITLES) == first
    new_process()
    assert language_memo.recall(TITLES).keys() == set(TITLES)  # written whole again


def test_off_means_nothing_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEVANCE_CACHE", "off")
    new_process()
    assert language_memo.memo_path() is None
    assert [d.language for d in detect_many(TITLES[:2])] == ["cs", "pl"]
    assert not any(tmp_path.iterdir())


def test_what_another_command_did_to_the_file_counts(cache: Path) -> None:
    """Cleared by `relevance cache clear` meanwhile: not written back. Added to by another command: kept."""
    detect_many(TITLES[:2])
    path = language_memo.memo_path()
    assert path is not None
    path.unlink()  # cleared while this process still holds what it read
    detect_many(TITLES[2:3])
    assert set(language_memo.recall(TITLES)) == {TITLES[2]}
    data = json.loads(path.read_text(encoding="utf-8"))
    data["0" * 32] = ["en", "Latin", 1.0]  # another command's title, written after this process read the file
    path.write_text(json.dumps(data), encoding="utf-8")
    detect_many(TITLES[3:4])
    assert "0" * 32 in json.loads(path.read_text(encoding="utf-8"))
    new_process()
    assert set(language_memo.recall(TITLES)) == {TITLES[2], TITLES[3]}


def test_a_title_python_cannot_encode_is_detected_and_remembered(cache: Path) -> None:
    lone = "Sales \ud800 Manager"  # a lone surrogate, as a damaged file can leave
    first = detect_many([lone])
    new_process()
    assert {text: relevance.language.decided(d) for text, d in language_memo.recall([lone]).items()} == {lone: first[0]}
