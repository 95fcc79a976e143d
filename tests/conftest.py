"""Shared fixtures. Every file in tests/data is synthetic: invented people, one quirk or failure per file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data() -> Path:
    """The folder of tiny synthetic exports."""
    return DATA


@pytest.fixture(autouse=True, scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The run's own cache (vectors, neighbour graphs, detected languages), not the user's; a test that needs
    another sets RELEVANCE_CACHE itself."""
    saved = os.environ.get("RELEVANCE_CACHE")
    os.environ["RELEVANCE_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if saved is None:
        del os.environ["RELEVANCE_CACHE"]
    else:
        os.environ["RELEVANCE_CACHE"] = saved
