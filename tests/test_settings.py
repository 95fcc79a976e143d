"""The person's limit: the bounds the CLI repeats (its --help imports no numpy) are the library's."""

from __future__ import annotations

import pytest
import typer.main

from relevance.cli import app
from relevance.errors import RelevanceError
from relevance.settings import LIMIT_BOUNDS, checked_limit


@pytest.mark.parametrize("command", ["train", "app"])
def test_the_cli_takes_the_limits_the_library_takes(command: str) -> None:
    click_command = typer.main.get_command(app).commands[command]
    option = next(p for p in click_command.params if p.name == "max_wrong_removals")
    assert (option.min, option.max) == LIMIT_BOUNDS


def test_a_limit_is_a_share_within_the_bounds() -> None:
    low, high = LIMIT_BOUNDS
    assert checked_limit(low) == low and checked_limit(high) == high and checked_limit(1 / 20) == 0.05
    for wrong in (low / 2, high * 1.01, float("nan"), "0.03", None, True):
        with pytest.raises(RelevanceError, match=r"between 0\.001 and 0\.5"):
            checked_limit(wrong)
