"""Which Windows code page a file that is not UTF-8 was saved in: Excel's "CSV" on a Polish, Czech, Russian or
Lithuanian computer writes the region's own, and read as Western European its names and titles come out as
"W³asna dzia³alnoœæ", "Lékaø" or "Ìåíåäæåð ïî ïðîäàæàì" (answers then match nobody, and the model reads noise).

Most files decode in several of them without an error, so the choice is by what the text looks like: the
decoding with the fewest implausible words wins, and it must beat Western European by MARGIN words (the code
pages agree on a-z, digits and most punctuation, so only the words with other letters tell). A word is
implausible when it holds a control character, a symbol between letters ("W³asna"), a run of letters in two
scripts ("Mьller"), or letters beyond a-z that no single language writes together ("Kováø": á and ø), by the
letter sets of relevance.language. Ordinals ("1ª", "Nº") are no letters here: read as a Central European "1Ş"
they tipped a Spanish file into Polish ("Peña" read as "Peńa").
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections import Counter

from relevance.language import letter_languages

# Excel's code pages by region, in the order a tie goes: Western European, Central European (pl, cs, sk, hu, ro,
# hr, sl), Cyrillic (ru, uk, bg, sr), Baltic (lt, lv, et).
CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1257")
# Lines with other letters than a-z looked at: plenty to tell code pages apart, cheap on a 30,000-row file.
SAMPLE_LINES = 2000
# How many fewer implausible words another code page needs than Western European to be chosen over it.
MARGIN = 1
# Ordinal indicators ("1ª", "Nº"): letters to Unicode, written by no language's alphabet, common in Spanish and
# Portuguese titles ("Oficial de 1ª").
_ORDINALS = str.maketrans("", "", "ªº")
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def decode_legacy(data: bytes) -> tuple[str, str]:
    """(text, code page) for bytes that are not UTF-8; Latin-1, which decodes anything, when none fits."""
    sample = b"\n".join([line for line in data.splitlines() if not line.isascii()][:SAMPLE_LINES])
    odd: dict[str, float] = {}
    for code_page in CODE_PAGES:
        try:
            # Western European first: the others must do better by MARGIN
            odd[code_page] = implausible_words(sample.decode(code_page)) + (MARGIN - 0.5) * (code_page != CODE_PAGES[0])
        except UnicodeDecodeError:  # a byte this code page leaves undefined
            continue
    # The whole file decoded once, in the best code page whose every byte is defined (not only the sample's).
    for code_page in sorted(odd, key=odd.__getitem__):  # a stable sort: on a tie, the order of CODE_PAGES
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(code_page), code_page
    return data.decode("latin-1"), "latin-1"


def implausible_words(text: str) -> int:
    """How many words of ``text`` (by occurrence) no language would write."""
    words = Counter(word for word in text.split() if not word.isascii())
    return sum(count for word, count in words.items() if not _plausible(word))


def _plausible(word: str) -> bool:
    for i, ch in enumerate(word):
        category = unicodedata.category(ch)
        if category[0] == "C":  # a control character: a byte this code page means as something else
            return False
        if category[0] != "L" and not ch.isascii() and _between_letters(word, i):
            return False  # "W³asna": ³ where Polish wrote ł
    for run in _LETTER_RUN.findall(word.translate(_ORDINALS)):  # "IT-менеджер": two runs, each in one script
        if run.isascii():
            continue
        cyrillic = ["CYRILLIC" in unicodedata.name(ch, "") for ch in run]
        if any(cyrillic) and not all(cyrillic):  # "Mьller": Müller saved as Western, read as Cyrillic
            return False
        if not letter_languages(run):
            return False
    return True


def _between_letters(word: str, i: int) -> bool:
    return 0 < i < len(word) - 1 and word[i - 1].isalpha() and word[i + 1].isalpha()
