"""Shared fixtures. Every file in tests/data is synthetic: invented people, one quirk or failure per file."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data() -> Path:
    """The folder of tiny synthetic exports."""
    return DATA
