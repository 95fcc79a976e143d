"""Titles in languages the model was not trained on: told apart by their letters, never removed on its score."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from relevance.bundle import Bundle, load_bundle, save_bundle
from relevance.embedders.use import LANGUAGES as USE_LANGUAGES
from relevance.embedders.use import UseEmbedder
from relevance.language import letter_languages
from relevance.records import Connection
from relevance.score import score_connections
from relevance.scored_file import read_scored, write_scored
from relevance.summary import summarise_rows
from relevance.unread import reads_languages, unread, unread_languages, unread_reason
from tests.test_score import make_bundle, person, unit


@pytest.mark.parametrize(
    ("title", "languages"),
    [
        ("Obchodní ředitel", ("cs",)),
        ("náborový konzultant", ("cs", "sk")),
        ("Értékesítési vezető", ("hu",)),
        ("Kierownik sprzedaży", ("pl",)),
        ("Ελληνική εταιρεία", ("el",)),
    ],
)
def test_letters_name_the_languages_a_title_can_be_in(title: str, languages: tuple[str, ...]) -> None:
    assert letter_languages(title) == languages


def test_only_titles_whose_letters_rule_out_every_language_the_model_reads_are_unread() -> None:
    titles = [
        "Obchodní ředitel",  # Czech
        "Értékesítési vezető",  # Hungarian
        "Director comercial",  # plain a-z: the model's to judge
        "Kierownik sprzedaży",  # Polish: USE reads it
        "Vertriebsleiter für Österreich",  # German
        "Директор по продажам",  # Russian
        "Директор з продажу її",  # Ukrainian letters
        "",  # no title
    ]
    connections = [Connection(id=str(i), position=t) for i, t in enumerate(titles)]
    assert unread(connections, USE_LANGUAGES).tolist() == [True, True, False, False, False, False, True, False]
    assert not unread(connections, ()).any()  # a model that names no languages reads every title as embedded
    assert reads_languages(UseEmbedder()) == USE_LANGUAGES and reads_languages(object()) == frozenset()
    reason = unread_reason(connections[0], "use-multilingual-v3", USE_LANGUAGES)
    assert reason == "title in Czech (by its letters), which use-multilingual-v3 was not trained on: yours to judge"


@pytest.mark.parametrize(
    ("title", "languages"),
    [
        ("Obchodní ředitel ve Škoda Auto", ("cs",)),  # the languages every unread word allows
        ("Értékesítési vezető | umělecký ředitel", ("hu", "cs")),  # else any of them
        ("toolpusher at Ørsted", ()),  # the employer is not the title
        ("Kierownik sprzedaży w Škoda", ()),  # a word only Polish writes: the model reads it
        ("Lead Gärtnerin | operador de línea", ()),  # every word could be in a language it reads
        ("Senior Sales Manager", ()),
        ("Kadrlar bo'limi boshlig'i", ("uz",)),  # Uzbek's telling letters span the apostrophe: the whole title
        ("Chicago'da satış müdürü", ()),  # Turkish
    ],
)
def test_a_title_is_judged_word_by_word(title: str, languages: tuple[str, ...]) -> None:
    assert unread_languages(title, USE_LANGUAGES) == languages


def reading(bundle: Bundle, languages: frozenset[str]) -> Bundle:
    bundle.card = replace(bundle.card, reads_languages=tuple(sorted(languages)))
    return bundle


def test_a_title_the_model_cannot_read_goes_to_review_with_the_reason_not_to_remove(tmp_path) -> None:  # type: ignore[no-untyped-def]
    connections = [
        person("cs", "Obchodní ředitel"),
        person("en", "Backend Developer"),
        person("cs-keep", "Obchodní ředitel pro Evropu"),
    ]
    vectors = np.stack([unit(-0.8), unit(-0.8), unit(0.8)])
    bundle = reading(make_bundle(), USE_LANGUAGES)
    rows = {r.connection.id: r for r in score_connections(connections, vectors, bundle)}
    assert rows["en"].suggestion == "remove" and rows["cs-keep"].suggestion == "keep"
    assert rows["cs"].suggestion == "review" and rows["cs"].score == rows["en"].score
    assert rows["cs"].why.startswith("title in Czech (by its letters)") and rows["cs"].source == "unread"
    # Counted and said, in the terminal and the report alike, and read back from scored.csv as what it was.
    summary = summarise_rows(list(rows.values()), bundle.card)
    assert summary.unread == 1 and summary.unread_sentence() in summary.lines()
    write_scored(list(rows.values()), tmp_path / "scored.csv")
    back = {r.connection.id: r for r in read_scored(tmp_path / "scored.csv")}
    assert back["cs"].source == "unread" and back["en"].source == "model"
    # Without the languages on its card (a model that reads every language), the same row is removed.
    plain = {r.connection.id: r for r in score_connections(connections, vectors, make_bundle())}
    assert plain["cs"].suggestion == "remove"
    # The card keeps the languages through saving and loading.
    save_bundle(bundle, tmp_path / "model.npz")
    assert load_bundle(tmp_path / "model.npz").card.reads_languages == tuple(sorted(USE_LANGUAGES))


def test_the_threshold_and_its_estimate_are_about_the_rows_the_model_may_remove() -> None:
    from relevance.linear import network_mean
    from relevance.training import fit_bundle
    from tests.fakes import HashEmbedder
    from tests.test_model import synthetic

    X, y = synthetic(600, 2.0)
    chosen, rest = np.arange(120), np.arange(120, 600)
    removable = np.arange(len(rest)) % 4 != 0  # a quarter in a language the model does not read

    def fit(mask: np.ndarray | None) -> Bundle:
        ids = [f"id{i}" for i in chosen]
        return fit_bundle(X[chosen], y[chosen], network_mean(X), embedder=HashEmbedder(), ids=ids, texts=ids,
                          population=X[rest], removable=mask)  # fmt: skip

    everyone, some = fit(None).card, fit(removable).card
    assert everyone.thresholds.rows == len(rest) and some.thresholds.rows == int(removable.sum())
    # The non-audience among the rows it may not remove is missed: more of it is left for the person.
    assert some.metrics["missed"].value > everyone.metrics["missed"].value


def test_a_kazakh_title_is_kazakh_and_not_left_to_a_model_never_trained_on_kazakh() -> None:
    assert letter_languages("Сату жөніндегі менеджер") == ("kk",)
    assert "ru" in letter_languages("Бухгалтер")  # plain Cyrillic: USE reads it as Russian
