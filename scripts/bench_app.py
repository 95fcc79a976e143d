"""How fast `relevance app` shows the next card: POST an answer -> the response with the next card, over HTTP.

A 30,000-row synthetic export (ESCO titles, scripts/benchlib.py), embedded by the fake HashEmbedder from
tests/fakes.py: the embeddings are what the cache would hand back, so this times the app itself (the labelling
session's refit and picking, the durable append, HTTP), not the embedding model. Answers come from the synthetic
network's answer key, a key every --pace seconds (a quick person; back to back, the benchmark's own load would be
what is measured), in three runs: with nothing else running; for as long as a training runs in the background
(started as the page's button does; a second thread polls the state once a second, as the page does then), split
into the training process's steps and the app loading its result; and with nothing running again, after it.
Labelling slows a little as answers accumulate (the session refits on every answer), so "during" is compared with
"before" and "after" it. Automatic training is off, so that "after" is idle.

    python scripts/bench_app.py [--rows 30000] [--answers 100] [--pace 0.3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(ROOT / "tests")]  # this checkout's relevance, and the fake

from benchlib import TRAINER_ISCO, People, load_esco, realistic_positions, write_linkedin_csv  # noqa: E402
from fakes import HashEmbedder  # noqa: E402

import relevance.embed  # noqa: E402
from relevance.app.server import AppServer  # noqa: E402
from relevance.app.state import AppState  # noqa: E402
from relevance.app.worker import CHILD_STEPS  # noqa: E402

BUDGET_MS = 150


class Page:
    """One browser tab: a kept-alive connection with the app's cookie, origin and JSON."""

    def __init__(self, server: AppServer) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        self.headers = {
            "Host": f"127.0.0.1:{server.port}",
            "Cookie": f"{server.cookie}={server.token}",
            "Origin": server.origin,
            "Content-Type": "application/json",
        }

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        self.connection.request(method, path, body=data, headers=self.headers)
        response = self.connection.getresponse()
        payload = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(payload)
        return payload


def answer(page: Page, card: dict[str, Any], key: dict[str, bool]) -> tuple[float, dict[str, Any]]:
    """The milliseconds from the key to the next card, and the reply (the next card, the training's state)."""
    start = time.perf_counter()
    reply = page.call("POST", "/api/answer", {"id": card["id"], "answer": "yes" if key[card["id"]] else "no"})
    return (time.perf_counter() - start) * 1000, reply


class Poller(threading.Thread):
    """The page while a training runs: GET /api/state once a second, until the training is over."""

    def __init__(self, server: AppServer) -> None:
        super().__init__(daemon=True)
        self.page = Page(server)
        self.state = "running"
        self.times: list[float] = []

    def run(self) -> None:
        while self.state == "running":
            start = time.perf_counter()
            self.state = self.page.call("GET", "/api/state")["train"]["state"]
            self.times.append((time.perf_counter() - start) * 1000)
            time.sleep(1)


def describe(name: str, times: list[float]) -> str:
    if not times:
        return f"| {name} | 0 | – | – | – | 0 |"
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    over = sum(t > BUDGET_MS for t in times)
    return f"| {name} | {len(times)} | {statistics.median(times):.0f} | {p95:.0f} | {max(times):.0f} | {over} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--answers", type=int, default=100, help="answers timed before and after the training")
    parser.add_argument("--pace", type=float, default=0.3, help="seconds between two keys")
    args = parser.parse_args()

    relevance.embed.load_embedder = lambda name=None: HashEmbedder()  # type: ignore[assignment]
    titles = load_esco()
    positions = realistic_positions(titles, args.rows, lambda t: t.isco08 in TRAINER_ISCO, seed=0)
    people = People(0)
    connections = [people.connection(position, i) for i, (position, _) in enumerate(positions)]
    key = {c.id: audience for c, (_, audience) in zip(connections, positions, strict=True)}
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "Connections.csv"
        write_linkedin_csv(export, connections)
        start = time.perf_counter()
        state = AppState.open(
            export, Path(folder) / "labels.csv", Path(folder) / "relevance.npz", cache=None, auto_train_every=0
        )
        opened = time.perf_counter() - start
        server = AppServer(state)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        page = Page(server)
        card = page.call("GET", "/api/state")["label"]["card"]
        runs: dict[str, list[float]] = {"before": [], "training": [], "loading": [], "after": []}

        def label(run: str, until: Callable[[], bool]) -> None:
            nonlocal card
            while not until():
                took, reply = answer(page, card, key)
                into = run
                if run == "during":  # which of the two was at work as it answered: the training's process, or the app
                    into = "loading" if reply["train"]["step"] > CHILD_STEPS else "training"
                runs[into].append(took)
                card = reply["label"]["card"]
                time.sleep(args.pace)

        label("before", lambda: len(runs["before"]) >= args.answers)
        started = time.perf_counter()
        page.call("POST", "/api/train", {})
        poller = Poller(server)
        poller.start()
        label("during", lambda: poller.state != "running")
        poller.join(timeout=600)
        trained = time.perf_counter() - started
        final = page.call("GET", "/api/state")["train"]
        label("after", lambda: len(runs["after"]) >= args.answers)
        server.shutdown()
        server.server_close()
    outcome = final["state"] + (f": {final['message']}" if final["message"] else "")
    print(f"relevance app: POST an answer -> the next card, {args.rows:,} connections (HashEmbedder, vectors as")
    print(f"from the cache); app opened in {opened:.1f} s. Budget {BUDGET_MS} ms. The training ran in its own process")
    print(f"and took {trained:.1f} s from the button to its result on the page ({outcome}); answers in three runs,")
    print(f"each starting where the last ended, a key every {args.pace} s.\n")
    print("| requests | n | median ms | p95 ms | max ms | over budget |")
    print("|---|---|---|---|---|---|")
    print(describe("answer -> next card, before the training", runs["before"]))
    print(describe("answer -> next card, while its process trains", runs["training"]))
    print(describe("answer -> next card, while the app loads its result", runs["loading"]))
    print(describe("answer -> next card, after it", runs["after"]))
    print(describe("GET /api/state (the page's poll), while it trains", poller.times))


if __name__ == "__main__":
    main()
