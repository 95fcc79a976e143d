"""The report in a real browser: headless Chromium opens it from file://, with no network.

Skipped when Chromium is not installed (CI installs it: apt-get install -y chromium). Screenshots of the full
report and of its map at a phone's width are kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cdp import Chromium, find_chromium
from report_data import HOSTILE, model_card, scored_rows, vectors_for

from relevance.records import Connection
from relevance.report import build_report, write_report
from relevance.score import ScoredRow

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed (apt-get install -y chromium)"),
]
ARTIFACTS = Path(__file__).parent / "artifacts"
PLOTS_DRAWN = "document.body.dataset.plots === 'ready' && document.body.dataset.checklist === 'ready'"
# Every plot placeholder holds a drawn plotly chart.
ALL_PLOTS_RENDERED = (
    "Array.from(document.querySelectorAll('div.plot')).map(d => d.id + ':' + !!d.querySelector('.main-svg'))"
)


# What a reader must be able to read in each chart, as a list of problems: every text inside its chart, every
# legend entry inside the legend and clear of the toolbar, and the legend, tick labels, axis titles and
# annotations clear of one another.
UNREADABLE = """
(function () {
  // What a reader must be able to read in each chart: every text inside the chart, every legend entry inside the
  // legend, and the legend, tick labels, axis titles and annotations clear of one another.
  const problems = [];
  const box = e => e.getBoundingClientRect();
  const within = (r, o) => r.left >= o.left - 1 && r.right <= o.right + 1 && r.top >= o.top - 1 && r.bottom <= o.bottom + 1;
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const div of document.querySelectorAll("div.plot")) {
    const frame = box(div);
    for (const t of div.querySelectorAll(".main-svg text")) {
      const r = box(t);
      if (t.textContent.trim() && r.width && !within(r, frame)) problems.push(div.id + ": '" + t.textContent + "' sticks out of the chart " + JSON.stringify([r.left, r.right, r.top, r.bottom, frame.left, frame.right, frame.top, frame.bottom]));
    }
    const parts = [];
    const legend = div.querySelector("g.legend");
    if (legend) {
      const bg = legend.querySelector("rect.bg");
      for (const item of legend.querySelectorAll("g.traces")) {
        if (!within(box(item), box(bg))) problems.push(div.id + ": legend entry '" + item.textContent + "' is cut off");
      }
      parts.push(["legend", "the legend", bg]);
      const bar = div.querySelector(".modebar-group");
      if (bar && getComputedStyle(bar).opacity !== "0") {
        for (const item of legend.querySelectorAll("g.traces")) {
          if (meet(box(item), box(div.querySelector(".modebar")))) problems.push(div.id + ": the toolbar covers legend entry '" + item.textContent + "'");
        }
      }
    }
    for (const [kind, selector] of [["x ticks", "g.xtick text"], ["y ticks", "g.ytick text"], ["y2 ticks", "g.y2tick text"],
        ["titles", "g.g-xtitle text, g.g-ytitle text, g.g-y2title text"], ["notes", "g.annotation"]]) {
      for (const e of div.querySelectorAll(selector)) parts.push([kind === "notes" || kind === "titles" ? kind + e.textContent : kind, e.textContent, e]);
    }
    parts.forEach(([kind, text, e], i) => parts.slice(i + 1).forEach(([other, otherText, o]) => {
      const a = box(e), b = box(o);
      // (the two axes' "0%" met in the corner of the quality charts: "0%0%")
      if (kind !== other && a.width && b.width && meet(a, b)) problems.push(div.id + ": '" + text + "' overlaps '" + otherText + "'");
    }));
    // a threshold's label beside its dashed line stands off it (one centred on its line is over it by design)
    for (const note of div.querySelectorAll("g.annotation")) {
      const r = box(note);
      for (const line of div.querySelectorAll("g.shapelayer path")) {
        const x = box(line).left;
        const gap = Math.min(Math.abs(r.left - x), Math.abs(r.right - x));
        if (r.width && gap < 2 && r.top < box(line).bottom) problems.push(div.id + ": '" + note.textContent + "' touches its line");
      }
    }
  }
  return problems;
})()
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    """One browser for the module; its profile directory keeps localStorage across reloads."""
    with Chromium(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def full_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hostile = Connection(id="hostile", url="javascript:window.pwned=3", first_name=HOSTILE, position=HOSTILE)
    rows = [ScoredRow(hostile, 0.01, "remove", HOSTILE), *scored_rows(500)]
    data = build_report(rows, vectors_for(rows), model_card(), source="scored <b>.csv")
    return write_report(data, tmp_path_factory.mktemp("report") / "report.html")


def open_report(browser: Chromium, path: Path) -> None:
    browser.errors.clear()
    browser.requests.clear()
    browser.open(path.as_uri())
    browser.wait_until(PLOTS_DRAWN, timeout=20)


def assert_clean(browser: Chromium) -> None:
    assert browser.errors == []
    assert [url for url in browser.requests if not url.startswith(("file:", "data:", "blob:"))] == []
    assert browser.evaluate("window.pwned === undefined")


def test_full_report_renders_every_plot_offline(browser: Chromium, full_report: Path) -> None:
    open_report(browser, full_report)
    plots = browser.evaluate(ALL_PLOTS_RENDERED)
    assert plots == [
        f"{p}:true"
        for p in ("plot-map", "plot-scores", "plot-roc", "plot-pr", "plot-calibration", "plot-groups", "plot-time")
    ]
    # Drawn with WebGL, not plotly's "WebGL is not supported" notice (which still leaves a .main-svg).
    assert browser.evaluate("document.getElementById('plot-map').data.every(t => t.type === 'scattergl')")
    assert browser.evaluate("document.querySelector('#plot-map canvas') !== null")
    assert browser.evaluate("document.querySelector('.no-webgl') === null")
    # the audience share's axis reads in round steps (a helper saw 14%, 28%, 41%...)
    shares = browser.evaluate("[...document.querySelectorAll('#plot-time .y2tick text')].map((t) => t.textContent)")
    assert shares == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert_clean(browser)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / "report.png")


@pytest.mark.parametrize("width", [420, 360])
def test_every_chart_reads_on_a_phone(browser: Chromium, full_report: Path, width: int) -> None:
    """At a phone's width the legends wrap onto several rows: nothing may be cut off or cover an axis (the map's
    legend was clipped at 420 px, the time chart's covered its years)."""
    size = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    browser.call("Emulation.setDeviceMetricsOverride", size)
    try:
        open_report(browser, full_report)
        assert browser.evaluate(UNREADABLE) == []
        assert browser.evaluate("document.querySelectorAll('#plot-map g.legend g.traces').length") == 4
        ARTIFACTS.mkdir(exist_ok=True)
        browser.evaluate("document.getElementById('map').scrollIntoView()")
        browser.screenshot(ARTIFACTS / f"report-map-{width}px.png", full_page=False)
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert_clean(browser)


# Table cells a phone's width squeezed: a number split over lines, or a checklist reason a few letters wide.
SQUEEZED = """[...document.querySelectorAll('td.n, th')].filter((cell) => {
    if (!cell.offsetParent || cell.textContent.trim().includes(' ')) return false;  // a word or number alone
    const text = document.createRange();
    text.selectNodeContents(cell);
    return text.getClientRects().length > 1;  // one box per line: a number or a header word split over lines
  }).map((cell) => cell.textContent)
  .concat([...document.querySelectorAll('details.batch td.why')].filter((td) => td.offsetWidth < 150)
  .map((td) => 'why ' + td.offsetWidth))"""


@pytest.mark.parametrize("width", [400, 1300])
def test_tables_keep_numbers_whole_and_reasons_readable_on_a_phone(
    browser: Chromium, full_report: Path, width: int
) -> None:
    """A helper's report at 400 px: counts split '3 / 8', headers 'connection / s', and the checklist's reasons one
    letter a line, each row 2,000 px tall. The checklist now scrolls sideways instead."""
    browser.call(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        open_report(browser, full_report)
        browser.wait_until("document.querySelector('details.batch td.why') !== null")
        assert browser.evaluate(SQUEEZED) == []
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert_clean(browser)


def test_a_headline_with_no_space_in_it_does_not_widen_the_page(browser: Chromium, tmp_path: Path) -> None:
    """The most common title among removals was 223 characters of "#Sales#Marketing#..." with no space: its column
    took the page to 2,197 px in a 1,280 px window (a 5,000-character one to 44,730 px)."""
    tags = "".join(f"#Tag{i}Marketing" for i in range(60))
    rows = scored_rows(300, hostile=False)
    rows = [
        ScoredRow(replace(row.connection, position=tags, headline=""), row.score, row.suggestion, row.why)
        if row.suggestion == "remove"
        else row
        for row in rows
    ]
    path = write_report(build_report(rows, vectors_for(rows), model_card()), tmp_path / "report.html")
    size = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    browser.call("Emulation.setDeviceMetricsOverride", size)
    try:
        open_report(browser, path)
        assert browser.evaluate(f"document.body.innerHTML.includes('{tags}')")  # whole, in the page
        assert browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert_clean(browser)


def test_hostile_text_is_shown_as_text(browser: Chromium, full_report: Path) -> None:
    open_report(browser, full_report)
    first = "document.querySelector('#batches tr[data-id=\"hostile\"]')"
    assert browser.evaluate(f"{first}.cells[2].textContent") == HOSTILE
    assert browser.evaluate(f"{first}.querySelector('a').href").startswith("https://www.linkedin.com/search/")
    assert browser.evaluate("document.title") == "Your network — scored <b>.csv"
    hover = browser.evaluate(
        "document.getElementById('plot-map').data.flatMap(t => t.text).find(t => t.includes('pwned'))"
    )
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1" in hover  # plotly's markup shows it as text
    assert_clean(browser)


def test_checklist_links_open_in_a_new_tab(browser: Chromium, full_report: Path) -> None:
    open_report(browser, full_report)
    links = browser.evaluate(
        "Array.from(document.querySelectorAll('#batches a')).map(a => [a.target, a.rel, a.protocol])"
    )
    assert len(links) == 50 and all(link == ["_blank", "noopener noreferrer", "https:"] for link in links)


def test_ticks_survive_a_reload(browser: Chromium, full_report: Path) -> None:
    open_report(browser, full_report)
    browser.evaluate("localStorage.clear(); location.reload()")
    browser.wait_for_event("Page.loadEventFired")
    browser.wait_until(PLOTS_DRAWN)
    total = browser.evaluate("document.querySelectorAll('#batches details').length")
    ticked = browser.evaluate(
        "Array.from(document.querySelectorAll('#batches input[type=checkbox]')).slice(0, 3)"
        ".map(box => { box.click(); return box.closest('tr').dataset.id; })"
    )
    assert browser.evaluate("document.getElementById('done-count').textContent") == "3"
    left = browser.evaluate("document.getElementById('left-count').textContent")
    browser.reload()
    browser.wait_until(PLOTS_DRAWN)
    checked = browser.evaluate(
        "Array.from(document.querySelectorAll('#batches input:checked')).map(box => box.closest('tr').dataset.id)"
    )
    assert checked == ticked
    assert browser.evaluate("document.getElementById('done-count').textContent") == "3"
    assert browser.evaluate("document.getElementById('left-count').textContent") == left
    assert browser.evaluate("document.querySelector('#batches summary').textContent").endswith("3 of 50 done")
    assert total > 1
    # Unticking is remembered too.
    browser.evaluate("document.querySelector('#batches input:checked').click()")
    browser.reload()
    browser.wait_until(PLOTS_DRAWN)
    assert browser.evaluate("document.getElementById('done-count').textContent") == "2"
    assert_clean(browser)


def test_ticks_carry_over_to_the_report_of_the_next_export_but_not_to_another_persons(
    browser: Chromium, tmp_path: Path
) -> None:
    from dataclasses import replace

    def report(rows: list[ScoredRow], name: str) -> Path:
        return write_report(build_report(rows, vectors_for(rows), model_card()), tmp_path / name / "report.html")

    def ticked() -> list[str]:
        return browser.evaluate(
            "Array.from(document.querySelectorAll('#batches input:checked')).map(box => box.closest('tr').dataset.id)"
        )

    rows = scored_rows(300, hostile=False)
    first = report(rows, "march")
    open_report(browser, first)
    browser.evaluate("localStorage.clear(); location.reload()")
    browser.wait_for_event("Page.loadEventFired")
    browser.wait_until(PLOTS_DRAWN)
    done = browser.evaluate(
        "Array.from(document.querySelectorAll('#batches input[type=checkbox]')).slice(0, 4)"
        ".map(box => { box.click(); return box.closest('tr').dataset.id; })"
    )
    # a month later: three of the four ticked gone (removed before the export was asked for), 20 new connections
    gone = set(done[:3])
    later = [row for row in rows if row.connection.id not in gone] + [
        replace(row, connection=replace(row.connection, id=f"new-{i}")) for i, row in enumerate(rows[-20:])
    ]
    open_report(browser, report(later, "april"))
    assert ticked() == done[3:]
    assert browser.evaluate("document.getElementById('carried').textContent") == (
        "1 tick carried over from the report of an earlier export of your network."
    )
    # carried once: a tick taken off here stays off
    browser.evaluate("document.querySelector('#batches input:checked').click()")
    browser.reload()
    browser.wait_until(PLOTS_DRAWN)
    assert ticked() == [] and browser.evaluate("document.getElementById('carried').hidden")
    browser.evaluate("document.querySelector('#batches input[type=checkbox]').click()")  # ticked again here
    # another person's network on this computer, sharing a few people with this one: nothing carried over
    shared = [row for row in later if row.suggestion == "remove"][:3]
    theirs = shared + [replace(row, connection=replace(row.connection, id=f"theirs-{i}")) for i, row in enumerate(rows)]
    open_report(browser, report(theirs, "theirs"))
    assert ticked() == [] and browser.evaluate("document.getElementById('carried').hidden")
    assert_clean(browser)


@pytest.mark.parametrize("broken", ["no WebGL at all", "WebGL plotly cannot use"])
def test_map_without_webgl_falls_back_to_svg(browser: Chromium, tmp_path: Path, broken: str) -> None:
    rows = scored_rows(60)
    path = write_report(build_report(rows, vectors_for(rows)), tmp_path / "no-webgl.html")
    script = None
    if broken == "no WebGL at all":
        no_webgl = "HTMLCanvasElement.prototype.getContext = function () { return null; };"
        script = browser.call("Page.addScriptToEvaluateOnNewDocument", {"source": no_webgl})["identifier"]
    else:  # plotly's WebGL code compiles functions at run time: forbid that, and it gives up on WebGL
        path.write_text(path.read_text(encoding="utf-8").replace(" 'unsafe-eval'", ""), encoding="utf-8")
    try:
        open_report(browser, path)
    finally:
        if script:
            browser.call("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script})
    assert browser.evaluate("document.getElementById('plot-map').data.every(t => t.type === 'scatter')")
    assert browser.evaluate("document.querySelectorAll('#plot-map .scatterlayer .point').length") > 0
    assert browser.evaluate("document.querySelector('.no-webgl') === null")
    assert_clean(browser)


def test_tiny_network_with_no_labels_vectors_or_model(browser: Chromium, tmp_path: Path) -> None:
    data = build_report(scored_rows(10, labels=False, hostile=False))
    open_report(browser, write_report(data, tmp_path / "tiny.html"))
    assert browser.evaluate(ALL_PLOTS_RENDERED) == ["plot-scores:true", "plot-time:true"]
    assert "No map" in browser.evaluate("document.body.innerText")
    assert_clean(browser)
