"""Each language's own offset in the title vectors, taken out so that a title reads alike in every language.

A multilingual embedding places "Obchodní ředitel" near "Sales Director", but it also moves every title of a
language by an offset of that language's own. With a hundred answers spread over several languages, the
classifier reads part of those offsets as answers (a language whose few answers happened to be "no" sinks as a
whole) and the neighbour smoothing keeps to titles of one language. Subtracting each language's mean title
vector, less the network's, leaves what the title says. Measured (scripts/bench_accuracy.py, the tool's own
labeller, 5 repeats): a Central/Eastern European trainer's ranking at 100 answers, ROC-AUC 0.884 -> 0.930 and
removal recall at 98% precision 0.52 -> 0.71; at 50 answers 0.866 -> 0.915.

Only where the embedder keeps languages apart (``reads_languages_apart``): in multilingual-e5-small 16% of the
variance of ESCO titles in 21 languages lies between languages, in USE, trained to put translations together,
8%. Read by e5, the trainer's network gained too (0.892 -> 0.905) and the Polish trainer's (0.896 -> 0.912);
read by USE, the trainer's lost 0.02, so USE's vectors are read as embedded.

And not when the answers say the language is part of who the audience is: a German-speaking trainer's audience
is the German titles, and their offset is then what sets them apart (ROC-AUC 0.954 -> 0.882 with it taken out,
0.942 with this check). ``language_matters`` asks the answers: one language's share of "yes" far from the
others' keeps every offset. No labels are needed for the offsets themselves, only the network, like the
network mean; they are fitted on the training network and travel in the model bundle, so a later export is read
the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from relevance.embed import embedding_text, has_vector
from relevance.language import UNKNOWN, detect_many, language_name
from relevance.linear import network_mean
from relevance.records import Connection

__all__ = [
    "MIN_ROWS",
    "LanguageOffsets",
    "Languages",
    "labelling_vectors",
    "language_matters",
    "offsets_note",
    "reads_languages_apart",
    "title_languages",
]

# A language per row: "en", "cs", ... or "unknown" (relevance.language).
Languages = Sequence[str] | np.ndarray

# A language's offset from fewer titles than this is mostly noise: such titles are left as they are.
MIN_ROWS = 20
# A language needs this many answers, and the other languages as many, before its share of "yes" is compared.
MIN_ANSWERS = 10
# Two-sided p-value below which one language's share of "yes" differs from the others' for the answers' sake,
# not by chance (two-proportion z-test, each language against the rest).
MATTERS_P = 0.01


def title_languages(connections: Sequence[Connection]) -> np.ndarray:
    """The language of each connection's title as embedded (headline, else position); "unknown" when unclear."""
    return np.array([d.language for d in detect_many(embedding_text(c) for c in connections)], dtype=object)


def language_matters(languages: Languages, answers: Sequence[bool]) -> bool:
    """Whether the answers tie the audience to a language: some language's share of "yes" differs from the rest's
    beyond chance (``MATTERS_P``)."""
    langs = np.asarray(languages, dtype=object)
    yes = np.asarray(answers, dtype=bool)
    for language in set(langs.tolist()) - {UNKNOWN}:
        mine = langs == language
        n, m = int(mine.sum()), int((~mine).sum())
        if n < MIN_ANSWERS or m < MIN_ANSWERS:
            continue
        share = yes.mean()
        spread = math.sqrt(share * (1 - share) * (1 / n + 1 / m))
        if spread and math.erfc(abs(yes[mine].mean() - yes[~mine].mean()) / spread / math.sqrt(2)) < MATTERS_P:
            return True
    return False


@dataclass(frozen=True)
class LanguageOffsets:
    """Per language, its mean title vector less the network's; subtracted from that language's titles."""

    languages: tuple[str, ...]
    offsets: np.ndarray  # float32, one row per language

    @classmethod
    def fit(cls, vectors: np.ndarray, languages: Languages) -> LanguageOffsets:
        """The offsets of every language with at least ``MIN_ROWS`` titles in the network (rows without text,
        zero vectors, and titles without a clear language count for the network's mean only)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        langs = np.asarray(languages, dtype=object)
        present = has_vector(vectors)
        if not present.any():
            return cls.none(vectors.shape[1])
        mean = network_mean(vectors)
        found = [
            (language, vectors[rows].mean(axis=0) - mean)
            for language in sorted(set(langs[present].tolist()) - {UNKNOWN})
            if (rows := present & (langs == language)).sum() >= MIN_ROWS
        ]
        if not found:
            return cls.none(vectors.shape[1])
        return cls(tuple(f[0] for f in found), np.array([f[1] for f in found], dtype=np.float32))

    @classmethod
    def none(cls, dim: int) -> LanguageOffsets:
        """No offsets: titles are read as embedded."""
        return cls((), np.zeros((0, dim), dtype=np.float32))

    def __bool__(self) -> bool:
        return bool(self.languages)

    def apply(self, vectors: np.ndarray, languages: Languages) -> np.ndarray:
        """The vectors with their language's offset taken out, unit length again; rows of a language without an
        offset (or without text) unchanged."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if not self.languages:
            return vectors
        langs = np.asarray(languages, dtype=object)
        out = vectors.copy()
        present = has_vector(vectors)
        for language, offset in zip(self.languages, self.offsets, strict=True):
            rows = present & (langs == language)
            out[rows] -= offset
            out[rows] /= np.maximum(np.linalg.norm(out[rows], axis=1, keepdims=True), 1e-12)
        return out


def reads_languages_apart(embedder: object) -> bool:
    """Whether an embedder's space keeps each language apart by an offset of its own, so the offsets are worth
    taking out. Declared by the backend (``languages_apart = True``); a model that says nothing is read as
    embedded."""
    return bool(getattr(embedder, "languages_apart", False))


def offsets_note(offsets: LanguageOffsets | None, kept_for_the_answers: bool) -> str:
    """One line for the model card and `relevance train`: whether titles were read without their language's
    offset, and why; "" when the embedder does not keep languages apart."""
    if kept_for_the_answers:
        return (
            "Your answers tie your audience to a language (one language's share of yes is far from the others'): "
            "titles are read with their language, as embedded."
        )
    if not offsets:
        return ""
    names = ", ".join(language_name(code) for code in offsets.languages)
    return f"Titles in {names} are read alike: each language's own offset in the embedding is taken out."


def labelling_vectors(connections: Sequence[Connection], vectors: np.ndarray, embedder: object) -> np.ndarray:
    """The vectors the labeller reads while answers come in: the network's own language offsets taken out when
    the embedder keeps languages apart (whether a language is part of the audience is for `relevance train` to
    ask the answers: there are few at first)."""
    if not reads_languages_apart(embedder):
        return vectors
    languages = title_languages(connections)
    return LanguageOffsets.fit(vectors, languages).apply(vectors, languages)
