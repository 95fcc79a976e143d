"""Connection ids: the same person gets the same id in every spelling and every re-export."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from relevance.identity import connection_id, normalise_url

SAME_PERSON = [
    "https://pl.linkedin.com/in/old%C5%99ich-x/?trk=y",
    "https://www.linkedin.com/in/OLDŘICH-x/",
    "http://linkedin.com/in/oldřich-x",
    "www.linkedin.com/in/oldřich-x#experience",
    "https://m.linkedin.com/in/old%c5%99ich-x",
    "  https://cz.linkedin.com/in/oldřich-x  ",
    unicodedata.normalize("NFD", "https://www.linkedin.com/in/oldřich-x"),
]


@pytest.mark.parametrize("url", SAME_PERSON)
def test_url_spellings_normalise_to_one_id(url: str) -> None:
    assert normalise_url(url) == "linkedin.com/in/oldřich-x"
    assert connection_id(url, "Any", "Name", None) == "linkedin.com/in/oldřich-x"


def test_empty_url() -> None:
    assert normalise_url("") == normalise_url("   ") == ""


def test_a_question_mark_without_a_key_is_a_lost_letter_not_a_query() -> None:
    assert normalise_url("https://www.linkedin.com/in/ji?í-?erný-1a") == "linkedin.com/in/ji?í-?erný-1a"
    assert normalise_url("https://www.linkedin.com/in/ji?í-?erný-1a/?trk=x&y=1") == "linkedin.com/in/ji?í-?erný-1a"
    assert normalise_url("https://www.linkedin.com/in/?ukasz") != normalise_url("https://www.linkedin.com/in/?ena")


def test_different_slugs_differ() -> None:
    assert normalise_url("https://www.linkedin.com/in/jane-doe-1") != normalise_url(
        "https://www.linkedin.com/in/jane-doe-2"
    )


def test_no_url_id_is_name_and_day() -> None:
    day = date(2023, 1, 4)
    anna = connection_id("", "Anna", "Kowalska", day)
    assert anna.startswith("nourl:")
    assert connection_id("", " anna ", "KOWALSKA", day) == anna  # spacing and case do not matter
    assert connection_id("", unicodedata.normalize("NFD", "Ánna"), "Kowalska", day) == connection_id(
        "", "Ánna", "Kowalska", day
    )
    assert connection_id("", "Anna", "Kowalska", date(2023, 1, 5)) != anna
    assert connection_id("", "Anna", "Kowalski", day) != anna
    assert connection_id("", "Anna", "Kowalska", None) != anna


def test_no_url_id_is_fixed_across_versions() -> None:
    # Labels are stored by id: changing the hash would orphan every label a user has given.
    assert connection_id("", "Jane", "Doe", date(2023, 1, 4)) == "nourl:" + _expected_hash("jane\x1fdoe\x1f2023-01-04")


def _expected_hash(key: str) -> str:
    import hashlib

    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
