"""What the app shares with its background training: the job's progress as the page polls it, and the report.

Apart from relevance.app.state so that the session over the library stays one idea.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


def report_tools() -> Any:
    """What the app uses of the HTML report: the one place it imports it (lazily: plotly is heavy)."""
    from types import SimpleNamespace

    from relevance.report import report_scored
    from relevance.report.data import BATCH_SIZE
    from relevance.report.html import profile_link

    return SimpleNamespace(report_scored=report_scored, BATCH_SIZE=BATCH_SIZE, profile_link=profile_link)


@dataclass
class Training:
    """The background training as the page polls it."""

    state: str = "idle"  # idle | running | done | failed
    phase: str = ""
    step: int = 0
    steps: int = 4
    done: int = 0  # progress within the phase, when it has one (embedding)
    total: int = 0
    started: float = 0.0
    finished: float = 0.0
    message: str = ""  # why it failed
    lines: list[str] = field(default_factory=list)  # what it found, in the report's plain words

    def view(self) -> dict[str, Any]:
        now = self.finished or time.time()
        return {
            "state": self.state,
            "phase": self.phase,
            "step": self.step,
            "steps": self.steps,
            "done": self.done,
            "total": self.total,
            "seconds": round(now - self.started, 1) if self.started else 0,
            "message": self.message,
            "lines": self.lines,
        }
