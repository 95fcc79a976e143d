"""A deterministic, instant stand-in for the embedding model, for unit tests and labeller subprocesses.

Titles that share words get similar vectors (hashed word and character-trigram counts), so clustering and
a classifier behave roughly as with a real model, without loading one.
"""

from __future__ import annotations

import hashlib
import re
import signal
import subprocess
from collections.abc import Sequence

import numpy as np
import pytest

import relevance.embed
import relevance.score
import relevance.training
from relevance.card import ModelCard, Thresholds
from relevance.embed import embedding_text
from relevance.metrics import Estimate
from relevance.records import Connection


class HashEmbedder:
    """Hashed bag of words and character trigrams, L2-normalised."""

    name = "fake-hash-64"
    dim = 64

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.casefold())
            grams = [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
            for token, weight in [*((w, 2.0) for w in words), *((g, 1.0) for g in grams)]:
                digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += weight
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


def fake_vectors(connections: Sequence[Connection]) -> np.ndarray:
    """Vectors for connections the way embed_connections makes them: the title, zero rows without text."""
    texts = [embedding_text(c) for c in connections]
    vectors = HashEmbedder().encode(texts)
    vectors[[not t for t in texts]] = 0
    return vectors


def embed_without_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands embed with ``fake_vectors``: no model loaded, the same vectors every run."""

    def embed(connections: Sequence[Connection], embedder: object, **_: object) -> np.ndarray:
        return fake_vectors(connections)

    monkeypatch.setattr(relevance.embed, "load_embedder", lambda name=None: object())
    # relevance.training and relevance.score import it by name: patched too, for the commands that train or score
    # through them. Imported with this module, before any patch: first imported under one, they kept the fake for
    # the rest of the run (test_cli_train_score's train never embedded after test_cli_label alone).
    for module in (relevance.embed, relevance.training, relevance.score):
        monkeypatch.setattr(module, "embed_connections", embed)


def make_card(
    *,
    remove_at_or_below: float | None = 0.1,
    keep_from: float = 0.5,
    wrong: tuple[float, float, float] = (0.02, 0.0, 0.04),
    embedder: str = "fake",
    dim: int = 2,
) -> ModelCard:
    """A model card with the figures a test names and plausible ones elsewhere."""
    metrics = {
        "roc_auc": Estimate(0.9, 0.85, 0.95),
        "average_precision": Estimate(0.8, 0.7, 0.9),
        "wrong_removals": Estimate(*wrong),
        "missed": Estimate(0.3, 0.2, 0.4),
    }
    return ModelCard(
        embedder=embedder,
        dim=dim,
        created_at="2026-01-01T00:00:00+00:00",
        signals_requested=("title",),
        signals_used=("title",),
        signal_columns=0,
        labels_yes=10,
        labels_no=10,
        smoothing=None,
        smoothing_check=None,
        metrics=metrics,
        thresholds=Thresholds(remove_at_or_below, keep_from, 0.03, 0.8, 100, 0.5),
        calibration=(1.0, 0.0),
        evaluation="10-fold cross-validation, 2 repeats",
        versions={},
    )


def as_from_a_terminal() -> None:
    """For a child process (``preexec_fn``, or after ``pty.fork``): Ctrl-C interrupts it, as in a terminal. A test
    run started in the background (``make test &``, nohup, some CI runners) ignores SIGINT, every child inherits
    that across exec, and Python then never turns Ctrl-C into KeyboardInterrupt: the app would not stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_app(process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Ctrl-C a `relevance app` started with ``PYTHONFAULTHANDLER=1`` and a piped stderr, and wait for it to end.
    Should it not end, every thread's stack (faulthandler, on SIGABRT) goes into the failure: where it hung."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _, stderr = process.communicate(timeout=30)
        raise AssertionError(f"the app did not stop within {timeout:.0f} s of Ctrl-C:\n{stderr}") from None
