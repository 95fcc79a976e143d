"""What a scoring run means for the user, as data first (``Summary``) and as plain lines last (``lines``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from relevance.score import SUGGESTIONS, Scored

# LinkedIn's limit on first-degree connections.
LINKEDIN_CAP = 30_000


@dataclass(frozen=True)
class Summary:
    connections: int  # scored rows, one per real connection
    ghost_rows: int  # hidden members: not in the file's rows, but still connections on LinkedIn
    without_text: int
    counts: dict[str, int]  # suggestion -> rows
    model_removals: int  # removals suggested by the model (not the user's own "no" answers)
    wrong_rate: float  # the model's estimated share of its removals that are in the audience
    wrong_rate_high: float  # upper end of its range
    target_size: int | None = None

    @property
    def on_linkedin(self) -> int:
        return self.connections + self.ghost_rows

    @property
    def expected_wrong(self) -> int:
        return round(self.model_removals * self.wrong_rate)

    @property
    def needed(self) -> int:
        """Removals needed to reach the target size (0 without a target, or already under it)."""
        return max(0, self.on_linkedin - self.target_size) if self.target_size is not None else 0

    def lines(self) -> list[str]:
        """The summary in plain sentences, for a terminal."""
        c = self.counts
        out = [
            f"Scored {self.connections:,} connections ({self.ghost_rows:,} hidden ghost rows not scorable, "
            f"{self.without_text:,} without a position or headline: marked review).",
            f"Suggestions: {c['remove']:,} remove, {c['review']:,} review, {c['keep']:,} keep.",
        ]
        if self.model_removals:
            out.append(
                f"{self.model_removals:,} suggested removals; about {self.expected_wrong:,} of them "
                f"({self.wrong_rate:.0%}) may be in your audience "
                f"(up to {round(self.model_removals * self.wrong_rate_high):,}, {self.wrong_rate_high:.0%})."
            )
        else:
            out.append(
                "No removals suggested: the model is not yet sure enough of anyone at your limit for wrong "
                "removals. Label more connections (`relevance label`) and retrain."
            )
        headroom = LINKEDIN_CAP - self.on_linkedin
        cap = (
            f"{headroom:,} below LinkedIn's {LINKEDIN_CAP:,} cap"
            if headroom >= 0
            else f"{-headroom:,} over LinkedIn's {LINKEDIN_CAP:,} cap"
        )
        out.append(f"You have {self.on_linkedin:,} connections on LinkedIn, {cap}.")
        if self.target_size is not None:
            out.append(self._target_line())
        return out

    def _target_line(self) -> str:
        target, needed, removals = self.target_size, self.needed, self.counts["remove"]
        if not needed:
            return f"You are already at or under your target of {target:,}."
        if removals >= needed:
            return (
                f"Reaching {target:,} takes {needed:,} removals: the {removals:,} suggested removals are enough "
                f"(start from the top of the file)."
            )
        short = needed - removals
        if short <= self.counts["review"]:
            return (
                f"Reaching {target:,} takes {needed:,} removals: the {removals:,} suggested removals leave "
                f"{short:,} to find among the {self.counts['review']:,} marked review (lowest score first)."
            )
        return (
            f"Reaching {target:,} takes {needed:,} removals, more than the {removals + self.counts['review']:,} "
            "suggested removals and reviews together: the model thinks most of the rest are your audience."
        )


def summarise(scored: Scored, target_size: int | None = None) -> Summary:
    """Count what a scoring run suggests and attach the model's honest estimate of wrong removals."""
    counts = Counter(row.suggestion for row in scored.rows)
    wrong = scored.bundle.metrics["wrong_removals"]
    return Summary(
        connections=len(scored.rows),
        ghost_rows=scored.export.ghost_rows,
        without_text=sum(row.score is None for row in scored.rows),
        counts={name: counts.get(name, 0) for name in SUGGESTIONS},
        model_removals=sum(row.suggestion == "remove" and row.source == "model" for row in scored.rows),
        wrong_rate=wrong.value,
        wrong_rate_high=max(wrong.high, wrong.value),
        target_size=target_size,
    )
