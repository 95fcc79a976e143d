"""Which Windows code page a file that is not UTF-8 was saved in: Excel's "CSV" on a Polish, Czech, Russian,
Lithuanian, Turkish, Greek, Hebrew or Arabic computer writes the region's own, and read as Western European its
names and titles come out as "W³asna dzia³alnoœæ", "Lékaø", "Ìåíåäæåð ïî ïðîäàæàì" or "Satýþ Müdürü" (answers
then match nobody, and the model reads noise).

Most files decode in several of them without an error, so the choice is by what the text looks like: the
decoding with the fewest implausible words wins, and it must beat Western European by MARGIN words (the code
pages agree on a-z, digits and most punctuation, so only the words with other letters tell). A word is
implausible when it holds a control character, a symbol between letters ("W³asna"), a run of letters in two
scripts ("Mьller", "Mόdόrό"), or letters beyond a-z that no single language writes together ("Kováø": á and ø;
"Satýþ": ý and þ), by the letter sets of relevance.language. Ordinals ("1ª", "Nº") are no letters here: read as a
Central European "1Ş" they tipped a Spanish file into Polish ("Peña" read as "Peńa").

Greek, Hebrew or Arabic read as Cyrillic, and Hebrew or Arabic read as Greek, are letters of one script that
name a language, so those words are held to Cyrillic and Greek spelling too (``_SPELLING``): a small letter before a
capital ("ЕллзнйкЮ": Greek's accented vowels; "ЗбгИнЪЗК": Arabic), й after a consonant ("Гйюсгпт": Greek ι,
Hebrew י), small letters without a vowel ("лдп": Hebrew), ς inside a Greek word. Turkish differs from Western
European in six letters (ğ ı ş İ Ş Ğ where it has ð ý þ Ý Þ Ð), so its Turkish letters together decide ("Satış":
ı and ş); but Icelandic names in a Western file read as Turkish ("Sigurður" as "Sigurğur"), and no language here
writes them, so Turkish must beat Western European without them (``icelandic_words``).
"""

from __future__ import annotations

import contextlib
import itertools
import re
import unicodedata
from collections import Counter
from functools import lru_cache

from relevance.language import letter_languages

# Excel's code pages by region, in the order a tie goes: Western European, Central European (pl, cs, sk, hu, ro,
# hr, sl), Cyrillic (ru, uk, bg, sr), Baltic (lt, lv, et), then the ones added later, so that a tie the first four
# won still goes to them: Turkish, Arabic, Hebrew, Greek. Arabic before Hebrew: Hebrew read as Arabic holds Latin
# letters (cp1256 writes French's), while Arabic read as Hebrew can pass for Hebrew with its vowel points.
CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1257", "cp1254", "cp1256", "cp1255", "cp1253")
# Lines with other letters than a-z looked at: plenty to tell code pages apart, cheap on a 30,000-row file.
SAMPLE_LINES = 2000
# How many fewer implausible words another code page needs than Western European to be chosen over it.
MARGIN = 1
# Ordinal indicators ("1ª", "Nº"): letters to Unicode, written by no language's alphabet, common in Spanish and
# Portuguese titles ("Oficial de 1ª").
_ORDINALS = str.maketrans("", "", "ªº")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# What the first loop of ``_plausible`` looks at: characters beyond ASCII, and ASCII's control characters.
_ODD_CHARACTER = re.compile(r"[^\x20-\x7e]")
_SCRIPTS = frozenset(("LATIN", "CYRILLIC", "GREEK", "HEBREW", "ARABIC"))
# Hebrew's points and Arabic's vowel marks are combining marks; Persian writes a zero-width non-joiner in words.
_JOINERS = frozenset("\u200c\u200d")
# Spelling no Cyrillic language (ru, uk, bg, sr, kk) or Greek shows, in small letters.
_CYRILLIC_VOWELS = "аеёиоуыэюяіїєъәөүұў"
_CYRILLIC_CONSONANTS = "бвгґдђжзѕјклљмнњпрстћфхцчџшщьъ"
_SPELLING = {
    "CYRILLIC": re.compile(
        f"[{_CYRILLIC_CONSONANTS}]й"  # й comes first or after a vowel
        "|^[ьъ]|ъ$"  # neither sign starts a word; ъ ends none since 1918 (Russian) or 1945 (Bulgarian)
    ),
    "GREEK": re.compile(
        "ς.|σ$"  # final sigma ends a word, and only it
        "|(?:^|[^αεηιουωάέήίόύώ])[ϊϋΐΰ]"  # a diaeresis parts a vowel from the vowel before it
    ),
}
# Three letters or more and no vowel: Hebrew read as Cyrillic ("лдп"). Abbreviations are in capitals ("ВТБ").
_NO_VOWEL = re.compile(f"^[^{_CYRILLIC_VOWELS}]{{3,}}$")
# An Icelandic word with ð or þ: þ only first, ð never first. Only against Turkish: as plausible everywhere it
# would hide Croatian's đ and Lithuanian's š read as Western European ("graðevinski").
_ICELANDIC = re.compile("^(?:þ[a-záéíóúýæö]+ð?|[a-záéíóúýæö]+ð)[a-záéíóúýæöð]*$")
_ICELANDIC_LETTERS = re.compile("[ðþÐÞ]")


def decode_legacy(data: bytes) -> tuple[str, str]:
    """(text, code page) for bytes that are not UTF-8; Latin-1, which decodes anything, when none fits."""
    sample = b"\n".join([line for line in data.splitlines() if not line.isascii()][:SAMPLE_LINES])
    texts: dict[str, str] = {}
    for code_page in CODE_PAGES:
        with contextlib.suppress(UnicodeDecodeError):  # a byte this code page leaves undefined
            texts[code_page] = sample.decode(code_page)
    # Western European first: the others must do better by MARGIN
    odd = {cp: implausible_words(text) + (MARGIN - 0.5) * (cp != CODE_PAGES[0]) for cp, text in texts.items()}
    # Turkish must beat Western without the Icelandic names of a Western file, which it reads as Turkish ("Sigurður":
    # "Sigurğur"); cp1252 defines every byte cp1254 does.
    if "cp1254" in odd and odd["cp1254"] + icelandic_words(texts["cp1252"]) >= odd["cp1252"]:
        del odd["cp1254"]
    # The whole file decoded once, in the best code page whose every byte is defined (not only the sample's).
    for code_page in sorted(odd, key=odd.__getitem__):  # a stable sort: on a tie, the order of CODE_PAGES
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(code_page), code_page
    return data.decode("latin-1"), "latin-1"


def implausible_words(text: str) -> int:
    """How many words of ``text`` (by occurrence) no language would write."""
    words = Counter(word for word in text.split() if not word.isascii())
    return sum(count for word, count in words.items() if not _plausible(word))


def icelandic_words(text: str) -> int:
    """How many words of ``text`` (by occurrence) only Icelandic would write: with ð or þ, which Turkish reads as ğ
    or ş ("Sigurður", "Þorsteinsson")."""
    words = Counter(word for word in text.split() if _ICELANDIC_LETTERS.search(word))
    return sum(count for word, count in words.items() if not _plausible(word) and _plausible(word, icelandic=True))


def _plausible(word: str, icelandic: bool = False) -> bool:
    for found in _ODD_CHARACTER.finditer(word):
        i, ch = found.start(), found.group()
        category = unicodedata.category(ch)
        if category[0] == "L":
            continue
        if (category == "Mn" or ch in _JOINERS) and i and _script(word[i - 1]) in ("HEBREW", "ARABIC"):
            continue  # "מְנַהֵל", "مُدير"
        if category[0] == "C":  # a control character: a byte this code page means as something else
            return False
        if not ch.isascii() and _between_letters(word, i):
            return False  # "W³asna": ³ where Polish wrote ł
    # "IT-менеджер": two runs, each in one script
    return all(
        run.isascii() or _plausible_run(run) or (icelandic and bool(_ICELANDIC.match(run.lower())))
        for run in _LETTER_RUN.findall(word.translate(_ORDINALS))
    )


@lru_cache(maxsize=1 << 14)
def _plausible_run(run: str) -> bool:
    """Whether some language writes this run of letters (not all a-z). Remembered: names and titles repeat."""
    scripts = {_script(ch) for ch in run} & _SCRIPTS
    if len(scripts) > 1:  # "Mьller": Müller saved as Western, read as Cyrillic
        return False
    script = scripts.pop() if scripts else ""
    if script in _SPELLING:
        small = run.lower()
        if any(a.islower() and b.isupper() for a, b in itertools.pairwise(run)):
            return False  # "ЕллзнйкЮ"
        if _SPELLING[script].search(small):
            return False
        if script == "CYRILLIC" and not run.isupper() and _NO_VOWEL.match(small):
            return False
    return bool(letter_languages(run))


def _script(ch: str) -> str:
    """LATIN, CYRILLIC, GREEK, ... by the character's Unicode name."""
    return "LATIN" if ch.isascii() else unicodedata.name(ch, "").partition(" ")[0]


def _between_letters(word: str, i: int) -> bool:
    return 0 < i < len(word) - 1 and word[i - 1].isalpha() and word[i + 1].isalpha()
