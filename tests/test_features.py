"""Signals beside the title (relevance.features): legal forms, never names, saved featurizers, the switch, `why`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from relevance.bundle import load_bundle, save_bundle
from relevance.features import SIGNALS, TITLE_ONLY, Featurizer, build, company_key, legal_form, parse_signals
from relevance.language_offsets import title_languages
from relevance.linear import network_mean
from relevance.pipeline import build_pipeline
from relevance.records import Connection
from relevance.score import score_connections
from relevance.training import fit_bundle
from tests.fakes import HashEmbedder, fake_vectors


@pytest.mark.parametrize(
    ("company", "form", "country"),
    [
        ("Kestrel Global Services Sp. z o.o.", "Sp. z o.o.", "PL"),
        ("Pixelgrid s.r.o.", "s.r.o./a.s.", "CZ"),
        ("Stavomont a.s.", "s.r.o./a.s.", "CZ"),
        ("ООО «Техносервис»", "ООО/АО", "RU"),
        ("Acme GmbH & Co. KG", "GmbH", "DE"),
        ("Siemens AG", "AG", "DE"),
        ("Lumen SARL", "SARL/SAS", "FR"),
        ("Iberia Datos S.L.", "S.L./S.A.U.", "ES"),
        ("Cantaria S.A.U.", "S.L./S.A.U.", "ES"),
        ("Acme, Inc.", "Inc./LLC", "US"),
        ("Orbit Ltd", "Ltd", "GB"),
        ("Cantaria Logística S.A.", "S.A.", ""),  # Spain, Poland, France...: no country
    ],
)
def test_legal_form_names_the_country(company: str, form: str, country: str) -> None:
    assert legal_form(company) == (form, country)


def test_words_that_only_look_like_forms_are_not_forms() -> None:
    assert legal_form("Spa Resort") is None
    assert legal_form("AG Partners") is None
    assert legal_form("Google") is None
    assert company_key("ACME Sp. z o.o.") == company_key("Acme") == "acme"


def network(n: int = 120) -> list[Connection]:
    """Sellers and developers, half writing in Polish and half in English, at Polish and German employers."""
    titles = [
        ("Kierownik ds. sprzedaży", "Kestrel Sp. z o.o.", "Warsaw, Poland"),
        ("Sales Manager", "Orbit GmbH", "Berlin, Germany"),
        ("Programista Java", "Codeharbor Sp. z o.o.", "Kraków, Poland"),
        ("Java Developer", "Orbit GmbH", "Munich, Germany"),
    ]
    return [
        Connection(
            id=f"p{i}",
            first_name=f"Name{i}",
            last_name=f"Surname{i}",
            position=titles[i % 4][0],
            company=titles[i % 4][1],
            location=titles[i % 4][2],
            industry="Software" if (i // 4) % 2 else "Retail",
        )
        for i in range(n)
    ]


def polish_audience(connections: list[Connection]) -> np.ndarray:
    """The audience is defined by language: Polish titles, whatever the job."""
    return np.array([c.position in ("Kierownik ds. sprzedaży", "Programista Java") for c in connections])


def fit(connections: list[Connection], signals: tuple[str, ...] = SIGNALS, *, noise: bool = True):
    vectors = fake_vectors(connections)
    if noise:  # titles alike in meaning look alike to a multilingual model: blur the language out of them
        vectors = np.repeat(vectors[:1], len(vectors), axis=0) + 0.01 * np.random.default_rng(0).normal(
            size=vectors.shape
        ).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    built = build(connections, vectors, signals)
    y = polish_audience(connections)
    bundle = fit_bundle(
        vectors,
        y,
        network_mean(vectors),
        embedder=HashEmbedder(),
        ids=[c.id for c in connections],
        texts=[c.position for c in connections],
        featurizer=built.featurizer,
        block=built.block,
    )
    return bundle, vectors


def test_the_featurizer_reads_what_and_where_never_who() -> None:
    connections = network(8)
    featurizer = Featurizer().fit(connections)
    assert featurizer.used_ == SIGNALS
    anonymous = [replace(c, first_name="", last_name="", email="", url="") for c in connections]
    renamed = [replace(c, first_name="Мария", last_name="Nowak-Müller", email="x@y.z") for c in connections]
    assert np.array_equal(featurizer.block(connections), featurizer.block(anonymous))
    assert np.array_equal(featurizer.block(connections), featurizer.block(renamed))
    names_only = [Connection(id=c.id, first_name=c.first_name, last_name=c.last_name) for c in connections]
    assert not Featurizer().fit(names_only).width


def test_languages_given_by_the_caller_are_the_ones_it_would_detect() -> None:
    """`relevance train` detects the titles' languages once and hands them to the featurizer: the same columns
    and block as when it detects them itself, and a wrong count is refused rather than misaligned."""
    connections = network(8)
    languages = title_languages(connections)
    detected = Featurizer().fit(connections)
    given = Featurizer().fit(connections, languages)
    assert given.columns_ == detected.columns_
    assert np.array_equal(given.block(connections, languages), detected.block(connections))
    with pytest.raises(ValueError, match="one language per connection"):
        detected.block(connections, languages[:-1])


def test_changing_names_leaves_scores_identical() -> None:
    connections = network()
    bundle, vectors = fit(connections)
    renamed = [replace(c, first_name="Zofia", last_name="Wiśniewska") for c in connections]
    one = {r.connection.id: r.score for r in score_connections(connections, vectors, bundle, answers={})}
    two = {r.connection.id: r.score for r in score_connections(renamed, vectors, bundle, answers={})}
    assert one == two


def test_a_saved_bundle_featurises_a_new_export_the_same_way(tmp_path: Path) -> None:
    bundle, _ = fit(network())
    assert bundle.signals != TITLE_ONLY  # the labels asked for the language
    assert list(bundle.card.signals_used) == list(bundle.signals)
    save_bundle(bundle, tmp_path / "m.npz")
    loaded = load_bundle(tmp_path / "m.npz")
    new = [replace(c, id=f"new{i}") for i, c in enumerate(network(20))][::-1]
    vectors = fake_vectors(new)
    assert np.array_equal(bundle.probabilities(vectors, new), loaded.probabilities(vectors, new))
    with pytest.raises(ValueError, match="pass the connections"):
        loaded.probabilities(vectors)


def test_title_only_is_the_old_model() -> None:
    connections = network()
    vectors = fake_vectors(connections)
    y = polish_audience(connections)
    built = build(connections, vectors, TITLE_ONLY)
    assert built.X is not None and np.array_equal(built.X, vectors) and built.block.shape == (len(vectors), 0)
    bundle = fit_bundle(
        vectors,
        y,
        network_mean(vectors),
        embedder=HashEmbedder(),
        ids=[c.id for c in connections],
        texts=[c.position for c in connections],
        featurizer=built.featurizer,
        block=built.block,
    )
    old = build_pipeline(network_mean(vectors)).fit(vectors, y)
    assert bundle.signals == TITLE_ONLY
    assert np.allclose(bundle.model.decision_function(vectors), old.decision_function(vectors))
    assert np.array_equal(bundle.probabilities(vectors), bundle.probabilities(vectors, connections))


def test_why_names_the_signal_that_drives_a_suggestion() -> None:
    bundle, vectors = fit(network())
    new = [replace(c, id=f"new-{c.id}") for c in network(4)]  # not among the answers: the model decides
    rows = {r.connection.id: r for r in score_connections(new, vectors[:4], bundle, answers={})}
    # new-p1: an English-speaking seller, outside a Polish-speaking audience
    assert rows["new-p1"].why.startswith(("title in English", "employer's legal form", "based in", "works at"))
    assert "lowers its score; like '" in rows["new-p1"].why
    assert "raises its score" in rows["new-p0"].why


def test_parse_signals() -> None:
    assert parse_signals("all") == SIGNALS
    assert parse_signals("language, title") == ("title", "language")
    with pytest.raises(ValueError, match="must include 'title'"):
        parse_signals("language")
    with pytest.raises(ValueError, match="unknown signal 'name'"):
        parse_signals("title,name")


def test_the_report_shows_the_audience_share_by_language_and_location() -> None:
    from relevance.report import build_report
    from relevance.score import ScoredRow

    rows = [
        ScoredRow(Connection(id="a", position="Kierownik ds. sprzedaży", location="Warsaw, Poland"), 0.9, "keep", ""),
        ScoredRow(Connection(id="b", position="Główna księgowa", location="Kraków, Poland"), 0.3, "review", ""),
        ScoredRow(Connection(id="c", position="Руководитель отдела продаж"), 0.1, "remove", "", False, "label"),
    ]
    data = build_report(rows)
    shares = {s.name: (s.connections, round(s.audience, 2)) for s in data.by_language}
    assert shares == {"Polish": (2, 0.6), "Russian": (1, 0.0)}
    assert [(s.name, s.connections) for s in data.by_location] == [("Poland", 2)]
    assert not build_report(rows[2:]).by_location  # no location in the export: no table
