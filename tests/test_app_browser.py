"""`relevance app` in a real browser: headless Chromium (tests/cdp.py) on the app's own address.

Keys label, the removal buttons write the right answers, a reload keeps progress, hostile text stays text, no
console errors and no request leaves the app. Screenshots of each step go to tests/artifacts/app-*.png.
Skipped when Chromium is not installed (`make test` installs it).
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp import Chromium, find_chromium
from fakes import HashEmbedder
from report_data import HOSTILE

import relevance.embed
from relevance.app.server import AppServer
from relevance.app.state import AppState
from relevance.io import read_export
from relevance.labels import append_rows, label_row, load_labels

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed (apt-get install -y chromium)"),
]
ARTIFACTS = Path(__file__).parent / "artifacts"
AUDIENCE = ["Head of Sales", "Sales Director", "Sales Trainer", "Account Executive", "Sales Manager"]
OTHERS = ["Nurse", "Teacher", "Java Developer", "Civil Engineer", "Pharmacist", "Pilot", "Chef"]
READY = "document.body.dataset.ready === 'yes'"
IMG = '<img src=x onerror="window.pwned=2">'


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with Chromium(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relevance.embed, "load_embedder", lambda name=None: HashEmbedder())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AppServer]:
    """The app on a small network whose first card (queued in labels.csv) is a hostile one."""
    export = tmp_path / "Connections.csv"
    titles = [*AUDIENCE, *OTHERS]
    with export.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        writer.writerow([HOSTILE, IMG, "javascript:window.pwned=3", "", IMG, HOSTILE, "01 Mar 2024"])
        for i in range(120):
            url = f"https://www.linkedin.com/in/ann-test-{i}"
            writer.writerow([f"Ann{i}", "Test", url, "", "Acme", titles[(i * 7) % len(titles)], "01 Mar 2024"])
    labels = load_labels(tmp_path / "labels.csv")
    append_rows(labels, [label_row(read_export(export).connections[0])])  # queued: asked first
    state = AppState.open(export, labels.path, tmp_path / "models" / "relevance.npz", cache=None)
    app = AppServer(state)
    thread = threading.Thread(target=app.serve_forever, daemon=True)
    thread.start()
    yield app
    app.shutdown()
    app.server_close()


def open_app(browser: Chromium, server: AppServer, step: str = "label") -> None:
    browser.errors.clear()
    browser.requests.clear()
    browser.open(f"{server.url}#{step}")
    browser.wait_until(READY)


def press(browser: Chromium, key: str) -> None:
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", {"type": kind, "key": key, "text": key if kind == "keyDown" else ""})


def assert_clean(browser: Chromium, server: AppServer) -> None:
    assert browser.errors == []
    assert [url for url in browser.requests if not url.startswith((server.origin + "/", "data:"))] == []
    assert browser.evaluate("window.pwned === undefined")


def answered(browser: Chromium) -> str:
    return str(browser.evaluate("document.getElementById('label-status').textContent"))


def test_keys_label_and_a_reload_keeps_progress(browser: Chromium, server: AppServer) -> None:
    open_app(browser, server)
    assert browser.evaluate("location.search") == ""  # the token left the address bar for a cookie
    # The hostile connection is shown as text, its javascript: link replaced by a LinkedIn search.
    assert browser.evaluate("document.getElementById('card-name').textContent") == f"{HOSTILE} {IMG}"
    fields = browser.evaluate("Array.from(document.querySelectorAll('#card-fields dd')).map(d => d.textContent)")
    assert HOSTILE in fields and IMG in fields
    assert browser.evaluate("document.querySelector('#card-fields a').href").startswith(
        "https://www.linkedin.com/search/"
    )
    assert browser.evaluate("document.querySelectorAll('#card img, #card script').length") == 0
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / "app-label.png")
    hostile = browser.evaluate("document.body.dataset.card")
    press(browser, "y")
    browser.wait_until("document.getElementById('label-status').textContent.startsWith('1 answered')")
    second = browser.evaluate("document.body.dataset.card")
    assert browser.evaluate("document.getElementById('saved').textContent").startswith("Saved ✓ yes")
    press(browser, "n")
    browser.wait_until("document.getElementById('label-status').textContent.startsWith('2 answered')")
    press(browser, "s")
    browser.wait_until("document.getElementById('saved').textContent.startsWith('Skipped')")
    assert load_labels(server.state.labels.path).answers == {hostile: True, second: False}
    browser.reload()
    browser.wait_until(READY)
    assert answered(browser).startswith("2 answered (1 yes · 1 no)")
    assert browser.evaluate("document.body.dataset.card") not in (hostile, second)
    assert_clean(browser, server)


def test_training_and_the_removal_buttons(browser: Chromium, server: AppServer) -> None:
    state = server.state
    for _ in range(40):  # a person's first answers, given earlier
        card = state.label_view()["card"]
        state.answer(card["id"], card["position"] in AUDIENCE)
    open_app(browser, server, "train")
    browser.evaluate("document.getElementById('train-button').click()")
    browser.wait_until("document.body.dataset.training === 'running' || document.body.dataset.training === 'done'")
    # The page stays usable while it trains: a key labels meanwhile.
    browser.evaluate("location.hash = 'label'")
    before = answered(browser)
    press(browser, "n")
    browser.wait_until(f"document.getElementById('label-status').textContent !== {before!r}")
    browser.evaluate("location.hash = 'train'")
    browser.wait_until("document.body.dataset.training === 'done'", timeout=120)
    assert "ROC-AUC" in browser.evaluate("document.getElementById('train-lines').textContent")
    browser.screenshot(ARTIFACTS / "app-train.png")

    browser.evaluate("location.hash = 'remove'")
    browser.wait_until("document.querySelectorAll('#removals tbody tr').length > 1")
    rows = browser.evaluate("Array.from(document.querySelectorAll('#removals tbody tr')).map(tr => tr.dataset.id)")
    links = browser.evaluate(
        "Array.from(document.querySelectorAll('#removals tbody a')).map(a => [a.target, a.rel, a.protocol])"
    )
    assert links and all(link == ["_blank", "noopener noreferrer", "https:"] for link in links)
    first, second = rows[0], rows[1]
    browser.evaluate("document.querySelector('#removals tbody tr:nth-child(1) button.removed').click()")
    browser.wait_until(f"document.querySelector('tr[data-id=\"{first}\"]').className === 'removed'")
    browser.evaluate("document.querySelector('#removals tbody tr:nth-child(2) button.kept').click()")
    browser.wait_until(f"document.querySelector('tr[data-id=\"{second}\"]').className === 'kept'")
    labels = load_labels(server.state.labels.path)
    assert labels.answers[first] is False and labels.answers[second] is True
    last = {row["id"]: row["picked"] for row in labels.rows}
    assert last[first] == "removed" and last[second] == "kept"
    browser.screenshot(ARTIFACTS / "app-remove.png")
    browser.reload()
    browser.wait_until(READY)
    browser.wait_until(f"document.querySelector('tr[data-id=\"{first}\"]')?.className === 'removed'")
    assert browser.evaluate(f"document.querySelector('tr[data-id=\"{second}\"]').className") == "kept"
    assert browser.evaluate("document.getElementById('remove-progress').textContent").startswith("2 of ")
    assert_clean(browser, server)


def test_the_report_opens_from_the_app(browser: Chromium, server: AppServer) -> None:
    state = server.state
    for _ in range(40):
        card = state.label_view()["card"]
        state.answer(card["id"], card["position"] in AUDIENCE)
    state.start_training()
    thread = next(t for t in threading.enumerate() if t.name == "relevance-train")
    thread.join(120)
    assert state.training.state == "done", state.training.message
    open_app(browser, server, "remove")
    browser.errors.clear()
    browser.open(f"{server.origin}/report")
    browser.wait_until("document.body.dataset.plots === 'ready'", timeout=60)
    assert browser.errors == []
    assert [url for url in browser.requests if not url.startswith((server.origin + "/", "data:", "blob:"))] == []
