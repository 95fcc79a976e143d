"""Signals beyond the title: language, employer, location and industry, as a small block beside the embedding.

Who belongs in an audience is not only what people do but where and in which language they work; a
multilingual embedding makes "Marketing manager" and "Kierownik marketingu" look alike, which hides exactly
that. So the model gets, next to the title's vector, a few one-hot columns, each only when the export has the
data:

- ``language``: the language of the title (headline, else position), from ``relevance.language``; a title
  with no clear language sets no column;
- ``company``: the employer's legal form and the country it implies ("Sp. z o.o." -> PL, "GmbH" -> DE,
  "ООО" -> RU), and the employer itself when it occurs at least ``MIN_COUNT`` times in the network;
- ``location`` and ``industry`` (third-party exports only): each comma-separated part of the location and the
  industry, when frequent.

The vocabulary comes from the whole network (no labels), like the network mean, and travels in the model
bundle, so a new export is featurised the same way. Each block is scaled down (``WEIGHTS``, measured by
scripts/bench_features.py) so that, under the classifier's L2 penalty, it takes weight only where the labels
keep asking for it: an audience defined by occupation alone does not get worse.

Never the person: no name, photo, e-mail, profile URL, or anything else that stands for who someone is rather
than what and where they work. The tool suggests whom to remove from a network; it must not become a way to
filter people by origin. ``Featurizer`` reads only the fields in ``FIELDS`` (tests/test_features.py checks that
changing names leaves every score identical). Language and location describe the work (the language a trainer
teaches in, the market someone serves), and the labels, not this code, decide whether they matter at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from relevance.language import UNKNOWN, language_name
from relevance.language_offsets import Languages, title_languages
from relevance.records import Connection

__all__ = [
    "DEFAULT_SIGNALS",
    "FIELDS",
    "SIGNALS",
    "TITLE_ONLY",
    "Features",
    "Featurizer",
    "build",
    "check_signals",
    "company_key",
    "legal_form",
    "parse_signals",
]

SIGNALS: tuple[str, ...] = ("title", "language", "company", "location", "industry")
DEFAULT_SIGNALS = SIGNALS
TITLE_ONLY: tuple[str, ...] = ("title",)
# The only fields of a connection the features read. Never first_name, last_name, email, url or id.
FIELDS: tuple[str, ...] = ("position", "headline", "company", "location", "industry")
# A value (employer, location part, industry) becomes a column once it occurs this often in the network.
MIN_COUNT = 2
# At most this many columns per open-ended signal, the most frequent values first: 30,000 rows stay small.
MAX_VALUES = 300
# The value of a set column, per signal: lower = more regularised (the title vector has unit length).
WEIGHTS: dict[str, float] = {"language": 0.25, "company": 0.25, "location": 0.25, "industry": 0.25}

# Legal forms: (pattern, as written, country). Checked in this order, so the longer form wins ("S.A.U." before
# "S.A."); a form shared by several countries names the one where it is most common, or none.
_FORMS: tuple[tuple[str, str, str], ...] = (
    (r"sp\.?\s*z\s*o\.?\s*o\.?", "Sp. z o.o.", "PL"),
    (r"sp\.\s*[jkp]\.|s\.k\.a\.", "sp. j./sp. k.", "PL"),
    (r"spółka\s+akcyjna|spółka\s+z\s+ograniczoną", "spółka", "PL"),
    (r"s\.a\.u\.?|s\.l\.u\.?|s\.l\.|s\.coop\.?", "S.L./S.A.U.", "ES"),
    (r"s\.a\.?\s+de\s+c\.?v\.?", "S.A. de C.V.", "MX"),
    (r"gmbh\s*&\s*co\.?\s*kg|gmbh|ug\s*\(haftungsbeschränkt\)|e\.\s*k\.|ohg|kgaa", "GmbH", "DE"),
    (r"ag", "AG", "DE"),
    (r"spol\.\s*s\s*r\.\s*o\.|s\.\s*r\.\s*o\.|v\.\s*o\.\s*s\.|a\.\s*s\.", "s.r.o./a.s.", "CZ"),
    (r"sarl|s\.a\.r\.l\.|sas|s\.a\.s\.|sasu|eurl|sci|snc", "SARL/SAS", "FR"),
    (r"s\.r\.l\.|srl|s\.p\.a\.|spa", "S.r.l./S.p.A.", "IT"),
    (r"b\.v\.|bv|n\.v\.", "B.V.", "NL"),
    (r"llc|l\.l\.c\.|inc\.?|incorporated|corp\.?|corporation|pllc|l\.p\.", "Inc./LLC", "US"),
    (r"pvt\.?\s*ltd\.?|private\s+limited", "Pvt Ltd", "IN"),
    (r"ltd\.?|limited|plc|llp", "Ltd", "GB"),
    (r"ооо|оао|зао|пао|ао|ип", "ООО/АО", "RU"),
    (r"тов|пат|прат", "ТОВ", "UA"),
    (r"еоод|оод|ад", "ООД", "BG"),
    (r"ab", "AB", "SE"),
    (r"a/s|aps", "A/S", "DK"),
    (r"asa|as", "AS", "NO"),
    (r"oyj|oy", "Oy", "FI"),
    (r"kft\.?|zrt\.?|nyrt\.?|bt\.", "Kft.", "HU"),
    (r"lda\.?|ltda\.?", "Lda.", "PT"),
    (r"a\.ş\.|ltd\.\s*şti\.?", "A.Ş.", "TR"),
    (r"s\.a\.|sa", "S.A.", ""),
)
# A form ends the name ("Acme GmbH"); Russian, Ukrainian and Bulgarian ones often start it ("ООО «Акме»").
# Anchored so that "Spa Resort" or "AG Partners" is not read as a legal form.
_FORM_PATTERNS = tuple(
    (
        re.compile(
            rf"(?<![\w.])(?:{pattern})\W*$" + (rf"|^\W*(?:{pattern})(?!\w)" if country in ("RU", "UA", "BG") else ""),
            re.IGNORECASE,
        ),
        written,
        country,
    )
    for pattern, written, country in _FORMS
)
_PUNCT = re.compile(r"[^\w\s&]+")
_SPACE = re.compile(r"\s+")


# A network names the same employers again and again, and fit + block read each company three times: the
# regexes run once per distinct name (measured: a quarter of `train` on 30,000 rows before).
@lru_cache(maxsize=1 << 16)
def legal_form(company: str) -> tuple[str, str] | None:
    """The legal form in a company name and the country it implies ("" when ambiguous), or None.

    >>> legal_form("Kestrel Global Services Sp. z o.o.")
    ('Sp. z o.o.', 'PL')
    """
    text = company.replace("«", " ").replace("»", " ").replace('"', " ").strip()
    for pattern, written, country in _FORM_PATTERNS:
        if pattern.search(text):
            return written, country
    return None


@lru_cache(maxsize=1 << 16)
def company_key(company: str) -> str:
    """An employer's name folded for counting: case, punctuation and the legal form do not matter."""
    text = company.casefold().replace("«", " ").replace("»", " ").replace('"', " ").strip()
    for pattern, _, _ in _FORM_PATTERNS:
        text = pattern.sub(" ", text).strip()
    return _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()


def _fold(value: str) -> str:
    return _SPACE.sub(" ", value.casefold()).strip(" ,;")


def _location_parts(location: str) -> list[str]:
    return [part for part in (_fold(p) for p in location.split(",")) if part]


def check_signals(signals: Iterable[str]) -> tuple[str, ...]:
    """The signals in canonical order; ValueError for an unknown one or one without "title"."""
    chosen = tuple(dict.fromkeys(signals))
    unknown = [s for s in chosen if s not in SIGNALS]
    if unknown:
        raise ValueError(f"unknown signal {unknown[0]!r}: choose among {', '.join(SIGNALS)}")
    if "title" not in chosen:
        raise ValueError("the signals must include 'title': the title's embedding is what the model is built on")
    return tuple(s for s in SIGNALS if s in chosen)


def parse_signals(text: str) -> tuple[str, ...]:
    """``"title,language"`` as a checked tuple of signals; "all" for every signal."""
    if text.strip().casefold() == "all":
        return SIGNALS
    return check_signals(part.strip().casefold() for part in text.split(",") if part.strip())


class Featurizer:
    """The extra block's columns, learnt from a whole network (no labels), and the block for any connections.

    Follows scikit-learn's naming (parameters in ``__init__``, fitted attributes end in ``_``), but takes
    connections, not arrays, so it sits before the pipeline rather than in it.
    """

    def __init__(self, signals: Sequence[str] = DEFAULT_SIGNALS, min_count: int = MIN_COUNT) -> None:
        self.signals = signals
        self.min_count = min_count

    def fit(self, connections: Sequence[Connection], languages: Languages | None = None) -> Featurizer:
        """Learn the columns from a whole network; ``languages``: its titles' (``title_languages``), when the
        caller has them already (detecting them again costs a tenth of a second on 30,000 rows)."""
        signals = check_signals(self.signals)
        columns: list[tuple[str, str, str]] = []  # (signal, value, phrase)
        if "language" in signals:
            counts = Counter(_languages_of(connections, languages))
            counts.pop(UNKNOWN, None)
            columns += [("language", code, f"title in {language_name(code)}") for code in self._frequent(counts)]
        if "company" in signals:
            forms = Counter(f for c in connections if c.company and (f := legal_form(c.company)))
            for (written, country), _ in forms.most_common():
                if forms[(written, country)] >= self.min_count:
                    where = f" ({country})" if country else ""
                    columns.append(("company", f"form:{written}", f"employer's legal form {written}{where}"))
            names = Counter(company_key(c.company) for c in connections if c.company)
            names.pop("", None)
            shown = {company_key(c.company): c.company.strip() for c in reversed(connections) if c.company}
            columns += [("company", f"name:{key}", f"works at {shown[key]}") for key in self._frequent(names)]
        if "location" in signals:
            parts = Counter(p for c in connections for p in dict.fromkeys(_location_parts(c.location)))
            columns += [("location", part, f"based in {part.title()}") for part in self._frequent(parts)]
        if "industry" in signals:
            industries = Counter(_fold(c.industry) for c in connections if c.industry.strip())
            columns += [("industry", value, f"industry {value}") for value in self._frequent(industries)]
        self._set(signals, columns)
        return self

    @classmethod
    def restore(cls, signals: Sequence[str], columns: Sequence[tuple[str, str, str]]) -> Featurizer:
        """A featurizer as fitted before (a saved model's): its signals and (signal, value, phrase) columns."""
        featurizer = cls(tuple(signals))
        featurizer._set(check_signals(signals), [tuple(column) for column in columns])  # type: ignore[misc]
        return featurizer

    def _set(self, signals: tuple[str, ...], columns: list[tuple[str, str, str]]) -> None:
        self.signals_ = signals
        self.columns_ = columns
        self.index_ = {(signal, value): j for j, (signal, value, _) in enumerate(columns)}
        # The signals the network has data for: the rest are asked for but cannot be used.
        self.used_ = ("title", *dict.fromkeys(signal for signal, _, _ in columns))

    def _frequent(self, counts: Counter[str]) -> list[str]:
        return [value for value, n in counts.most_common(MAX_VALUES) if n >= self.min_count]

    @property
    def width(self) -> int:
        """How many columns the block has (0: the title alone)."""
        return len(self.columns_)

    def phrase(self, column: int) -> str:
        """How a column is named in reasons: "title in German", "works at Acme", ..."""
        return self.columns_[column][2]

    def block(self, connections: Sequence[Connection], languages: Languages | None = None) -> np.ndarray:
        """float32 (len(connections), width): the weighted one-hot columns set for each connection (``languages``:
        their titles' languages, when the caller has them already)."""
        out = np.zeros((len(connections), self.width), dtype=np.float32)
        if not self.width:
            return out
        index = self.index_
        read = _languages_of(connections, languages) if "language" in self.signals_ else [None] * len(connections)
        for i, (connection, language) in enumerate(zip(connections, read, strict=True)):
            keys: list[tuple[str, str]] = []
            if language is not None:
                keys.append(("language", language))
            if connection.company and "company" in self.signals_:
                form = legal_form(connection.company)
                if form is not None:
                    keys.append(("company", f"form:{form[0]}"))
                keys.append(("company", f"name:{company_key(connection.company)}"))
            if connection.location and "location" in self.signals_:
                keys += [("location", part) for part in _location_parts(connection.location)]
            if connection.industry and "industry" in self.signals_:
                keys.append(("industry", _fold(connection.industry)))
            for key in keys:
                j = index.get(key)
                if j is not None:
                    out[i, j] = WEIGHTS[key[0]]
        return out


def _languages_of(connections: Sequence[Connection], languages: Languages | None) -> list[str]:
    if languages is None:
        return title_languages(connections).tolist()
    if len(languages) != len(connections):
        raise ValueError(f"give one language per connection: {len(languages)} for {len(connections)}")
    return list(languages)


class Features(NamedTuple):
    """The model's input for some connections: ``X`` = [title vectors | block], and how it was made."""

    X: np.ndarray
    block: np.ndarray
    featurizer: Featurizer


def build(
    connections: Sequence[Connection],
    vectors: np.ndarray,
    signals: Sequence[str] = DEFAULT_SIGNALS,
    featurizer: Featurizer | None = None,
) -> Features:
    """The model's input: each connection's title vector, then the block of the other ``signals``.

    ``signals=("title",)`` gives the vectors unchanged (the title-only model). A ``featurizer`` fitted before
    (a saved model's) is reused as is; otherwise one is fitted on these connections.
    """
    if featurizer is None:
        featurizer = Featurizer(signals).fit(connections)
    block = featurizer.block(connections)
    vectors = np.asarray(vectors, dtype=np.float32)
    X = np.hstack([vectors, block]) if block.shape[1] else vectors
    return Features(X, block, featurizer)
