"""Detected languages remembered on disk: the same answers as detecting, no titles in the file, and a damaged
or missing cache costs a detection, never a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

import relevance.language
from relevance import language_memo
from relevance.language import detect_many

TITLES = ["Obchodní ředitel", "Kierownik sprzedaży", "Sales Manager", "Начальник отдела продаж", "Manager", ""]


def new_process() -> None:
    """Forget what this process detected and read, as a new command would."""
    language_memo._read.clear()
    relevance.language.detect.cache_clear()


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
    monkeypatch.setattr(relevance.language, "_detect", lambda text: pytest.fail(f"detected {text!r} again"))
    assert detect_many(TITLES * 2) == first
    assert [d.language for d in first[:3]] == ["cs", "pl", "en"]


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
