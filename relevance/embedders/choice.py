"""Which model reads a network's titles: the default, or multilingual-e5-small when enough of them are in
languages the default was not trained on.

Neither model is best for every network. Universal Sentence Encoder multilingual v3 (the default) embeds 15-25x
faster (~1,100-2,000 titles/s against ~80-140 on two cores) and ranks networks in the languages it was trained on
better than e5 or as well (the tool at 100 answers: ROC-AUC 0.940 vs 0.905 on an en/de/fr/es trainer's network,
0.903 vs 0.912 on a Polish one); in Czech, Slovak, Hungarian, Romanian, Bulgarian, the Nordic and Baltic languages
it ranks them worse (a Central/Eastern European network: 0.841 vs 0.930, removal recall at 98% precision 0.12 vs
0.71; scripts/bench_accuracy.py --embedder, scripts/bench_languages.py). So the export decides: the share of its titles
whose language (``relevance.language``) is not one of USE's, among the titles with a clear language. A person
never has to know; ``--embedder`` still overrides, and a platform where e5 cannot run keeps the default, and
says so.
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

__all__ = ["E5_FROM", "USE_LANGUAGES", "Choice", "LanguageMix", "choose_for", "language_mix"]

# e5 reads the network from this share of titles in other languages (of those with a clear language). Measured
# (scripts/bench_languages.py, the mix: 2,000-row networks, 30 a share, 100 random answers, the tool's default model
# with smoothing; e5 with its language offsets taken out, relevance.language_offsets), e5 minus USE, paired: at 2.3%
# detected they tie (ROC-AUC +0.003 ± 0.027, removal recall at 98% precision +0.07 ± 0.22) and USE is 15-25x
# faster; from 4.5% e5 ranks better (+0.016 ± 0.026 and +0.16 ± 0.25, both over three standard errors), at 9%
# +0.035 and +0.34. The tool at 100 answers agrees at the ends: an en/de/fr/es trainer's network, USE 0.940
# against e5 0.905; a Central/Eastern European one (54% detected), e5 0.930.
E5_FROM = 0.045
# Fewer titles with a clear language than this say nothing about a network: the default reads it.
MIN_TITLES = 20
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
    fallback: bool = False  # the better model for this network cannot run here: the default reads it

    @property
    def reason(self) -> str:
        """One line: "Reading titles with e5-small-multilingual: 41% of the titles ... are in Czech, ..."."""
        return f"Reading titles with {self.model}: {self.why}."


def choose_for(export: Export | Sequence[Connection], name: str | None = None) -> Choice:
    """The embedder for this export: ``name`` when given (``--embedder``), else e5 when at least ``E5_FROM`` of
    its titles with a clear language are in languages USE was not trained on, else USE (the default). Where e5
    cannot run, USE reads the network and the reason says so. Raises EmbedderError only for a ``name`` that
    cannot be had."""
    if name is not None:
        return Choice(embed.load_embedder(name), name, "as asked")
    connections = export if isinstance(export, Sequence) else export.connections
    mix = language_mix(embed.embedding_text(c) for c in connections)
    if mix.titles < MIN_TITLES:
        return Choice(embed.load_embedder(USE), USE, "the default; too few titles with a clear language to choose by")
    if mix.share < E5_FROM:
        if not mix.others:
            why = "the default; every title with a clear language is in a language it was trained on"
        elif mix.share < 0.01:  # a few titles taken for another language: noise, not worth naming
            why = "the default; over 99% of the titles with a clear language are in languages it was trained on"
        else:
            why = (
                f"the default; {mix.share:.0%} of the titles with a clear language are in {mix.names()}, too few "
                f"for {E5} to rank the network better"
            )
        return Choice(embed.load_embedder(USE), USE, why)
    better = f"{mix.share:.0%} of the titles with a clear language are in {mix.names()}"
    try:
        return Choice(embed.load_embedder(E5), E5, f"{better}, which it reads better than the default ({USE})")
    except EmbedderError as error:
        why = getattr(error, "why", str(error))
        return Choice(
            embed.load_embedder(USE), USE, f"{E5} would read them better ({better}) but cannot run here: {why}", True
        )
