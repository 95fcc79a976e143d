"""Which Windows code page a file was saved in (relevance.codepages)."""

from __future__ import annotations

import pytest

from relevance.codepages import CODE_PAGES, implausible_words

TEXTS = {
    "cp1254": "Satış Müdürü Yazılım Mühendisi İnsan Kaynakları Uzmanı Bölge Satış Yöneticisi",
    "cp1253": "Διευθυντής Πωλήσεων Προγραμματιστής Υπεύθυνη Ανθρώπινου Δυναμικού Λογιστής",
    "cp1256": "مدير المبيعات مهندس برمجيات أخصائية موارد بشرية محاسب",
    "cp1251": "Менеджер по продажам Руководитель отдела кадров Главный бухгалтер Взгляд",
}


@pytest.mark.parametrize("code_page", sorted(TEXTS))
def test_only_the_code_page_a_text_was_saved_in_reads_it_as_words(code_page: str) -> None:
    """Not by the order ties go in: every other code page that decodes the bytes finds more implausible words, by
    more than the margin Western European is given."""
    data = TEXTS[code_page].encode(code_page)
    own = implausible_words(data.decode(code_page))
    assert own <= 1  # "Взгляд": a word nearly without vowels
    for other in CODE_PAGES:
        if other == code_page:
            continue
        try:
            text = data.decode(other)
        except UnicodeDecodeError:
            continue
        assert implausible_words(text) >= own + 2, other
