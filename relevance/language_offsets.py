"""Each language's own offset in the title vectors, taken out so that a title reads alike in every language.

A multilingual embedding places "Obchodní ředitel" near "Sales Director", but it also moves every title of a
language by an offset of that language's own. With a hundred answers spread over several languages, the
classifier reads part of those offsets as answers (a language whose few answers happened to be "no" sinks as a
whole) and the neighbour smoothing keeps to titles of one language. Subtracting each language's offset leaves what
the title says. Only where the embedder keeps languages apart and knows its offsets (``language_offsets()``, e.g.
multilingual-e5-small: 16% of the variance of ESCO titles in 21 languages lies between languages; USE, trained to
put translations together, 8%, and its vectors are read as embedded).

The offsets are the embedder's own, measured once on the same occupations in every language, not fitted on the
person's network. A network's languages differ in what their titles say as well as in their language (its
Ukrainian connections are programmers and teachers, a short title read as Spanish is 196 call-centre operators),
and an offset fitted on its means took that content out with the language. Measured (100 random answers, 10
repeats, ROC-AUC and removal recall at 98% precision on the unanswered rows) on two invented networks of the kind
real ones are, a Czech sales trainer's 28,500 rows and a Polish HR trainer's 5,000: offsets fitted on the network
0.913 and 0.52, 0.917 and 0.34 (read as embedded: 0.910 and 0.57, 0.925 and 0.39), the model's own offsets 0.924
and 0.62, 0.934 and 0.58. Elsewhere the fitted ones were a little better: on the bundled sample (0.880 and 0.42
against 0.868 and 0.39, scripts/bench_languages.py) and on the benchmark's ESCO networks, whose languages hold the
same occupations by construction (Central/Eastern European trainer 0.924 against 0.918, Polish trainer 0.897
against 0.891). Either kind lifts a Central/Eastern European trainer's ranking at 100 of the tool's own answers
(scripts/bench_accuracy.py): 0.884 read as embedded, 0.930 fitted, 0.929 the model's own.

Taking out more than the offset did not bring the languages nearer English (ROC-AUC on held-out ESCO titles of
occupations none of these were learnt from, 21 languages, 100 random answers, 10 repeats; offsets alone: 4
languages more than 0.03 below English, mean 0.917): a rotation per language onto the mean of the same occupations
in every language (orthogonal Procrustes on 700 of them) 2 languages but mean 0.914, English itself 0.933 -> 0.924;
removing the space's top principal components (1 / 3 / 8) or whitening it: 4-17 languages, mean 0.83-0.89; each
language's spread scaled to the others': 5, mean 0.917.

Only the languages the offsets were measured in have one (those of ESCO's titles: Russian, Ukrainian, Kazakh,
Turkish and Finnish titles are read as embedded). Tried and not kept: offsets for those five from 125 titles
translated by hand, anchored on English's own offset. Their Polish column, estimated the same way, was 0.82 (cosine)
of the offset measured on ESCO's occupations, and on the realistic Kazakh and Polish networks (scripts/realistic.py:
Russian, Kazakh, Ukrainian titles; bench_accuracy, 5 networks each, the tool's own answers) held-out ROC-AUC went
0.967 -> 0.934 and 0.920 -> 0.895 at 50 answers, 0.997 -> 0.997 and 0.970 -> 0.974 at 100.

And not when the answers say the language is part of who the audience is: a German-speaking trainer's audience
is the German titles, and their offset is then what sets them apart (ROC-AUC 0.954 -> 0.882 with it taken out,
0.942 with this check). ``language_matters`` asks the answers: one language's share of "yes" far from the
others' keeps every offset. The offsets a network was trained with travel in the model bundle, so a later export
is read the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from relevance.embed import embedding_text, has_vector
from relevance.language import UNKNOWN, detect_many, language_name
from relevance.records import Connection

__all__ = [
    "MIN_ROWS",
    "LanguageOffsets",
    "Languages",
    "embedder_offsets",
    "labelling_vectors",
    "language_matters",
    "offsets_note",
    "title_languages",
]

# A language per row: "en", "cs", ... or "unknown" (relevance.language).
Languages = Sequence[str] | np.ndarray

# A language with fewer titles than this in the network is left as embedded: a stray title or two taken for a
# language (one short title can pass for Norwegian) is not moved by that language's offset.
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
    """Per language, the embedder's offset for it; subtracted from that language's titles."""

    languages: tuple[str, ...]
    offsets: np.ndarray  # float32, one row per language

    @classmethod
    def for_network(cls, known: dict[str, np.ndarray], vectors: np.ndarray, languages: Languages) -> LanguageOffsets:
        """The embedder's offsets (``embedder_offsets``) of the languages with at least ``MIN_ROWS`` titles in the
        network (rows without text, zero vectors, do not count)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        langs = np.asarray(languages, dtype=object)
        present = has_vector(vectors)
        found = [lang for lang in sorted(known) if (present & (langs == lang)).sum() >= MIN_ROWS]
        if not found:
            return cls.none(vectors.shape[1])
        return cls(tuple(found), np.array([known[lang] for lang in found], dtype=np.float32))

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


def embedder_offsets(embedder: object) -> dict[str, np.ndarray]:
    """An embedder's own offset per language, as its backend declares them (``language_offsets()``); empty for a
    model that declares none, whose titles are read as embedded."""
    declared = getattr(embedder, "language_offsets", None)
    return dict(declared()) if callable(declared) else {}


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
    return (
        f"Titles in {names} are compared by what they say, not by their language: the tool takes out the mark the "
        "reading model leaves on every title of each of these languages."
    )


def labelling_vectors(connections: Sequence[Connection], vectors: np.ndarray, embedder: object) -> np.ndarray:
    """The vectors the labeller reads while answers come in: the language offsets taken out when the embedder
    keeps languages apart (whether a language is part of the audience is for `relevance train` to ask the
    answers: there are few at first)."""
    known = embedder_offsets(embedder)
    if not known:
        return vectors
    languages = title_languages(connections)
    return LanguageOffsets.for_network(known, vectors, languages).apply(vectors, languages)
