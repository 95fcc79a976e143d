"""Language identification of real job titles (relevance.language): offline, fast, and honest about doubt."""

from __future__ import annotations

import time

import pytest

from relevance.language import UNKNOWN, detect, detect_many, language_name, script_of

# Real titles: ESCO occupation titles ("ESCO, European Commission") and the Polish, Czech and Russian titles
# of the bundled sample (scripts/make_sample.py).
TITLES = [
    ("Verkaufsleiter/Verkaufsleiterin", "de"),
    ("Leiterin Vertrieb und Marketing", "de"),
    ("Geschäftsführerin", "de"),
    ("responsable des ventes", "fr"),
    ("chargée de communication", "fr"),
    ("directora de marketing", "es"),
    ("técnico en selección de personal", "es"),
    ("human resources manager", "en"),
    ("Senior Software Engineer", "en"),
    ("Kierownik ds. sprzedaży", "pl"),
    ("Specjalistka ds. rekrutacji", "pl"),
    ("Główna księgowa", "pl"),
    ("Vedoucí obchodního oddělení", "cs"),
    ("Náborářka", "cs"),
    ("Руководитель отдела продаж", "ru"),
    ("Менеджер з продажу і маркетингу", "uk"),
    ("Сату жөніндегі менеджер", "kk"),  # Kazakh: ө, і
    ("Кадр бөлімінің басшысы", "kk"),
    ("Бағдарламашы", "kk"),
    ("Директор по развитию бизнеса", "ru"),  # Kazakhstan's Russian titles stay Russian
    ("Мениджър продажби", "bg"),  # ъ before a consonant: only Bulgarian writes it there
    ("Начальник объекта", "ru"),  # ъ before е: Russian writes it too
    ("Kadrlar bo'limi boshlig'i", "uz"),  # Uzbek in Latin letters: oʻ gʻ with an apostrophe, never Turkish
    ("Oʻqituvchi", "uz"),
    ("Сотувчи ўқитувчи", "uz"),  # ў: Uzbek in Cyrillic
    ("Таълим бўлими бошлиғи", "uz"),
    ("Bo'lim boshlig'i", "uz"),
    ("KADRLAR BO'LIMI BOSHLIG'I", "uz"),
    ("Кадрлар бөлүмүнүн башчысы", "ky"),  # Kyrgyz: ө ү without a letter only Kazakh writes
    ("Өндүрүш башчысы", "ky"),
    ("Satış müdürü", "tr"),
    ("Satu bölımınıñ basşysy", "kk"),  # Kazakh in Latin letters: ñ, which Turkish lacks, beside ı ş
    ("Bas esepşı ūstaz", "kk"),
    ("Geschäftsführer", "de"),
    ("Satış Müdürü - Bäckerei Schmidt", "tr"),  # ä beside ş: a German employer, not Kazakh
    ("Diseñador gráfico", "es"),
    ("Διευθυντής πωλήσεων", "el"),
    ("営業マネージャー", "ja"),  # kana says Japanese; kanji alone reads as Chinese
]


@pytest.mark.parametrize("title", ["Trưởng phòng kinh doanh", "Quản lý dự án", "Nhân viên bán hàng tại Hà Nội"])
def test_vietnamese_is_no_clear_language_rather_than_portuguese(title: str) -> None:
    assert detect(title).language == UNKNOWN


@pytest.mark.parametrize(("title", "expected"), TITLES)
def test_real_titles_get_their_language(title: str, expected: str) -> None:
    assert detect(title).language == expected


@pytest.mark.parametrize(
    "title",
    [
        "O'Brien Sales",
        "Foto's en video's",
        "EHBO'er",
        "Chicago'da satış müdürü",
        "Samsung'da yazilim muhendisi",  # Turkish typed without its letters: a name and its case ending
        "Volvo'da Satis Muduru",
        "VOLVO'DA SATIS MUDURU",
        "EHBO'ER",
    ],
)
def test_an_apostrophe_after_o_or_g_alone_is_not_uzbek(title: str) -> None:
    assert detect(title).language != "uz"


def test_titles_without_a_language_of_their_own_may_abstain() -> None:
    assert detect("").language == UNKNOWN
    assert detect("Personalreferentin").confidence < 1.0  # no letter settles it: the model's guess
    assert detect("🚀 | 123").language == UNKNOWN
    # "Controller" is German and English alike: either answer or "unknown" is fine, never a wild guess
    assert detect("Controller").language in ("en", "de", UNKNOWN)


def test_scripts_and_names() -> None:
    assert script_of("HR-директор") == "Cyrillic"
    assert script_of("Sales Director") == "Latin"
    assert script_of("42") == ""
    assert language_name("de") == "German"
    assert language_name(UNKNOWN) == "no clear language"


def test_case_spacing_and_emoji_do_not_matter() -> None:
    assert detect("KIEROWNIK DS. SPRZEDAŻY").language == "pl"
    assert detect("  Verkaufsleiter   🚀 ").language == "de"


def test_30000_repeating_titles_take_well_under_two_seconds() -> None:
    titles = [title for title, _ in TITLES] * (30_000 // len(TITLES) + 1)
    detect("warm up: the model loads once")
    started = time.perf_counter()
    found = detect_many(titles[:30_000])
    assert time.perf_counter() - started < 2.0
    assert [d.language for d in found[: len(TITLES)]] == [lang for _, lang in TITLES]
