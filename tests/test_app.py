"""`relevance app` over HTTP: the guards (loopback Host, token, same origin, JSON), answers on disk before the
page hears "saved", two windows at once, a killed server. The embedder is the fast fake (tests/fakes.py)."""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fakes import HashEmbedder, as_from_a_terminal, stop_app

import relevance.embed
import relevance.errors
from relevance.app.server import AppServer
from relevance.app.state import AppState
from relevance.errors import LabelsError
from relevance.labels import load_labels

FAKE_CLI = Path(__file__).parent / "fake_cli.py"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
AUDIENCE = ["Head of Sales", "Sales Director", "Sales Trainer", "Account Executive", "Sales Manager"]
OTHERS = ["Nurse", "Teacher", "Java Developer", "Civil Engineer", "Pharmacist", "Pilot", "Chef"]


def write_export(path: Path, count: int = 120) -> Path:
    titles = [*AUDIENCE, *OTHERS]
    lines = [HEADER] + [
        f"Ann{i},Test,https://www.linkedin.com/in/ann-test-{i},,Acme,{titles[(i * 7) % len(titles)]},01 Mar 2024"
        for i in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def audience(position: str) -> bool:
    return position in AUDIENCE


@pytest.fixture(autouse=True)
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relevance.embed, "load_embedder", lambda name=None: HashEmbedder())


class Client:
    """Speaks to the app as its page does (cookie, own origin, JSON), or as anything else when told to."""

    def __init__(self, server: AppServer) -> None:
        self.server, self.port = server, server.port
        self.cookie = f"{server.cookie}={server.token}"
        self.origin = server.origin

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, *, page: bool = True
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}"}
        if page:
            sent |= {"Cookie": self.cookie, "Origin": self.origin, "Content-Type": "application/json"}
        sent |= headers or {}
        data = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        result = response.status, dict(response.getheaders()), response.read()
        connection.close()
        return result

    def get(self, path: str) -> Any:
        status, _, body = self.request("GET", path)
        assert status == 200, body
        return json.loads(body)

    def post(self, path: str, body: Any) -> Any:
        status, _, data = self.request("POST", path, body)
        assert status == 200, data
        return json.loads(data)


def serve(state: AppState) -> Iterator[Client]:
    server = AppServer(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Client(server)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "Connections.csv")


@pytest.fixture
def client(export: Path, tmp_path: Path) -> Iterator[Client]:
    state = AppState.open(export, tmp_path / "labels.csv", tmp_path / "models" / "relevance.npz", cache=None)
    yield from serve(state)


def label_rows(path: Path) -> list[dict[str, str]]:
    return load_labels(path).rows


# ----- the guards


def test_the_server_listens_on_loopback_only(client: Client) -> None:
    assert client.server.server_address[0] == "127.0.0.1"


def test_no_token_is_refused(client: Client) -> None:
    for path in ("/", "/app.js", "/api/state", "/report"):
        status, _, _ = client.request("GET", path, page=False, headers={"Host": f"127.0.0.1:{client.port}"})
        assert status == 403, path
    status, _, _ = client.request("GET", "/api/state", headers={"Cookie": f"{client.server.cookie}=wrong"})
    assert status == 403


def test_the_token_in_the_address_becomes_an_http_only_strict_cookie(client: Client) -> None:
    status, headers, _ = client.request("GET", f"/?token={client.server.token}", page=False)
    assert status == 303 and headers["Location"] == "/"
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"{client.server.cookie}={client.server.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    status, headers, body = client.request("GET", "/", page=False, headers={"Cookie": cookie.split(";")[0]})
    assert status == 200 and b'<script src="/app.js"' in body
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "http" not in csp
    wrong = client.request("GET", "/?token=guess", page=False)[0]
    assert wrong == 403


def test_the_token_header_works_as_the_cookie_does(client: Client) -> None:
    status, _, _ = client.request("GET", "/api/state", page=False, headers={"X-Relevance-Token": client.server.token})
    assert status == 200


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "127.0.0.1:1", "localhost", "", "127.0.0.1.evil.example:{port}"]
)
def test_another_host_name_is_refused(client: Client, host: str) -> None:
    # DNS rebinding: a page at evil.example whose name now points at 127.0.0.1 sends its own Host.
    status, _, _ = client.request("GET", "/api/state", headers={"Host": host.format(port=client.port)})
    assert status == 421
    assert client.request("GET", "/api/state", headers={"Host": f"localhost:{client.port}"})[0] == 200


def test_a_change_from_another_origin_is_refused(client: Client) -> None:
    card = client.get("/api/state")["label"]["card"]
    body = {"id": card["id"], "answer": "yes"}
    evil = {"Origin": "http://evil.example"}
    assert client.request("POST", "/api/answer", body, evil)[0] == 403
    assert client.request("POST", "/api/answer", body, {"Origin": "null"})[0] == 403
    no_origin = {"Origin": "", "Referer": "http://evil.example/page"}
    assert client.request("POST", "/api/answer", body, no_origin)[0] == 403
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.request("POST", "/api/answer", body, form)[0] == 415
    assert client.request("POST", "/api/answer", body, {"Content-Type": "text/plain"})[0] == 415
    assert not (client.server.state.labels.path).exists()  # nothing was written
    referer = {"Origin": "", "Referer": f"{client.origin}/#label"}
    status, _, _ = client.request("POST", "/api/answer", body, referer)
    assert status == 200


def test_bad_requests_say_what_is_wrong(client: Client) -> None:
    assert client.request("POST", "/api/answer", {"id": "nobody", "answer": "yes"})[0] == 404
    status, _, body = client.request("POST", "/api/answer", {"id": "x", "answer": "maybe"})
    assert status == 400 and b"yes or no" in body
    assert client.request("POST", "/api/answer", [1, 2])[0] == 400
    assert client.request("GET", "/api/removals?batch=-3")[0] == 400
    assert client.request("GET", "/nothing")[0] == 404
    status, _, body = client.request("POST", "/api/train", {})
    assert status == 400 and b"needs at least 10 'yes' and 10 'no' answers; you have 0 yes" in body


# ----- nothing lost, nothing doubled


def test_an_answer_is_on_disk_before_the_page_hears_saved(client: Client) -> None:
    path = client.server.state.labels.path
    shown = client.get("/api/state")["label"]["card"]
    reply = client.post("/api/answer", {"id": shown["id"], "answer": "no"})
    assert reply["saved"] is True
    assert [(r["id"], r["label"]) for r in label_rows(path)] == [(shown["id"], "no")]
    assert reply["label"]["card"]["id"] != shown["id"]
    assert reply["label"]["status"]["no"] == 1


def test_skip_and_undo_work_as_in_the_terminal(client: Client) -> None:
    first = client.get("/api/state")["label"]["card"]
    second = client.post("/api/answer", {"id": first["id"], "answer": "yes"})["label"]["card"]
    third = client.post("/api/skip", {"id": second["id"]})["label"]["card"]
    assert third["id"] not in (first["id"], second["id"])
    assert client.post("/api/undo", {})["label"]["card"]["id"] == second["id"]  # the skip
    again = client.post("/api/undo", {})["label"]
    assert again["card"]["id"] == first["id"] and again["status"]["yes"] == 0  # the answer, on disk too
    assert load_labels(client.server.state.labels.path).answers == {}


def test_two_windows_answering_the_same_card_record_one_answer(client: Client) -> None:
    shown = client.get("/api/state")["label"]["card"]
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: client.post("/api/answer", {"id": shown["id"], "answer": "yes"}), range(8)))
    assert all(r["saved"] for r in replies)
    rows = label_rows(client.server.state.labels.path)
    assert [(r["id"], r["label"]) for r in rows] == [(shown["id"], "yes")]
    # The other window changes its mind: the later answer is recorded, once, and it is the one that counts.
    client.post("/api/answer", {"id": shown["id"], "answer": "no"})
    client.post("/api/answer", {"id": shown["id"], "answer": "no"})
    labels = load_labels(client.server.state.labels.path)
    assert len(labels.rows) == 2 and labels.answers == {shown["id"]: False}
    assert client.get("/api/state")["label"]["status"] | {} == client.get("/api/state")["label"]["status"]


def test_two_windows_answering_as_fast_as_they_can_lose_and_double_nothing(client: Client) -> None:
    def window(_: int) -> list[str]:
        answered = []
        for _ in range(15):
            card = client.get("/api/state")["label"]["card"]
            client.post("/api/answer", {"id": card["id"], "answer": "yes" if audience(card["position"]) else "no"})
            answered.append(card["id"])
        return answered

    with ThreadPoolExecutor(2) as pool:
        given = [i for ids in pool.map(window, range(2)) for i in ids]
    labels = load_labels(client.server.state.labels.path)
    assert set(labels.answers) == set(given)
    assert len(labels.rows) == len(set(given))  # both windows saw the same card at times: written once
    status = client.get("/api/state")["label"]["status"]
    assert status["yes"] + status["no"] == len(set(given))


def test_replies_are_numbered_in_the_order_their_views_were_taken(client: Client) -> None:
    """The page shows a part of a reply only if no later-numbered one has shown there (replies can arrive in
    another order): so a later number must never show fewer answers, whichever request it answered."""
    seen: list[tuple[int, int]] = []  # (view, answers it counts)

    def window(_: int) -> None:
        for _ in range(12):
            state = client.get("/api/state")
            seen.append((state["view"], state["label"]["status"]["yes"] + state["label"]["status"]["no"]))
            card = state["label"]["card"]
            reply = client.post("/api/answer", {"id": card["id"], "answer": "no"})
            seen.append((reply["view"], reply["label"]["status"]["yes"] + reply["label"]["status"]["no"]))

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(window, range(3)))
    views = sorted(seen)
    assert len({view for view, _ in views}) == len(views)  # one number per view
    assert [answers for _, answers in views] == sorted(answers for _, answers in views)
    assert views[-1][1] == len(load_labels(client.server.state.labels.path).answers)


# ----- train and remove


def answer_until_trainable(client: Client, count: int = 40) -> None:
    for _ in range(count):
        card = client.get("/api/state")["label"]["card"]
        client.post("/api/answer", {"id": card["id"], "answer": "yes" if audience(card["position"]) else "no"})


def train(client: Client) -> dict[str, Any]:
    assert client.post("/api/train", {})["train"]["state"] == "running"
    deadline = time.monotonic() + 120
    while (state := client.get("/api/state"))["train"]["state"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert state["train"]["state"] == "done", state["train"]["message"]
    return state


@pytest.mark.slow  # a training: a process of its own
def test_training_runs_in_the_background_and_gives_a_removal_list(client: Client) -> None:
    answer_until_trainable(client)
    state = train(client)
    lines = " ".join(state["train"]["lines"])
    assert "ROC-AUC" in lines and "Suggestions:" in lines
    remove = state["remove"]
    assert remove["ready"] and remove["total"] > 0 and remove["batch_size"] == 50
    assert Path(client.server.state.model_path).exists()
    status, headers, body = client.request("GET", "/report")
    assert status == 200 and b"<html" in body
    assert headers["Content-Security-Policy"].startswith("sandbox allow-scripts")


@pytest.mark.slow  # a training: a process of its own
def test_removed_and_kept_are_answers_and_survive_a_restart(client: Client, export: Path) -> None:
    answer_until_trainable(client)
    train(client)
    rows = client.get("/api/removals?batch=0")["rows"]
    first, second = rows[0]["id"], rows[1]["id"]
    done = client.post("/api/removal", {"id": first, "action": "removed"})
    assert done["row"]["state"] == "removed" and done["progress"]["removed"] == 1
    client.post("/api/removal", {"id": second, "action": "kept"})
    client.post("/api/removal", {"id": second, "action": "kept"})  # a second click writes nothing more
    labels = load_labels(client.server.state.labels.path)
    assert labels.answers[first] is False and labels.answers[second] is True
    # One more row in the file for each click, no more.
    assert [r["picked"] for r in labels.rows if r["id"] == second][-1:] == ["kept"]
    assert sum(r["picked"] == "kept" for r in labels.rows) == 1
    assert labels.picked[second] == "kept"
    assert client.request("POST", "/api/removal", {"id": first, "action": "gone"})[0] == 400
    # A new app on the same files: the same list, the same progress.
    state = client.server.state
    again = AppState.open(export, state.labels.path, state.model_path, cache=None)
    progress = again.removal_view()
    by_id = {row["id"]: row["state"] for b in range(progress["batches"]) for row in again.removal_batch(b)["rows"]}
    assert by_id[first] == "removed" and by_id[second] == "kept"
    assert progress["removed"] == 1 and progress["kept"] == 1
    # where they were: first on the list, in the order the person acted on them (a fresh order put the removed, now
    # "no" answers, at its end: a first-time user found her morning's work in batch 39 of 41 after a restart)
    assert [row["id"] for row in again.removal_batch(0)["rows"][:2]] == [first, second]
    assert progress["first_open"] == 0
    again.close()


@pytest.mark.slow
def test_a_killed_server_loses_nothing(export: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"

    def start() -> tuple[subprocess.Popen[str], Client]:
        process = subprocess.Popen(
            [sys.executable, str(FAKE_CLI), "app", str(export), "--labels", str(labels), "--no-browser"],
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            # This checkout's relevance, whichever one the environment has installed.
            env=os.environ | {"COLUMNS": "200", "PYTHONPATH": str(FAKE_CLI.parent.parent), "PYTHONFAULTHANDLER": "1"},
            preexec_fn=as_from_a_terminal,
        )
        assert process.stderr is not None
        line = ""
        deadline = time.monotonic() + 60
        while "open http" not in line:
            assert time.monotonic() < deadline and process.poll() is None, line
            line = process.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
        assert found
        server = type("Server", (), {"port": int(found[1]), "token": found[2]})
        server.cookie = f"relevance-{found[1]}"
        server.origin = f"http://127.0.0.1:{found[1]}"
        return process, Client(server)  # type: ignore[arg-type]

    process, client = start()
    given = []
    for _ in range(5):
        card = client.get("/api/state")["label"]["card"]
        client.post("/api/answer", {"id": card["id"], "answer": "no"})
        given.append(card["id"])
    process.send_signal(signal.SIGKILL)
    process.wait()
    process, client = start()
    try:
        state = client.get("/api/state")["label"]
        assert state["status"]["no"] == 5 and state["card"]["id"] not in given
        assert load_labels(labels).answers == dict.fromkeys(given, False)
    finally:
        stop_app(process)


def test_a_damaged_model_does_not_stop_the_app(export: Path, tmp_path: Path) -> None:
    model = tmp_path / "models" / "relevance.npz"
    model.parent.mkdir()
    model.write_bytes(b"not a model")
    state = AppState.open(export, tmp_path / "labels.csv", model, cache=None)
    view = state.removal_view()
    assert view["ready"] is False and "cannot be used" in view["note"] and "Train (step 2" in view["note"]
    assert state.label_view()["card"] is not None


def other_people(export: str) -> str:
    """The same titles held by other people: another person's network."""
    return export.replace("ann-test-", "zed-other-").replace("\nAnn", "\nZed")


def test_another_networks_model_gives_no_removal_list_and_says_why(client: Client, tmp_path: Path) -> None:
    answer_until_trainable(client)
    train(client)
    theirs = tmp_path / "theirs" / "Connections.csv"
    theirs.parent.mkdir()
    theirs.write_text(other_people(write_export(tmp_path / "x.csv").read_text()))
    state = AppState.open(theirs, theirs.parent / "labels.csv", client.server.state.model_path, cache=None)
    view = state.removal_view()
    assert view["ready"] is False
    assert view["note"] == (
        "the model was trained on another network: none of the connections in Connections.csv were in the export it "
        "was trained on — train a model on this export (step 2, Train)"
    )


def test_another_networks_labels_file_stops_the_app(client: Client, tmp_path: Path) -> None:
    answer_until_trainable(client, 3)
    theirs = tmp_path / "theirs.csv"
    theirs.write_text(other_people(write_export(tmp_path / "x.csv").read_text()))
    with pytest.raises(LabelsError, match="the labels file belongs to another network"):
        AppState.open(theirs, client.server.state.labels.path, tmp_path / "m.npz", cache=None)


def test_the_app_says_which_model_reads_the_network_and_a_saved_model_keeps_it(export: Path, tmp_path: Path) -> None:
    heard: list[str] = []
    model = tmp_path / "models" / "relevance.npz"
    state = AppState.open(export, tmp_path / "labels.csv", model, cache=None, notify=heard.append)
    assert heard == ["Reading titles with e5-small-multilingual: the default; it reads about 100 languages."]
    assert state.snapshot()["reading"] == heard[0]
    serving = serve(state)
    client = next(serving)
    answer_until_trainable(client)
    train(client)
    serving.close()
    again: list[str] = []
    AppState.open(export, tmp_path / "labels.csv", model, cache=None, notify=again.append)
    assert again == heard  # the model card kept the reason: the same model reads the network again


def test_the_app_says_which_rows_reading_the_file_skipped(export: Path, tmp_path: Path) -> None:
    lines = export.read_text(encoding="utf-8").splitlines()
    doubled = tmp_path / "doubled.csv"
    doubled.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8")
    heard: list[str] = []
    AppState.open(doubled, tmp_path / "labels.csv", tmp_path / "m.npz", cache=None, notify=heard.append)
    assert heard[0] == (
        f"In {doubled}: 1 row skipped: a profile listed again (its first row is read). "
        "`relevance inspect` describes the file."
    )


# ----- the training runs in a process of its own


def wait_for_training(state: AppState, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while state.training.state == "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return state.train_view()


def trained_state(export: Path, tmp_path: Path, **options: Any) -> AppState:
    """An app whose first training (from 40 answers) has finished."""
    state = AppState.open(export, tmp_path / "labels.csv", tmp_path / "models" / "relevance.npz", cache=None, **options)
    for _ in range(40):
        card = state.label_view()["card"]
        state.answer(card["id"], audience(card["position"]))
    state.start_training()
    assert wait_for_training(state)["state"] == "done"
    return state


def thread_niceness(pid: int) -> set[int]:
    """The nice value of each thread of a process (Linux; empty elsewhere or once it has ended)."""
    found = set()
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found.add(int(fields[16]))  # field 19 of stat(5), counted after the command's closing parenthesis
    return found


@pytest.mark.slow  # a training: a process of its own
def test_the_training_runs_in_another_process_and_its_model_is_loaded_without_pickle(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relevance.app.state

    loaded: list[Path] = []
    safe = relevance.app.state.load_bundle

    def watched(path: Path, embedder: str | None = None) -> Any:
        loaded.append(Path(path))
        return safe(path, embedder)

    monkeypatch.setattr(relevance.app.state, "load_bundle", watched)
    pids: set[int] = set()
    state = AppState.open(export, tmp_path / "labels.csv", tmp_path / "models" / "relevance.npz", cache=None)
    for _ in range(40):
        card = state.label_view()["card"]
        state.answer(card["id"], audience(card["position"]))
    niceness: set[int] = set()  # of every thread of the child, from its first instruction on (Linux)
    state.start_training()
    while state.training.state == "running":
        if (process := state.trainer.process) is not None and process.pid is not None:
            pids.add(process.pid)
            niceness |= thread_niceness(process.pid)
        time.sleep(0.01)
    assert state.training.state == "done", state.training.message
    assert pids and os.getpid() not in pids
    if sys.platform.startswith("linux"):
        assert niceness == {19}
    # The child's bundle came back through the library's loader (arrays without pickle, card and hash checked).
    assert [path.name for path in loaded] == ["model.npz"] and loaded[0].parent != state.model_path.parent
    assert state.model_path.exists() and state.report_path.exists()
    assert not loaded[0].parent.exists()  # the job's own folder is gone
    state.close()


@pytest.mark.slow
def test_a_killed_training_says_so_and_leaves_the_model_in_use(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path)
    model, report = state.model_path.read_bytes(), state.report_path.read_bytes()
    listed = list(state.listed)
    state.start_training()
    deadline = time.monotonic() + 60
    while (process := state.trainer.process) is None or process.pid is None:
        assert time.monotonic() < deadline and state.training.state == "running"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    view = wait_for_training(state)
    assert view["state"] == "failed"
    assert "stopped (signal 9)" in view["message"] and "The model in use is the one from before" in view["message"]
    assert state.model_path.read_bytes() == model and state.report_path.read_bytes() == report
    assert list(state.listed) == listed and state.removal_view()["ready"]
    state.start_training()  # and training again works
    assert wait_for_training(state)["state"] == "done"
    state.close()


@pytest.mark.slow  # a training: a process of its own
def test_the_training_process_sees_the_answers_under_the_ids_the_app_matched(tmp_path: Path) -> None:
    # Answered on an export without profile URLs (ids from name and day); the app now opens one with them, and
    # matches the answers by name and day (relevance.matching): the training must see them the same way.
    without = write_export(tmp_path / "without.csv")
    without.write_text(
        re.sub(r",https://www\.linkedin\.com/in/ann-test-\d+", "", without.read_text()).replace(",URL", "")
    )
    labels, model = tmp_path / "labels.csv", tmp_path / "models" / "relevance.npz"
    first = AppState.open(without, labels, model, cache=None)
    for _ in range(40):
        card = first.label_view()["card"]
        first.answer(card["id"], audience(card["position"]))
    state = AppState.open(write_export(tmp_path / "Connections.csv"), labels, model, cache=None)
    assert state.labels.answers.keys() <= state.rows.keys()  # every answer found its connection, renamed
    state.start_training()
    view = wait_for_training(state)
    assert view["state"] == "done", view["message"]
    card = state.scored.bundle.card if state.scored else None
    assert card is not None and card.labels_yes + card.labels_no == 40
    state.close()


@pytest.mark.slow  # a training: a process of its own
def test_a_failing_training_says_why_and_leaves_the_model_in_use(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path)
    model = state.model_path.read_bytes()
    with export.open("a", encoding="utf-8") as out:  # the export changes under the app
        out.write("Zed,Test,https://www.linkedin.com/in/zed-test,,Acme,Nurse,01 Mar 2024\n")
    state.start_training()
    view = wait_for_training(state)
    assert view["state"] == "failed"
    assert "Connections.csv has changed on disk since the app started" in view["message"]
    assert "The model in use is the one from before" in view["message"]
    assert state.model_path.read_bytes() == model and state.removal_view()["ready"]
    state.close()


@pytest.mark.slow  # a training: a process of its own
def test_a_bundle_that_does_not_load_replaces_nothing(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path)
    model, scored = state.model_path.read_bytes(), state.scored
    folder = tmp_path / "job"
    folder.mkdir()
    (folder / "model.npz").write_bytes(state.model_path.read_bytes()[:-10])  # its card's hash no longer fits
    (folder / "model.json").write_bytes(state.model_path.with_suffix(".json").read_bytes())
    with pytest.raises(relevance.errors.ModelError):
        state._install(folder)
    assert state.model_path.read_bytes() == model and state.scored is scored
    state.close()


# ----- automatic training


@pytest.mark.slow  # a training: a process of its own
def test_it_trains_again_by_itself_after_enough_new_answers_never_two_at_once(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path, auto_train_every=5)
    assert state.trainer.started == 1
    for _ in range(4):
        card = state.label_view()["card"]
        state.answer(card["id"], audience(card["position"]))
    view = state.train_view()
    assert view["state"] == "done" and view["auto_every"] == 5 and view["new_answers"] == 4
    card = state.label_view()["card"]
    state.answer(card["id"], audience(card["position"]))  # the fifth
    view = state.train_view()
    assert view["state"] == "running" and view["automatic"] and view["new_answers"] == 0
    for _ in range(7):  # more than enough for another one meanwhile: it waits for this one to end
        card = state.label_view()["card"]
        state.answer(card["id"], audience(card["position"]))
        assert state.trainer.started == 2
    assert state.start_training()["state"] == "running" and state.trainer.started == 2  # the button too
    wait_for_training(state)
    # The answers given while it trained were enough for the next one, which started as it ended.
    assert state.trainer.started == 3 and state.training.automatic
    assert wait_for_training(state)["state"] == "done"
    assert state.train_view()["new_answers"] == 0 and state.trainer.started == 3
    state.close()


@pytest.mark.slow  # two trainings
def test_a_new_model_keeps_the_removal_list_in_the_order_being_worked_through(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path)
    before = [row["id"] for row in state.removal_batch(0)["rows"]]
    assert len(before) >= 6
    for connection_id in before[:5]:  # removed: now "no" answers, which a fresh scoring lists after the model's
        state.act(connection_id, "removed")
    state.start_training()
    assert wait_for_training(state)["state"] == "done"
    after = [row["id"] for b in range(state.removal_view()["batches"]) for row in state.removal_batch(b)["rows"]]
    assert [i for i in after if i in before] == [i for i in before if i in after]
    assert after[:5] == before[:5]
    assert [row.connection.id for row in state.scored.rows[:5]] != before[:5]  # what a fresh order would have done
    rows = state.removal_batch(0)["rows"]
    assert rows[0]["why"].startswith("You removed them")  # not "you answered no": the person removed them here
    # the page says how the new model moved the list, as a difference: the counts move as the person works on
    change = state.removal_view()["change"]
    assert re.match(r"The model trained again on 45 answers suggests (as many|[0-9,]+ (fewer|more)) removals", change)
    state.close()


def test_a_row_the_new_model_no_longer_suggests_stays_in_its_place_and_says_so(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path)
    listed = [row["id"] for row in state.removal_batch(0)["rows"]]
    total = state.removal_view()["total"]
    assert len(listed) >= 3
    gone = listed[1]
    # A model trained since suggests review for that row (and nothing else changes).
    rows = [
        dataclasses.replace(row, suggestion="review") if row.connection.id == gone else row for row in state.scored.rows
    ]
    state._use(dataclasses.replace(state.scored, rows=rows))
    shown = state.removal_batch(0)["rows"]
    assert [row["id"] for row in shown] == listed  # the rows after it did not move up
    assert shown[1]["dropped"] and shown[1]["why"].startswith("No longer suggested (now review): ")
    view = state.removal_view()
    assert view["total"] == total - 1 and view["first_open"] == 0 and view["dropped"] == 1  # said beside the count
    state.act(gone, "removed")  # the person may still remove it: then it is done, like any other
    assert not state.removal_batch(0)["rows"][1]["dropped"] and state.removal_view()["total"] == total
    state.close()


def test_a_removal_clicked_by_mistake_is_taken_back_to_what_the_row_was(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path, auto_train_every=0)
    answered = {r: a for r, a in state.labeller.answered.items()}
    rows = state.removal_batch(0)["rows"]
    # the score as scored.csv writes it: the surest removals do not all read 0.00
    assert [row["score"] for row in rows] == [row.shown_score for row in state.removals[: len(rows)]]
    assert all(len(row["score"]) == 5 for row in rows) and len({row["score"] for row in rows}) > 1
    fresh = next(row["id"] for row in rows if row["answer"] == "")  # never answered: only the model suggests it
    said_no = [row.connection.id for row in state.removals if answered.get(state.rows[row.connection.id]) is False]
    assert said_no, "the list has the person's own 'no' answers after the model's"
    before = state.removal_view()
    for connection_id in (fresh, said_no[0]):
        assert "Click it again to undo" in state.act(connection_id, "removed")["row"]["why"]
        undone = state.act(connection_id, "undo")
        assert undone["row"]["state"] == "" and undone["progress"]["removed"] == before["removed"]
    state.act(said_no[0], "kept")  # a "no" from labelling, kept after all, then taken back: a "no" again
    state.act(said_no[0], "undo")
    labels = load_labels(state.labels.path)
    assert fresh not in labels.answers and labels.answers[said_no[0]] is False
    assert state.removal_view() == before
    # A new app on the same files agrees: nothing acted on, the same answers.
    again = AppState.open(export, state.labels.path, state.model_path, cache=None, auto_train_every=0)
    assert again.acted == {} and again.labels.answers == labels.answers
    # and does not ask first about the row taken back, as if `relevance sample` had queued it (a first-time user
    # found the people whose removal they had undone at the head of the cards after a restart)
    assert fresh not in labels.queued and again.label_view()["card"]["id"] != fresh
    assert state.act(fresh, "undo")["row"]["state"] == ""  # nothing to take back: nothing written
    assert len(load_labels(state.labels.path).rows) == len(labels.rows)
    state.close()
    again.close()


def test_a_friend_kept_anyway_is_a_no_that_stays_off_the_list(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path, auto_train_every=0)
    before = state.removal_view()
    friend = state.removal_batch(0)["rows"][0]["id"]
    done = state.act(friend, "spared")
    assert done["row"]["state"] == "spared" and "Kept though not your audience" in done["row"]["why"]
    view = done["progress"]
    assert (view["spared"], view["removed"], view["kept"]) == (1, 0, 0)
    # one fewer to remove: the sentence counts what the progress counts down
    assert f"Remove {before['total'] - 1:,} " in view["sentence"]
    labels = load_labels(state.labels.path)
    assert labels.answers[friend] is False and labels.spared == {friend}  # a "no" the model learns
    # A new app on the same files: scored keep, "you keep them", still in its place on the list.
    again = AppState.open(export, state.labels.path, state.model_path, cache=None, auto_train_every=0)
    row = next(r for r in again.scored.rows if r.connection.id == friend)
    assert (row.suggestion, row.label, row.why) == ("keep", False, "you keep them, though not your audience")
    assert again.acted == {friend: "spared"} and again.removal_view()["spared"] == 1
    assert any("ROC-AUC" in line for line in again.train_view()["lines"])  # the Train step shows the saved model's
    # changed to a removal after all: then it is one
    assert again.act(friend, "removed")["row"]["state"] == "removed" and load_labels(state.labels.path).spared == set()
    state.close()
    again.close()


def test_how_a_training_moved_the_list_is_counted_as_the_page_counted_it(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path, auto_train_every=0)
    rows = [row["id"] for row in state.removal_batch(0)["rows"]]
    for i in rows[:3]:
        state.act(i, "removed")
    shown = state.removal_view()["sentence"]  # "Remove N (K suggested by the model + ...)"
    model = int(shown.split("(")[1].split(" suggested")[0].replace(",", ""))
    # a model that suggests what the one in use did, on the same answers: the page's count does not move
    state._use(state._scoring(state.scored.bundle))
    assert state.list_change.startswith("The model trained again on ") and "as many removals:" in state.list_change, (
        shown,
        state.list_change,
    )
    assert f"({model:,} suggested by the model" in state.removal_view()["sentence"]
    state.close()


def test_the_report_opened_from_the_page_counts_the_list_worked_through_as_the_page_does(
    export: Path, tmp_path: Path
) -> None:
    from html import escape

    from relevance.summary import summarise_rows

    state = trained_state(export, tmp_path, auto_train_every=0)
    first = state.report_file()
    assert first is not None
    written = first.stat().st_mtime_ns
    assert state.report_file() == first and first.stat().st_mtime_ns == written  # nothing done: not written again
    rows = [row["id"] for row in state.removal_batch(0)["rows"]]
    state.act(rows[0], "removed")
    state.act(rows[1], "spared")
    state.act(rows[2], "kept")
    page = summarise_rows(state._as_acted(state.scored.rows), state.scored.bundle.card).removal_sentence()
    html = state.report_file().read_text(encoding="utf-8")
    assert f"<p id='removal-answer'><b>{escape(page)}</b></p>" in html
    # the one marked removed is ticked on the report's checklist, not the others
    assert f'"removed":["{rows[0]}"]' in html and "The 1 person you marked removed in" in html
    # taken back: written again, and no longer ticked
    state.act(rows[0], "undo")
    html = state.report_file().read_text(encoding="utf-8")
    assert '"removed":[]' in html and "you marked removed" not in html
    state.close()


@pytest.mark.slow  # two trainings
def test_the_report_counts_the_answers_given_while_it_trained_as_the_page_does(export: Path, tmp_path: Path) -> None:
    from html import escape

    from relevance.summary import summarise

    state = trained_state(export, tmp_path)
    state.start_training()
    for _ in range(3):  # given while it trains: the page's scoring counts them, so must the report
        card = state.label_view()["card"]
        state.answer(card["id"], False)
    assert wait_for_training(state)["state"] == "done"
    sentence = summarise(state.scored).removal_sentence()
    assert f"<p id='removal-answer'><b>{escape(sentence)}</b></p>" in state.report_path.read_text(encoding="utf-8")
    state.close()


def test_no_automatic_training_without_a_model(client: Client) -> None:
    client.server.state.auto_train_every = 5
    answer_until_trainable(client, 30)
    view = client.get("/api/state")["train"]
    assert view["state"] == "idle" and view["auto_every"] == 0 and client.server.state.trainer.started == 0


def test_a_port_that_is_taken_is_one_error_naming_the_fix(export: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from relevance.cli import app

    state = AppState.open(export, tmp_path / "labels.csv", tmp_path / "models" / "relevance.npz", cache=None)
    taken = AppServer(state)
    try:
        with pytest.raises(OSError):  # the server closes itself (and what it holds) without a second error
            AppServer(state, taken.port)
        result = CliRunner().invoke(
            app,
            ["app", str(export), "--labels", str(tmp_path / "labels.csv"), "--no-browser", "--port", str(taken.port)],
        )
    finally:
        taken.server_close()
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "AttributeError" not in result.output
    assert f"cannot listen on 127.0.0.1:{taken.port}" in result.output and "--port" in result.output


def test_taking_back_an_action_on_an_answer_without_a_tag_or_about_an_old_job(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path, auto_train_every=0)
    fresh = [
        r.connection.id for r in state.removals if state.labeller.answered.get(state.rows[r.connection.id]) is None
    ]
    friend, other = fresh[:2]
    for connection_id in (friend, other):  # a "no" from a spreadsheet or another window: no tag
        state.labeller.record(state.rows[connection_id], False, "")
    state.act(friend, "spared")
    state.act(friend, "undo")
    assert friend not in state.labels.spared and state.labels.answers[friend] is False
    # a "no" given about a job they no longer have (relevance.matching), acted on and taken back: unanswered now,
    # not a "no" about the new job
    said_no = next(
        r.connection.id
        for r in state.removals
        if state.labels.answers.get(r.connection.id) is False and r.connection.id not in (friend, other)
    )
    row = state.rows[said_no]
    state.connections[row] = dataclasses.replace(state.connections[row], position="Head of Sales")
    state.act(said_no, "removed")
    state.act(said_no, "undo")
    assert said_no not in load_labels(state.labels.path).answers
    state.close()
    again = AppState.open(export, state.labels.path, state.model_path, cache=None, auto_train_every=0)
    assert friend not in again.acted and friend not in again.labels.spared  # the take-back held after a restart
    row_of = {r.connection.id: r for r in again.scored.rows}
    assert (row_of[friend].suggestion, row_of[friend].why) == ("remove", "you answered no")
    again.close()


@pytest.mark.slow  # two trainings
def test_a_friend_kept_anyway_while_it_trains_is_off_the_report_opened_from_the_page(
    export: Path, tmp_path: Path
) -> None:
    import json
    import re

    state = trained_state(export, tmp_path, auto_train_every=0)
    said_no = [r.connection.id for r in state.removals if state.labels.answers.get(r.connection.id) is False]
    friend = said_no[0]
    state.start_training()
    state.act(friend, "spared")  # while it trains: the answer stays "no", only what it means changes
    assert wait_for_training(state)["state"] == "done"
    path = state.report_file()
    assert path is not None
    found = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', path.read_text(), re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert friend not in {data["people"][c[0]][0] for c in data["checklist"]}
    state.close()


@pytest.mark.slow  # three trainings
def test_the_limit_set_on_the_page_trains_again_and_a_restart_keeps_it(export: Path, tmp_path: Path) -> None:
    state = trained_state(export, tmp_path, auto_train_every=0)  # only the button and the limit train
    limit = state.removal_view()["limit"]
    assert (limit["value"], limit["text"], limit["pending"]) == (0.03, "3%", "")
    view = state.set_limit(0.1)
    assert view["limit"]["value"] == 0.1 and view["limit"]["text"] == "10%"
    # The list on the page is the old model's until the new one is in: the page says at which limit it was drawn.
    assert view["limit"]["pending"].startswith("This list was drawn at a limit of 3%; a training at your limit of 10%")
    assert state.trainer.started == 2 and state.training.state == "running"
    assert state.set_limit(0.02)["limit"]["value"] == 0.02  # changed again while it trains: the next one follows
    assert wait_for_training(state)["state"] == "done"
    assert wait_for_training(state)["state"] == "done" and state.trainer.started == 3
    assert state.scored is not None and state.scored.bundle.card.thresholds.max_wrong_removals == 0.02
    assert state.removal_view()["limit"]["pending"] == ""
    # How the list moved is put down to the limit, not to answers (there were none since).
    assert state.list_change.startswith("At your limit of 2% (it was 10%), the model trained again on 40 answers")
    assert "each answer moves" not in state.list_change
    assert state.set_limit(0.02) and state.trainer.started == 3  # the same limit again: nothing to train
    state.close()
    # A restart keeps the limit the saved model was trained at; --max-wrong-removals sets another, and trains for it.
    paths = (export, tmp_path / "labels.csv", tmp_path / "models" / "relevance.npz")
    again = AppState.open(*paths, cache=None, auto_train_every=0)
    assert again.settings.max_wrong_removals == 0.02 and again.trainer.started == 0
    again.close()
    told = AppState.open(*paths, cache=None, auto_train_every=0, limit=0.05)
    assert told.settings.max_wrong_removals == 0.05 and told.trainer.started == 1
    assert wait_for_training(told)["state"] == "done"
    assert told.scored is not None and told.scored.bundle.card.thresholds.max_wrong_removals == 0.05
    told.close()


def test_a_limit_out_of_bounds_is_refused_and_before_any_model_it_only_waits(client: Client) -> None:
    for limit in (0, 0.6, -1, "3%", None, True, float("nan")):
        status, _, body = client.request("POST", "/api/limit", {"limit": limit})
        assert status == 400 and json.loads(body)["error"].startswith("the limit must be a share between 0.001 and 0.5")
    reply = client.post("/api/limit", {"limit": 0.005})
    assert reply["remove"]["limit"]["text"] == "0.5%" and reply["train"]["state"] == "idle"
    assert client.server.state.settings.max_wrong_removals == 0.005
    # The page offers the person's own limit among its choices.
    client.server.state.settings = dataclasses.replace(client.server.state.settings, max_wrong_removals=0.025)
    choices = [c["text"] for c in client.get("/api/state")["remove"]["limit"]["choices"]]
    assert choices == ["0.5%", "1%", "2%", "2.5%", "3%", "5%", "10%", "20%"]
