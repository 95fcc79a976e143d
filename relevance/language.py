"""Which language (and script) a job title is written in, offline, with an honest "unknown".

A soft signal, not a rule: many titles have no language of their own ("Manager", "Controller", "HR Business
Partner") and many people outside the English-speaking world write their title in English. So the detector
abstains ("unknown") unless it is confident, and the model only ever uses the answer as one feature among
others, weighted by the user's labels.

How a title is decided, cheapest evidence first:
1. the script: Greek, Hebrew, Arabic, Thai, Hangul, kana... name the language (or family) outright;
2. letters only some languages use narrow the candidates (ą ę ł → Polish; ě ř ů → Czech; ß → German;
   ї є → Ukrainian; ә қ ұ → Kazakh); a single candidate decides;
3. otherwise py3langid (a naive Bayes model shipped inside its package, BSD) ranks the remaining candidates,
   restricted to ``LANGUAGES``; below ``MIN_CONFIDENCE`` the answer is "unknown".

Measured by scripts/bench_language.py (ESCO en/de/fr/es and the pl/ru/cs titles of the bundled sample).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "MIN_CONFIDENCE",
    "PRIOR",
    "SCRIPTS",
    "UNKNOWN",
    "Detection",
    "detect",
    "detect_many",
    "language_name",
    "letter_languages",
    "script_of",
    "uzbek_latin",
]

UNKNOWN = "unknown"
# Languages the statistical model chooses among (Latin and Cyrillic scripts): the languages of Europe's
# LinkedIn networks. Fewer candidates = fewer confusions on short titles (a measurement restricted to 10 did as well).
# Croatian, Slovenian and the Baltic languages are in because the choice of embedder (relevance.embedders.choice)
# must see them: without them 33-81% of such titles had no language and the rest passed for Czech or Slovak; with
# them 76-94% are named right, at a cost of 0.9 points of coverage (85.1% -> 84.2%) on the en/de/fr/es/pl/ru/cs
# titles of scripts/bench_language.py, accuracy where decided 97.4% -> 97.5%.
LANGUAGES: tuple[str, ...] = (
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "ro", "hu", "sv", "da", "no", "fi", "tr",
    "hr", "sl", "lt", "lv", "et", "ru", "uk", "bg", "kk", "ky",
)  # fmt: skip
# How much likelier a language is, before reading the title, than one not listed (weight 1): English is the
# lingua franca of LinkedIn, and the big languages of Europe's networks are likelier than, say, Norwegian,
# which a short title such as "Betonformer" otherwise resembles as much. Cyrillic without Ukrainian or
# Bulgarian evidence is Russian. Measured (scripts/bench_language.py): accuracy where decided 0.95 -> 0.97
# and coverage 0.71 -> 0.87 at the same threshold.
PRIOR: dict[str, float] = {
    "en": 10.0, "ru": 10.0, "de": 3.0, "fr": 3.0, "es": 3.0, "pl": 3.0, "it": 3.0, "cs": 2.0, "pt": 2.0, "nl": 2.0,
}  # fmt: skip
# A title gets a language only when that language is likelier than all the others together (py3langid's
# probability times the prior, renormalised over the candidates); otherwise it has no language of its own.
MIN_CONFIDENCE = 0.5

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "cs": "Czech", "sk": "Slovak", "ro": "Romanian", "hu": "Hungarian",
    "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "tr": "Turkish", "hr": "Croatian",
    "sl": "Slovenian", "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian", "ru": "Russian",
    "uk": "Ukrainian", "bg": "Bulgarian", "kk": "Kazakh", "ky": "Kyrgyz", "uz": "Uzbek", "el": "Greek", "he": "Hebrew", "ar": "Arabic", "th": "Thai",
    "ko": "Korean", "ja": "Japanese", "zh": "Chinese", "hi": "Hindi", "ka": "Georgian", "hy": "Armenian",
    UNKNOWN: "no clear language",
}  # fmt: skip

# Scripts by Unicode block. A script that (nearly) means one language decides it.
_SCRIPT_RANGES: tuple[tuple[str, str], ...] = (
    ("Cyrillic", "\u0400-\u04ff\u0500-\u052f"),
    ("Greek", "\u0370-\u03ff\u1f00-\u1fff"),
    ("Hebrew", "\u0590-\u05ff"),
    ("Arabic", "\u0600-\u06ff\u0750-\u077f"),
    ("Devanagari", "\u0900-\u097f"),
    ("Thai", "\u0e00-\u0e7f"),
    ("Georgian", "\u10a0-\u10ff"),
    ("Armenian", "\u0530-\u058f"),
    ("Hangul", "\u1100-\u11ff\uac00-\ud7af\u3130-\u318f"),
    ("Kana", "\u3040-\u30ff"),
    ("Han", "\u4e00-\u9fff\u3400-\u4dbf"),
)
SCRIPTS: tuple[str, ...] = ("Latin", *(name for name, _ in _SCRIPT_RANGES))
_SCRIPT_LANGUAGE = {
    "Greek": "el",
    "Hebrew": "he",
    "Arabic": "ar",
    "Devanagari": "hi",
    "Thai": "th",
    "Georgian": "ka",
    "Armenian": "hy",
    "Hangul": "ko",
    "Kana": "ja",
    "Han": "zh",
}
_SCRIPT_PATTERNS = tuple((name, re.compile(f"[{chars}]")) for name, chars in _SCRIPT_RANGES)
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_BEYOND_LATIN = re.compile(f"[{''.join(chars for _, chars in _SCRIPT_RANGES)}]")

# The letters beyond a-z (or beyond the basic Cyrillic alphabet) each language writes. A title using a letter
# a language lacks is not in that language: "ł" rules out everything but Polish.
_LETTERS: dict[str, str] = {
    "en": "",
    "de": "äöüß",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "es": "áéíñóúü",
    "it": "àèéìíîòóùú",
    "pt": "áâãàçéêíóôõú",
    "nl": "éèëïöüáóúêàç",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "ro": "ăâîșțşţ",
    "hu": "áéíóöőúüű",
    "sv": "åäöé",
    "da": "æøåé",
    "no": "æøåéóò",
    "fi": "äöå",
    "tr": "çğıöşüâî",
    "hr": "čćđšž",
    "sl": "čšž",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "et": "äöõüšž",
    # Cyrillic: beyond the letters they all share. Russian writes ъ too, but only before е ё ю я ("объект") and
    # rarely in a job title; Bulgarian writes it anywhere, all the time ("мениджър", "търговски"). So ъ elsewhere
    # names Bulgarian (``_BULGARIAN_HARD_SIGN``): of ESCO's 19,436 Bulgarian titles 4,658 are named right where a
    # ъ shared with Russian named 2,864 (the rest, without a telling letter, pass for Russian under its prior);
    # the bundled sample's Russian titles stay Russian.
    "ru": "ёыэ",
    "uk": "іїєґ",
    "bg": "ъ",
    "kk": "әғқңөұүһіёыэ",  # Kazakh writes Russian's letters too, and nine of its own (і also Ukrainian)
    # Uzbek in Cyrillic: ў and ҳ are its own among these (ъ it writes anywhere, as Bulgarian does). py3langid has
    # no Uzbek, so only its letters name it.
    "uz": "ўқғҳъёэ",
    "ky": "ңөүёыэ",  # Kyrgyz: Russian's letters and three of its own, all three Kazakh's too
}
# Uzbek in Latin letters writes oʻ and gʻ with an apostrophe or a turned comma ("Kadrlar boʻlimi boshligʻi",
# "O'qituvchi"). Turkish, which the statistical model takes such titles for, has letters Uzbek lacks (ı ş ğ ç ö
# ü), and puts an apostrophe only between a name and its case ending ("Samsung'da", "Volvo'da"), which a title
# typed without Turkish letters may show: a capitalised word before such an ending is not Uzbek. Nor a Dutch
# plural ("foto's") or "EHBO'er": among ESCO's titles in 21 languages none is taken for Uzbek.
_APOSTROPHE = re.compile("[ʻʼ'’‘`]")
_APOSTROPHE_WORD = re.compile(r"([^\W\d_]+)[ʻʼ'’‘`]([^\W\d_]+)")
_TURKISH_ENDINGS = frozenset((
    "da", "de", "ta", "te", "dan", "den", "tan", "ten", "daki", "deki", "taki", "teki", "nda", "nde", "nin", "nun",
    "in", "un", "a", "e", "ya", "ye", "yi", "yu", "i", "u", "la", "le", "yla", "yle",
))  # fmt: skip
_TURKISH_LETTERS = re.compile("[ıışğçöüİ]")
# Vietnamese's letters with a horn, a dot below or a hook above ("Trưởng phòng", "Quản lý dự án"): no language read
# here writes them, and the statistical model said Portuguese or Slovak (by the letters left, "ý á"), whose offset
# the network's Vietnamese titles then had taken out. Such a title has no clear language here.
_VIETNAMESE = re.compile("[\u1ea0-\u1ef9ươƯƠ]")
_UZBEK_OWN = frozenset("ўҳқғ")  # Uzbek in Cyrillic has one of these (қ ғ Kazakh too) in nearly every title
_KYRGYZ_OWN = frozenset("ңөү")  # Kyrgyz's own letters (Kazakh's too)
# Kazakh in Latin letters (the 2021 alphabet: ä ğ ı ñ ö ş ū ü beyond a-z). Turkish, which the statistical model
# takes it for, writes ğ ı ö ş ü too, but never ñ or ū: a title with one of those and one of ğ ı ş, and no letter
# Kazakh lacks, is Kazakh ("Satu bölımınıñ basşysy"). Without them it reads as Turkish; Spanish's ñ and Latvian's
# ū come without ğ ı ş. Not ä, which Kazakh writes too: a Turkish title beside a German employer ("Satış Müdürü -
# Bäckerei Schmidt") and Turkmen ("Baş hünärmen") have it.
_KAZAKH_LATIN = frozenset("äğıñöşūü")
_KAZAKH_OWN = frozenset("ñū")
_TURKIC = frozenset("ğış")
_CYRILLIC_LANGUAGES = ("ru", "uk", "bg", "kk", "uz", "ky")
_CYRILLIC_SHARED = set("абвгдежзийклмнопрстуфхцчшщьюя")
# ъ where Russian never writes it (Russian: only before е ё ю я): Bulgarian ("мениджър", "търговски")
_BULGARIAN_HARD_SIGN = re.compile("ъ(?![еёюя])")
_LATIN_LANGUAGES = tuple(code for code in LANGUAGES if code not in _CYRILLIC_LANGUAGES)
_LETTER_SETS = {code: frozenset(letters) for code, letters in _LETTERS.items()}


@dataclass(frozen=True)
class Detection:
    """A title's language (ISO 639-1, or ``UNKNOWN``), its script, and how sure the detector is (0-1)."""

    language: str
    script: str
    confidence: float


def script_of(text: str) -> str:
    """The script most of the letters are written in ("Latin", "Cyrillic", ...), or "" with no letters."""
    if not _BEYOND_LATIN.search(text):  # the common case, cheaply
        return "Latin" if _LATIN.search(text) else ""
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPT_PATTERNS}
    counts["Latin"] = len(_LATIN.findall(text))
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else ""


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's model, loaded once (0.5-0.6 s: an LZMA-compressed file) and restricted to ``LANGUAGES``."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def _special_letters(text: str) -> set[str]:
    """The letters of a title beyond a-z, in small letters."""
    return {ch for ch in text.casefold() if ch.isalpha() and not ("a" <= ch <= "z")}


def _candidates(text: str, pool: Sequence[str]) -> list[str]:
    """The languages of ``pool`` whose alphabet has every special letter of the text."""
    if text.isascii():
        return list(pool)
    letters = _special_letters(text)
    if pool is _CYRILLIC_LANGUAGES:
        letters -= _CYRILLIC_SHARED
        if not _BULGARIAN_HARD_SIGN.search(text.casefold()):
            letters.discard("ъ")  # only before е ё ю я, where Russian writes it too ("Начальник объекта")
        # Uzbek and Kyrgyz only by their own letters: "Мениджър" stays Bulgarian alone, and a title in plain
        # Cyrillic is never taken for Kyrgyz; "бөлүмүнүн" (ө ү, no letter only Kazakh writes) is Kazakh or
        # Kyrgyz, for the statistical model to tell.
        pool = [c for c in pool if (c != "uz" or letters & _UZBEK_OWN) and (c != "ky" or letters & _KYRGYZ_OWN)]
    else:
        letters = {ch for ch in letters if _LATIN.match(ch)}
    return [code for code in pool if letters <= _LETTER_SETS[code]]


def uzbek_latin(text: str) -> bool:
    """Whether a title is Uzbek written in Latin letters, by its oʻ and gʻ (``_APOSTROPHE_WORD``)."""
    if not _APOSTROPHE.search(text) or _TURKISH_LETTERS.search(text):  # the first: nearly every title, cheaply
        return False
    shouted = text.isupper()  # "KADRLAR BO'LIMI BOSHLIG'I": read in small letters, a longer ending asked for
    for before, after in _APOSTROPHE_WORD.findall(text.lower() if shouted else text):
        if shouted and len(after) < 3:  # "EHBO'ER", "VOLVO'DA" in capitals: too short to tell
            continue
        if before[-1] not in "ogOG" or not after[0].islower() or after == "s":
            continue
        if len(before) > 1 and (before[-1].isupper() or (before[0].isupper() and after in _TURKISH_ENDINGS)):
            continue  # "EHBO'er"; a name and its Turkish case ending: "Samsung'da"
        return True
    return False


def letter_languages(text: str) -> tuple[str, ...]:
    """The languages a title's letters allow, without the statistical model: those whose alphabet has every
    letter of it beyond a-z ("náborový konzultant": Czech or Slovak), the language a script names outright
    (Greek), every Latin or Cyrillic language for a title in plain a-z or basic Cyrillic, and none where no one
    language writes all its letters (or it has none). Cheap enough for every title of every score."""
    return _by_letters(text, script_of(text))


def _by_letters(text: str, script: str) -> tuple[str, ...]:
    """``letter_languages`` of a title written in ``script``."""
    if script in _SCRIPT_LANGUAGE:
        return (_SCRIPT_LANGUAGE[script],)
    if script == "Latin" and uzbek_latin(text):
        return ("uz",)
    if script == "Latin" and kazakh_latin(text):
        return ("kk",)
    return tuple(_candidates(text, _pool(script))) if script else ()


def kazakh_latin(text: str) -> bool:
    """Whether a title is Kazakh written in Latin letters, by ``_KAZAKH_OWN`` beside ``_TURKIC``."""
    if text.isascii():  # nearly every title, cheaply
        return False
    letters = _special_letters(text)
    return bool(letters & _KAZAKH_OWN) and bool(letters & _TURKIC) and letters <= _KAZAKH_LATIN


def _pool(script: str) -> tuple[str, ...]:
    """The languages the statistical model chooses among for a title in this (Latin or Cyrillic) script."""
    return _CYRILLIC_LANGUAGES if script == "Cyrillic" else _LATIN_LANGUAGES


def _guess(text: str) -> Detection:
    """The likeliest language however unsure (``decided`` applies MIN_CONFIDENCE)."""
    script = script_of(text)
    if not script:
        return Detection(UNKNOWN, "", 0.0)
    if script == "Latin" and _VIETNAMESE.search(text):
        return Detection(UNKNOWN, script, 0.0)
    candidates = list(_by_letters(text, script))
    if len(candidates) == 1:  # the script or the letters name it
        return Detection(candidates[0], script, 1.0)
    if not candidates:  # letters no single language has (a name, a typo): let the model choose freely
        candidates = list(_pool(script))
    ranked = dict(_identifier().rank(text))
    probs = np.array([ranked.get(code, 0.0) * PRIOR.get(code, 1.0) for code in candidates])
    total = float(probs.sum())
    if total <= 0:
        return Detection(UNKNOWN, script, 0.0)
    best = int(probs.argmax())
    return Detection(candidates[best], script, float(probs[best]) / total)


@lru_cache(maxsize=1 << 16)
def best_guess(text: str) -> Detection:
    """The likeliest language of one title, however unsure. Remembered per distinct title (up to 65,536), so
    fitting features and then scoring detects each once."""
    return _guess(" ".join(text.split()))


def decided(guess: Detection) -> Detection:
    """``UNKNOWN`` below MIN_CONFIDENCE. Applied to a guess when it is read, never before it is remembered: the
    file of detections on disk (relevance.language_memo) then holds the same guesses whatever threshold the
    program that wrote it ran with (a benchmark that lowered it to 0 had filled it with languages for titles
    the tool calls unknown, and every later command read them)."""
    if guess.confidence >= MIN_CONFIDENCE:
        return guess
    return Detection(UNKNOWN, guess.script, guess.confidence)


def detect(text: str) -> Detection:
    """The language of one title. Case, emoji and punctuation do not matter; empty text is ``UNKNOWN``."""
    return decided(best_guess(text))


def detect_many(texts: Iterable[str]) -> list[Detection]:
    """``detect`` for many titles, each distinct title once (exports repeat titles a lot); what was detected is
    remembered on disk with the vector cache (relevance.language_memo), so the next command reads it instead."""
    from relevance import language_memo  # it imports this module

    texts = list(texts)
    distinct = list(dict.fromkeys(texts))
    seen = language_memo.recall(distinct)
    new = {text: best_guess(text) for text in distinct if text not in seen}
    language_memo.remember(new)
    seen.update(new)
    return [decided(seen[text]) for text in texts]


def language_name(code: str) -> str:
    """ "German" for "de"; the code itself when it has no name here."""
    return LANGUAGE_NAMES.get(code, code)
