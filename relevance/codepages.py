"""Which Windows code page a file that is not UTF-8 was saved in: Excel's "CSV" on a Polish, Czech, Russian,
Lithuanian, Turkish, Greek or Arabic computer writes the region's own, and read as Western European its names and
titles come out as "W³asna dzia³alnoœæ", "Lékaø" or "Ìåíåäæåð ïî ïðîäàæàì" (answers then match nobody, and the
model reads noise).

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
# hr, sl), Cyrillic (ru, uk, bg, sr), Baltic (lt, lv, et), Turkish, Arabic, Greek. Not Hebrew's (cp1255): read
# as Cyrillic, Hebrew letters come out as lower-case words with vowels enough ("ордмъ олйшеъ"), which this test
# cannot tell from Russian.
CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1257", "cp1254", "cp1256", "cp1253")
# Greek or Arabic read as Cyrillic (every byte is a Cyrillic letter) gives words nearly without vowels:
# "Рбрбдьрпхлпт", "ЗКХЗбЗК". In Russian, Ukrainian, Bulgarian and Kazakh titles a word of 4 letters or more is at
# least this share vowels ("Взгляд", 1 in 6, is the rare exception; a file has more words than that).
MIN_VOWELS = 0.2
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїєъәөұүАЕЁИОУЫЭЮЯІЇЄЪӘӨҰҮ")
# Lines with other letters than a-z looked at: plenty to tell code pages apart, cheap on a 30,000-row file.
SAMPLE_LINES = 2000
# How many fewer implausible words another code page needs than Western European to be chosen over it.
MARGIN = 1
# Ordinal indicators ("1ª", "Nº"): letters to Unicode, written by no language's alphabet, common in Spanish and
# Portuguese titles ("Oficial de 1ª").
_ORDINALS = str.maketrans("", "", "ªº")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_CAPITAL_AFTER_SMALL = re.compile(r"[α-ωά-ώ][Α-ΩΆ-Ώ]")
# Serbian's and Macedonian's Cyrillic: the letters Russian shares with them, and their own.
_SOUTH_SLAVIC = frozenset("абвгдежзиклмнопрстуфхцчшјљњћђџѓќѕ")
# The scripts the code pages write letters in, as Unicode names each letter ("LATIN SMALL LETTER A").
_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW"})


def decode_legacy(data: bytes) -> tuple[str, str]:
    """(text, code page) for bytes that are not UTF-8; Latin-1, which decodes anything, when none fits. Chinese,
    Japanese and Korean in their own encodings are not among these: read as one of them, their titles are noise.
    Refusing a file whose words are mostly implausible in every code page would refuse them, but also Serbian
    (ј ћ ђ, about half its words) and a UTF-8 file with one line cut mid-letter."""
    sample = b"\n".join([line for line in data.splitlines() if not line.isascii()][:SAMPLE_LINES])
    odd: dict[str, float] = {}
    for code_page in CODE_PAGES:
        try:
            # Western European first: the others must do better by MARGIN
            odd[code_page] = implausible_words(sample.decode(code_page)) + (MARGIN - 0.5) * (code_page != CODE_PAGES[0])
        except UnicodeDecodeError:  # a byte this code page leaves undefined
            continue
        if not odd[code_page]:  # Western European without one odd word: none can do better (a 30,000-row file 0.3 s)
            break
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
        scripts = {script for ch in run if (script := unicodedata.name(ch, "").split(" ", 1)[0]) in _SCRIPTS}
        if len(scripts) > 1:  # "Mьller": Müller saved as Western, read as Cyrillic; "Satύώ": Turkish as Greek
            return False
        cyrillic = scripts == {"CYRILLIC"}
        if cyrillic and not letter_languages(run) and set(run.casefold()) <= _SOUTH_SLAVIC:
            continue  # Serbian, Macedonian: "Јовановић", "Ѓорѓиевски" (relevance.language reads no such language)
        if cyrillic and len(run) >= 4 and sum(ch in _CYRILLIC_VOWELS for ch in run) < MIN_VOWELS * len(run):
            return False
        if _CAPITAL_AFTER_SMALL.search(run) and "GREEK" in unicodedata.name(run[0], ""):
            return False  # "ΓΝγΟ", "ΗαγΘνΪΗΚ": Arabic read as Greek; Greek titles are capitalised or in capitals
        if not letter_languages(run):
            return False
    return True


def _between_letters(word: str, i: int) -> bool:
    return 0 < i < len(word) - 1 and word[i - 1].isalpha() and word[i + 1].isalpha()
