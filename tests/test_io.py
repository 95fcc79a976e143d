"""`relevance.read_export` on every quirk seen in real exports, one tiny synthetic file each."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relevance import Connection, Export, ExportError, connection_id, normalise_url, read_export
from relevance.columns import map_columns
from relevance.io import placeholder

DATA = Path(__file__).parent / "data"
NOTES = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n'
)
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]

# The four people of linkedin_current.csv and its variants (preamble, BOM, CRLF, no final newline).
CURRENT = [
    ("linkedin.com/in/jane-doe-1a2b3c", "Jane", "Doe", "Acme", "Head of Talent, EMEA", date(2023, 1, 4)),
    (
        "linkedin.com/in/tomasz-nowak-42",
        "Tomasz",
        "Nowak",
        "Fabryka Okien Sp. z o.o.",
        "Kierownik sprzedaży",
        date(2021, 2, 17),
    ),
    (
        "linkedin.com/in/lucia-fernandez",
        "Lucía",
        "Fernández",
        "Panadería Sol",
        "Directora de Marketing",
        date(2024, 11, 30),
    ),
    ("linkedin.com/in/ivan-petrov-77", "Ivan", "Petrov", "ООО Ромашка", "Менеджер по продажам", date(2025, 3, 1)),
]


def read(name: str) -> Export:
    return read_export(DATA / name)


def people(export: Export) -> list[tuple[str, str, str, str, str, date | None]]:
    return [(c.id, c.first_name, c.last_name, c.company, c.position, c.connected_on) for c in export.connections]


def clean(export: Export) -> bool:
    """Nothing skipped, doubted or duplicated."""
    return not (
        export.ghost_rows or export.duplicate_rows or export.bad_dates or export.misaligned_rows or export.split_rows
    )


# --- LinkedIn's own export ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("linkedin_current.csv", "utf-8"),
        ("linkedin_no_preamble.csv", "utf-8"),
        ("utf8_bom.csv", "utf-8 (with BOM)"),
        ("crlf.csv", "utf-8"),
        ("no_final_newline.csv", "utf-8"),
    ],
)
def test_current_layout(name: str, encoding: str) -> None:
    export = read(name)
    assert export.format == "LinkedIn connections export"
    assert (export.encoding, export.delimiter) == (encoding, ",")
    assert people(export) == CURRENT
    assert export.rows_read == 4 and clean(export)
    assert export.columns["first_name"] == "First Name"  # the BOM is not part of the first column's name
    assert all(c.url.startswith("https://www.linkedin.com/in/") and c.title for c in export.connections)
    assert export.connections[2].email == "lucia@example.com"


def test_2018_layout_without_url() -> None:
    export = read("linkedin_2018.csv")
    assert export.format == "LinkedIn connections export (older layout, no URL)"
    assert [(c.first_name, c.company, c.position, c.connected_on) for c in export.connections] == [
        ("Walter", "Finch & Sons", "Owner", date(2018, 1, 8)),
        ("Maria", "Lisbon Tiles", "Sales Rep", date(2017, 12, 24)),
        ("Ken", "", "Freelance Translator", date(2016, 3, 1)),
    ]
    assert export.connections[0].email == "urn:li:member:123"  # kept as is; not an address, not an id
    assert all(c.id.startswith("nourl:") and not c.url for c in export.connections)
    assert clean(export)


@pytest.mark.parametrize("name", ["linkedin_2021.csv", "header_compact.csv"])
def test_six_column_layouts(name: str) -> None:
    export = read(name)
    assert export.format == "LinkedIn connections export (older layout, no URL)"
    assert len(export.connections) == 3 and clean(export)
    assert all(c.id.startswith("nourl:") and c.connected_on and c.position for c in export.connections)


def test_2021_dates_and_text() -> None:
    export = read("linkedin_2021.csv")
    assert [(c.last_name, c.position, c.connected_on) for c in export.connections] == [
        ("Holm", "Indkøbschef", date(2021, 2, 17)),
        ("Dvořák", "Obchodní ředitel", date(2020, 12, 3)),
        ("Okafor", "Recruiter", date(2019, 1, 28)),
    ]


@pytest.mark.parametrize(
    "header",
    [
        ["Imię", "Nazwisko", "Stanowisko", "Firma"],  # a spreadsheet kept in Polish
        ["Jméno", "Příjmení", "Pozice", "Společnost"],  # Czech
        ["Имя", "Фамилия", "Должность", "Компания"],  # Russian, as in Kazakhstan too
        ["Prénom", "Nom", "Poste", "Entreprise"],
        ["Nome", "Sobrenome", "Cargo", "Empresa"],  # Portuguese
        ["Nome", "Cognome", "Posizione", "Azienda"],  # Italian
        ["Voornaam", "Achternaam", "Functie", "Bedrijf"],  # Dutch
        ["First Name", "Last Name", "Designation", "Company"],  # Indian and Nigerian CRM exports
    ],
)
def test_headers_in_the_languages_people_keep_their_lists_in(header: list[str]) -> None:
    assert map_columns(header) == {"first_name": 0, "last_name": 1, "position": 2, "company": 3}


@pytest.mark.parametrize(
    "name",
    [
        "Datum spojení",
        "Data połączenia",
        "Data polaczenia",
        "Data nawiązania kontaktu",  # as Polish Excel users have it
        "Fecha de conexión",
        "Дата подключения",
        "Connecté le",
        "Conectado el",
        "Conectado em",
        "Collegato il",
        "Verbonden op",
        "Verbunden am",
    ],
)
def test_the_connection_date_in_the_languages_people_keep_their_lists_in(name: str) -> None:
    assert map_columns(["Jméno", "Pozice", name]) == {"first_name": 0, "position": 1, "connected_on": 2}


def test_a_header_in_french_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "connexions.csv"
    path.write_text(
        "Prénom,Nom,URL,Adresse e-mail,Entreprise,Poste,Connecté le\n"
        "Luc,Martin,https://www.linkedin.com/in/lm,,Acme SA,Directeur commercial,04 Jan 2023\n"
    )
    export = read_export(path)
    assert people(export) == [
        ("linkedin.com/in/lm", "Luc", "Martin", "Acme SA", "Directeur commercial", date(2023, 1, 4))
    ]
    assert export.connections[0].extra == {}


@pytest.mark.parametrize(
    ("header", "tool"),
    [
        (["First Name", "Last Name", "Title", "Company", "Person Linkedin Url"], "Apollo"),
        (["First Name", "Last Name", "Job Title", "Company", "LinkedIn Profile"], "Lusha or Kaspr"),
    ],
)
def test_prospecting_tools_profile_link_is_the_url(header: list[str], tool: str) -> None:
    assert map_columns(header)["url"] == 4, tool


def test_apollo_title_is_the_job_title() -> None:
    header = ["First Name", "Last Name", "Title", "Company", "Seniority", "Departments", "Person Linkedin Url"]
    assert map_columns(header)["position"] == 2


def test_header_spellings() -> None:
    compact = read("header_compact.csv")
    assert compact.columns == {
        "first_name": "FirstName",
        "last_name": "LastName",
        "email": "EmailAddress",
        "company": "Company",
        "position": "Position",
        "connected_on": "ConnectedOn",
    }
    odd = read("header_odd_spelling.csv")
    assert odd.format == "LinkedIn connections export"
    assert set(odd.columns) == {"first_name", "last_name", "url", "email", "company", "position", "connected_on"}
    assert people(odd)[0] == (
        "linkedin.com/in/rita-moreno-1",
        "Rita",
        "Moreno",
        "Casa Moreno",
        "Gerente",
        date(2022, 4, 14),
    )
    assert odd.connections[2].connected_on == date(2024, 3, 21)


def test_columns_reordered() -> None:
    export = read("columns_reordered.csv")
    assert export.format == "LinkedIn connections export"
    assert people(export)[0] == ("linkedin.com/in/zoe-clark", "Zoe", "Clark", "Acme", "Buyer", date(2023, 1, 4))
    assert len(export.connections) == 3 and clean(export)


def test_columns_dropped() -> None:
    export = read("columns_dropped.csv")
    assert export.delimiter == ";"
    assert export.format == "LinkedIn connections export (older layout, no URL)"
    assert [(c.first_name, c.last_name, c.company, c.position, c.connected_on) for c in export.connections] == [
        ("Greta", "", "Lindqvist AB", "Inköpare", date(2021, 10, 12)),
        ("Hugo", "", "Bistro Hugo", "Chef", date(2021, 10, 13)),
        ("Ines", "", "Vila Verde", "Enfermeira", date(2021, 10, 14)),
    ]


def test_columns_added_are_kept_as_extra() -> None:
    export = read("columns_added.csv")
    assert len(export.connections) == 3 and clean(export)
    assert export.connections[0].extra == {"Tags": "investor", "My Notes": "met at a conference"}
    assert export.connections[1].extra == {}  # empty cells are not kept
    assert export.connections[0].position == "Partner"


# --- Encodings and delimiters --------------------------------------------------------------------------------


def test_excel_cp1252_semicolon_crlf_with_preamble() -> None:
    export = read("excel_cp1252_semicolon.csv")
    assert (export.encoding, export.delimiter, export.format) == ("cp1252", ";", "LinkedIn connections export")
    assert [(c.first_name, c.last_name, c.company, c.position) for c in export.connections] == [
        ("José", "Müller", "Škoda Œuvre SA", "Responsable Achats, Europe"),
        ("François", "Lefèvre", "Café; Crème", "Gérant €"),
        ("Zoë", "Šimková", "Niño & Señora", "Diseñadora"),
    ]
    assert export.connections[2].connected_on == date(2023, 1, 6)


def test_latin1() -> None:
    export = read("latin1.csv")
    # Latin-1 text without C1 control bytes is also valid cp1252, with the same characters.
    assert export.encoding in {"cp1252", "latin-1"}
    assert [(c.first_name, c.last_name, c.company, c.position) for c in export.connections] == [
        ("Renée", "Ångström", "Øresund Ærø", "Ingeniør"),
        ("Jürgen", "Weiß", "Bäckerei Weiß", "Bäckermeister"),
        ("Íñigo", "Peña", "Señorío S.L.", "Contable"),
    ]


# Excel's "CSV" on a Polish, Czech, Russian, Lithuanian, Turkish, Greek, Hebrew or Arabic computer: the region's
# own Windows code page.
REGIONAL_ROWS = {
    "cp1250": [
        ("Łukasz", "Zieliński", "Własna działalność gospodarcza", "Menedżer ds. sprzedaży"),
        ("Agnieszka", "Wiśniewska", "Wisła Logistyka", "Kierownik działu kadr"),
        ("Tomáš", "Dvořák", "Účetní kancelář s.r.o.", "Obchodní ředitel"),
        ("Jiří", "Černý", "Nemocnice Ústí", "Lékař"),
        ("Ľubomír", "Šťastný", "Ťahanovce a.s.", "Obchodný riaditeľ"),
        ("Gergő", "Kovács", "Győri Kft.", "Értékesítési vezető"),
    ],
    "cp1251": [
        ("Алексей", "Смирнов", "ООО Ромашка", "Менеджер по продажам"),
        ("Ольга", "Иванова", "Сбербанк", "HR-специалист"),
        ("Георги", "Петров", "Търговска къща", "Мениджър продажби"),
        ("Айгерим", "Ахметова", "Казахтелеком", "Руководитель отдела маркетинга"),
        ("Марко", "Јовановић", "Телеком Србија", "Менаџер продаје"),  # Serbian: ј ћ џ, which no language here reads
        ("Ана", "Ђорђевић", "Microsoft", "Software Engineer"),
    ],
    "cp1257": [
        ("Jonas", "Kazlauskas", "Vilniaus ūkis", "Pardavimų vadovas"),
        ("Rūta", "Jankauskienė", "Kauno prekyba", "Personalo vadovė"),
        ("Jānis", "Bērziņš", "Rīgas tirdzniecība", "Pārdošanas vadītājs"),
    ],
    # Turkish differs from Western European in six letters only (ğ ı ş İ Ş Ğ for ð ý þ Ý Þ Ð)
    "cp1254": [
        ("Ayşe", "Yılmaz", "Anadolu Gıda A.Ş.", "Satış Müdürü"),
        ("Mehmet", "Çelik", "Boğaziçi Lojistik", "İnsan Kaynakları Uzmanı"),
        ("Gülşen", "Öztürk", "İstanbul Yazılım Ltd. Şti.", "Kıdemli Yazılım Mühendisi"),
        ("Oğuz", "Doğan", "Ege Tekstil", "Müşteri Temsilcisi"),
        ("Şule", "Kılıç", "Serbest Çalışan", "Eğitim Uzmanı"),
        ("Emre", "Aydın", "Microsoft", "Software Engineer"),
    ],
    "cp1253": [
        ("Γιώργος", "Παπαδόπουλος", "Ελληνική Εταιρεία ΑΕ", "Διευθυντής Πωλήσεων"),
        ("Μαρία", "Κωνσταντίνου", "Αθηναϊκή Τράπεζα", "Υπεύθυνη Ανθρώπινου Δυναμικού"),
        ("Νίκος", "Οικονόμου", "ΟΤΕ", "Προϊστάμενος Λογιστηρίου"),
        ("Ελένη", "Γεωργίου", "Microsoft", "Software Engineer"),
    ],
    "cp1255": [
        ("דוד", "כהן", 'חברת הייטק בע"מ', "מנהל מכירות"),
        ("שרה", "לוי", "בנק הפועלים", "מנהלת משאבי אנוש"),
        ("יוסי", "מזרחי", "עצמאי", "מהנדס תוכנה"),
        ("נועה", "פרץ", "Wix", "Software Engineer"),
    ],
    "cp1256": [
        ("أحمد", "محمد", "شركة النور", "مدير المبيعات"),
        ("فاطمة", "علي", "بنك الخليج", "مديرة الموارد البشرية"),
        ("خالد", "العتيبي", "عمل حر", "مهندس برمجيات"),
        ("سارة", "حسن", "Careem", "Software Engineer"),
    ],
}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "no-bom.csv"
    row = "Tomasz\tNowak\thttps://www.linkedin.com/in/tn\t\tFabryka\tKierownik sprzedaży\t17 Feb 2021\n"
    path.write_bytes(("\t".join(HEADER) + "\n" + row).encode(encoding))
    export = read_export(path)
    assert [c.position for c in export.connections] == ["Kierownik sprzedaży"]
    assert export.encoding == encoding


def test_a_utf8_file_with_a_line_in_a_code_page_reads_each_line_as_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    utf8 = "Zorvina,Plaketová,https://www.linkedin.com/in/zp,,Acme,Ředitelka prodeje,04 Jan 2023\n"
    pasted = "Jürgen,Wäldchen,https://www.linkedin.com/in/jw,,Müller,Geschäftsführer,05 Jan 2023\n"
    path.write_bytes((",".join(HEADER) + "\n" + utf8 * 3).encode() + pasted.encode("cp1252"))
    export = read_export(path)
    assert [(c.last_name, c.position) for c in export.connections[-2:]] == [
        ("Plaketová", "Ředitelka prodeje"),
        ("Wäldchen", "Geschäftsführer"),
    ]
    assert export.encoding == "mixed: utf-8, 1 line in cp1252"


@pytest.mark.parametrize("code_page", sorted(REGIONAL_ROWS))
def test_excel_in_the_regions_own_code_page(tmp_path: Path, code_page: str) -> None:
    rows = REGIONAL_ROWS[code_page]
    lines = ["First Name;Last Name;URL;Email Address;Company;Position;Connected On"]
    lines += [f"{a};{b};;;{c};{d};15 Mar 2023" for a, b, c, d in rows]
    path = tmp_path / "Connections.csv"
    path.write_bytes("\r\n".join(lines).encode(code_page))
    export = read_export(path)
    assert export.encoding == code_page
    assert [(c.first_name, c.last_name, c.company, c.position) for c in export.connections] == rows


def test_a_utf8_file_with_a_line_cut_mid_letter_is_read(tmp_path: Path) -> None:
    """A tool that cuts lines at a number of bytes leaves half a letter: the rest of the file is UTF-8 all the same."""
    rows = [
        f"Иван{i},Петров,https://www.linkedin.com/in/ivan{i},,Ромашка,Менеджер по продажам,04 Jan 2023\n"
        for i in range(50)
    ]
    cut = "Сергей,Смирнов,https://www.linkedin.com/in/ss,,Вектор,Руководитель отдела маркетинга,05 Jan 2023\n".encode()
    at = cut.index("маркетинга".encode()) + 3
    path = tmp_path / "Connections.csv"
    path.write_bytes((",".join(HEADER) + "\n" + "".join(rows)).encode() + cut[:at] + cut[at + 1 :])
    export = read_export(path)
    assert len(export.connections) == 51 and export.connections[0].position == "Менеджер по продажам"


def test_western_text_stays_western(tmp_path: Path) -> None:
    """Spanish "ñ" is Polish "ń" in the Central European code page, French "è" Czech "č": a Western file whose
    words read as well either way stays Western."""
    path = tmp_path / "Connections.csv"
    lines = ["First Name;Last Name;URL;Email Address;Company;Position;Connected On"]
    lines += ["Íñigo;Peña;;;Señorío S.L.;Diseñador gráfico;1 Feb 2022", "Hélène;Lefèvre;;;Crème;Gérante;2 Feb 2022"]
    # ordinals no alphabet writes, which the Central European and Baltic code pages read as letters (1Ş, 1Ŗ)
    lines += [f"Begoña;Muñoz;;;Obras {n}º;Oficial de {n}ª electricista;3 Feb 2022" for n in range(1, 4)]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    export = read_export(path)
    assert export.encoding == "cp1252"
    assert export.connections[0].position == "Diseñador gráfico"


def test_western_files_stay_western_with_the_letters_turkish_greek_arabic_and_hebrew_read_otherwise(
    tmp_path: Path,
) -> None:
    """Turkish reads ð þ ý as ğ ş ı, so an Icelandic name reads as Turkish ("Sigurður" as "Sigurğur"); Arabic reads
    French's letters as French and the rest as Arabic; Greek and Hebrew turn accented letters into theirs."""
    path = tmp_path / "Connections.csv"
    lines = ["First Name;Last Name;URL;Email Address;Company;Position;Connected On"]
    lines += [
        "Jürgen;Weiß;;;Bäckerei Weiß GmbH;Geschäftsführer;1 Feb 2022",
        "Íñigo;Peña;;;Señorío S.L.;Diseñador gráfico;2 Feb 2022",
        "Hélène;Lefèvre;;;Société Générale;Chargée de clientèle;3 Feb 2022",
        "Søren;Ørsted;;;Mærsk;Salgschef;4 Feb 2022",
        "Sigurður;Þorsteinsson;;;Marel;Sölustjóri;5 Feb 2022",
    ]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    export = read_export(path)
    assert export.encoding == "cp1252"
    assert [(c.first_name, c.last_name) for c in export.connections][-1] == ("Sigurður", "Þorsteinsson")


@pytest.mark.parametrize(("name", "delimiter"), [("semicolon.csv", ";"), ("tab.tsv", "\t")])
def test_other_delimiters(name: str, delimiter: str) -> None:
    export = read(name)
    assert export.delimiter == delimiter
    assert export.format == "LinkedIn connections export"
    assert [(c.id, c.company, c.position) for c in export.connections] == [
        ("linkedin.com/in/jane-doe-1a2b3c", "Acme", "Head of Talent, EMEA"),
        ("linkedin.com/in/tomasz-nowak-42", "Okna; Drzwi", "Kierownik sprzedaży"),
        ("linkedin.com/in/lucia-fernandez", "Panadería Sol", "Directora de Marketing"),
    ]


def test_utf16_from_excel_unicode_text(tmp_path: Path) -> None:
    text = (DATA / "tab.tsv").read_text(encoding="utf-8")
    (tmp_path / "unicode.txt").write_bytes(text.encode("utf-16"))  # with BOM, as Excel writes it
    export = read_export(tmp_path / "unicode.txt")
    assert export.encoding == "utf-16" and len(export.connections) == 3


# --- Quoting, emoji, names ------------------------------------------------------------------------------------


def test_quoted_commas_quotes_and_newlines() -> None:
    export = read("quoting.csv")
    assert [(c.last_name, c.company, c.position) for c in export.connections] == [
        ("O'Neil", "Acme, Inc.", "VP Sales, DACH | Partner"),
        ('"Bobby" Ray', 'The "Best" Co', 'Chief "Fun" Officer'),
        ("Lind", "Lind\nConsulting", 'Coach\r\nand mentor, "certified"'),
        ("Fox", "Fox @ Home", "Growth Hacker 🚀"),  # trailing spaces trimmed
    ]
    assert [c.connected_on for c in export.connections] == [date(2023, 1, d) for d in (4, 5, 6, 7)]
    assert clean(export)


def test_emoji_and_zwj_sequences() -> None:
    export = read("emoji_names.csv")
    assert [c.name for c in export.connections] == ["👩‍💻 Maya Chen 🇨🇦", "Kai 🏳️‍🌈 Lund", "👨‍👩‍👧‍👦 Family ✨"]
    assert export.connections[0].position == "Software Engineer 👩🏽‍🚀"
    assert export.connections[2].position == "Dad, husband ❤️"
    assert clean(export)


def test_credentials_after_a_comma() -> None:
    export = read("credentials.csv")
    assert [c.last_name for c in export.connections] == ["Abbas, PhD", "Lee, MBA, CPA", "Novak, M.D."]
    assert export.connections[2].first_name == "Dr. Eva"


# --- Dates ------------------------------------------------------------------------------------------------------


def test_locale_dates() -> None:
    export = read("dates_locale.csv")
    assert [c.connected_on for c in export.connections] == [date(2022, 5, 4), date(2009, 10, 30), date(2021, 9, 16)]
    assert export.bad_dates == 0


def test_mixed_dates_and_an_unreadable_one() -> None:
    export = read("dates_mixed.csv")
    assert [c.connected_on for c in export.connections] == [
        date(2023, 1, 4),
        date(2018, 1, 8),
        date(2021, 3, 4),
        date(2009, 10, 30),
        None,
    ]
    assert export.bad_dates == 1
    assert len(export.connections) == 5  # the person is kept; only the date is unknown
    assert export.date_range == (date(2009, 10, 30), date(2023, 1, 4))


def test_day_first_slashes_decided_per_file() -> None:
    export = read("dates_dayfirst.csv")
    assert [c.connected_on for c in export.connections] == [date(2023, 1, 4), date(2021, 9, 16), date(2020, 2, 3)]


# --- Files that lost their shape ----------------------------------------------------------------------------------


def test_rows_wrapped_in_quotes_without_header() -> None:
    export = read("wrapped_rows.csv")
    assert (
        export.format
        == "LinkedIn connections export (header missing, rows wrapped in quotes; LinkedIn columns inferred)"
    )
    assert [(c.id, c.first_name, c.position, c.connected_on) for c in export.connections] == [
        ("linkedin.com/in/jane-doe-1a2b3c", "Jane", "Head of Talent, EMEA", date(2023, 1, 4)),
        ("linkedin.com/in/tomasz-nowak-42", "Tomasz", "Kierownik", date(2021, 2, 17)),
        ("linkedin.com/in/lucia-fernandez", "Lucía", "Directora", date(2024, 11, 30)),
    ]


def test_rows_wrapped_in_quotes_with_their_header(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.csv"
    path.write_text(
        f'"{",".join(HEADER)}"\n"Jane,Doe,https://www.linkedin.com/in/jane,,Acme,""CEO, EU"",04 Jan 2023"\n'
    )
    export = read_export(path)
    assert export.format == "LinkedIn connections export (rows wrapped in quotes)"
    assert people(export) == [("linkedin.com/in/jane", "Jane", "Doe", "Acme", "CEO, EU", date(2023, 1, 4))]


def test_rows_wrapped_in_quotes_without_header_after_a_european_excel(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.csv"
    path.write_text(
        '"Jane;Doe;https://www.linkedin.com/in/jane;;Acme, Inc.;Head of Talent;04 Jan 2023"\n'
        '"Karel;Novák;https://www.linkedin.com/in/karel-novak;;Acme;Vedoucí;15 Mar 2022"\n'
    )
    export = read_export(path)
    assert (
        export.format
        == "LinkedIn connections export (header missing, rows wrapped in quotes; LinkedIn columns inferred)"
    )
    assert people(export) == [
        ("linkedin.com/in/jane", "Jane", "Doe", "Acme, Inc.", "Head of Talent", date(2023, 1, 4)),
        ("linkedin.com/in/karel-novak", "Karel", "Novák", "Acme", "Vedoucí", date(2022, 3, 15)),
    ]


NOTES = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n'
)


@pytest.mark.parametrize("wrapped", [False, True])
def test_the_notes_above_a_lost_header_are_not_read_as_people(tmp_path: Path, wrapped: bool) -> None:
    rows = [
        "Jane,Doe,https://www.linkedin.com/in/jane,,Acme,Senior Talent Acquisition Partner for the whole EMEA region,04 Jan 2023",
        "Bob,Roe,https://www.linkedin.com/in/bob,,Beta,CTO,05 Jan 2023",
        ",,,,,,06 Jan 2023",
    ]
    path = tmp_path / "headerless.csv"
    path.write_text(NOTES + "".join(f'"{row}"\n' if wrapped else f"{row}\n" for row in rows))
    export = read_export(path)
    assert [c.first_name for c in export.connections] == ["Jane", "Bob"]
    assert export.ghost_rows == 1 and export.rows_read == 3


def test_a_first_row_wrapped_in_quotes_with_its_cells_quoted_is_not_taken_for_a_note(tmp_path: Path) -> None:
    """Its last piece ends in a quote ("04 Jan 2023"), or a 2018 date splits at its own comma: read as a note, the
    first person was dropped without a word."""
    rows = [
        '"""Jane"",""Doe"","""",""Acme"",""Head of Sales and Marketing"",""04 Jan 2023"""',
        '"Bob,Roe,,Beta,Head of Sales and Marketing for Europe,""1/8/18, 6:14 PM"""',
        '"Al,Li,,Gamma,CTO,""2/8/18, 9:00 AM"""',
    ]
    path = tmp_path / "headerless.csv"
    path.write_text("\n".join(rows) + "\n")
    export = read_export(path)
    assert [c.first_name for c in export.connections] == ["Jane", "Bob", "Al"]


def test_a_file_of_only_linkedins_notes_says_so(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        'Notes:\n"When exporting your connection data, you may notice that some of the email addresses are missing."\n\n'
    )
    with pytest.raises(ExportError, match="holds only LinkedIn's notes, no header and no connections: export again"):
        read_export(path)


def test_header_lost_older_layout() -> None:
    export = read("headerless.csv")
    assert export.format == "LinkedIn connections export (header missing; LinkedIn columns inferred)"
    jane = export.connections[0]
    assert (jane.first_name, jane.company, jane.position) == ("Jane", "Acme", "Buyer")
    assert export.rows_read == 3 and clean(export)


def test_ragged_rows_and_an_empty_trailing_header_column() -> None:
    export = read("ragged_rows.csv")
    assert export.format == "LinkedIn connections export"
    assert [(c.first_name, c.position, c.connected_on) for c in export.connections] == [
        ("Jane", "Buyer", date(2023, 1, 4)),
        ("Tomasz", "Kierownik", date(2021, 2, 17)),
        ("Lucía", "Directora", date(2024, 11, 30)),
        ("Short", "", None),  # fewer cells: the missing ones are empty
    ]
    assert export.connections[3].company == "Short Co"
    assert clean(export)  # empty surplus cells are Excel's padding, not misalignment


def test_unquoted_comma_is_joined_back_into_position(tmp_path: Path) -> None:
    path = tmp_path / "unquoted.csv"
    path.write_text(
        ",".join(HEADER) + "\nJane,Doe,https://www.linkedin.com/in/jane,,Acme,Head of Talent, EMEA,04 Jan 2023\n"
    )
    export = read_export(path)
    (jane,) = export.connections
    assert (jane.company, jane.position, jane.connected_on) == ("Acme", "Head of Talent, EMEA", date(2023, 1, 4))
    assert export.misaligned_rows == 1 and export.bad_dates == 0


def test_an_unquoted_comma_in_a_name_is_joined_back_into_the_name(tmp_path: Path) -> None:
    """Joined before the date instead, the URL's column held " PhD": everyone with that credential had the id
    "phd", and all but the first were dropped as duplicates."""
    path = tmp_path / "unquoted.csv"
    path.write_text(
        ",".join(HEADER)
        + "\nAna,Abbas, PhD,https://www.linkedin.com/in/ana,,Foo,Dev,01 Dec 2019"
        + "\nBob,Lee, PhD,https://www.linkedin.com/in/bob,,Bar,Head of Sales, EMEA,02 Dec 2019"
        + "\nEva,Novak, M.D., MBA,https://www.linkedin.com/in/eva,,Baz,CEO,03 Dec 2019\n"
    )
    export = read_export(path)
    assert [(c.id, c.last_name, c.company, c.position) for c in export.connections] == [
        ("linkedin.com/in/ana", "Abbas, PhD", "Foo", "Dev"),
        ("linkedin.com/in/bob", "Lee, PhD", "Bar", "Head of Sales, EMEA"),
        ("linkedin.com/in/eva", "Novak, M.D., MBA", "Baz", "CEO"),
    ]
    assert export.misaligned_rows == 3 and export.duplicate_rows == 0 and export.bad_dates == 0


def test_an_unquoted_comma_in_a_name_is_joined_back_in_the_layouts_without_a_url(tmp_path: Path) -> None:
    """LinkedIn's layouts before 2022 have the e-mail after the names: a cell there that is no address is the
    name's own; joined before the date instead, the company moved into the position the model reads."""
    path = tmp_path / "old.csv"
    path.write_text(
        "First Name,Last Name,Email Address,Company,Position,Connected On"
        "\nOmar,Abbas, PhD,,Charles University,Researcher,05 Jan 2021"
        "\nPetr,Malý, MBA, CSc.,petr@example.cz,Beta,Buyer,07 Jan 2021"
        "\nJana,Nová,,Acme,Sales, Marketing,06 Jan 2021\n",
        encoding="utf-8",
    )
    export = read_export(path)
    assert [(c.last_name, c.email, c.company, c.position) for c in export.connections] == [
        ("Abbas, PhD", "", "Charles University", "Researcher"),
        ("Malý, MBA, CSc.", "petr@example.cz", "Beta", "Buyer"),
        ("Nová", "", "Acme", "Sales, Marketing"),  # the position's own comma stays in the position
    ]
    assert export.misaligned_rows == 3


def test_profile_links_that_lost_letters_to_a_code_page_keep_people_apart(tmp_path: Path) -> None:
    """Excel saves "jiří-černý" as "ji?í-?erný" in cp1252: the "?" is a lost letter, not a query string. Cut
    there, the id read "linkedin.com/in/ji" and Jiří Dvořák was dropped as Jiří Černý's duplicate; Cyrillic slugs
    lose every letter, and two people's links can read alike."""
    rows = [
        "First Name;Last Name;URL;Email Address;Company;Position;Connected On",
        "Jiří;Černý;https://www.linkedin.com/in/jiří-černý-1a;;Avast;Programátor;04 Jan 2023",
        "Jiří;Dvořák;https://www.linkedin.com/in/jiří-dvořák-2b?trk=abc;;Seznam.cz;Účetní;05 Jan 2023",
        "Łukasz;Zieliński;https://www.linkedin.com/in/łukasz-zieliński;;Allegro;Analityk;06 Jan 2023",
        "Michał;Nowak;https://www.linkedin.com/in/michał-nowak;;Orlen;Dyrektor;07 Jan 2023",
        "Иван;Петров;https://www.linkedin.com/in/иван-петров;;Kaspi;Рекрутер;07 Jan 2023",
        "Олег;Иванов;https://www.linkedin.com/in/олег-иванов;;Kaspi;Бухгалтер;08 Jan 2023",
        "Олег;Иванов;https://www.linkedin.com/in/олег-иванов;;Kaspi;Бухгалтер;08 Jan 2023",
    ]
    path = tmp_path / "excel.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252", errors="replace"))
    export = read_export(path)
    assert export.encoding == "cp1252"
    assert [c.last_name for c in export.connections] == ["?erný", "Dvo?ák", "Zieli?ski", "Nowak", "??????", "??????"]
    assert export.connections[1].id == "linkedin.com/in/ji?í-dvo?ák-2b"  # the query string still goes
    assert len({c.id for c in export.connections}) == 6
    assert export.duplicate_rows == 1  # the same row twice is still one person


@pytest.mark.parametrize(
    ("cells", "company", "position"),
    [
        ("Acme, Inc.,Head of Talent", "Acme, Inc.", "Head of Talent"),
        ("Novák a syn, s.r.o.,Obchodní ředitel, CZ", "Novák a syn, s.r.o.", "Obchodní ředitel, CZ"),
        ("Kowalski, Sp. z o.o.,Handlowiec", "Kowalski, Sp. z o.o.", "Handlowiec"),
        ("Acme,Country Manager, Poland", "Acme", "Country Manager, Poland"),  # "Co..." starts a title: no legal form
        ("Acme, Co., Sales Director", "Acme, Co.", "Sales Director"),
    ],
)
def test_an_unquoted_comma_before_a_legal_form_stays_in_the_company(
    tmp_path: Path, cells: str, company: str, position: str
) -> None:
    path = tmp_path / "unquoted.csv"
    path.write_text(",".join(HEADER) + f"\nJane,Doe,https://www.linkedin.com/in/jane,,{cells},04 Jan 2023\n")
    export = read_export(path)
    (jane,) = export.connections
    assert (jane.company, jane.position, jane.connected_on) == (company, position.strip(), date(2023, 1, 4))
    assert export.misaligned_rows == 1


def test_a_row_split_by_an_unquoted_line_break_is_joined_again(tmp_path: Path) -> None:
    """An unquoted "Sales Manager<newline>EMEA" makes two short rows, the second no person called "EMEA"; three pieces
    too. A short row that only leaves out its last cells, even followed by another, stays as it is."""
    path = tmp_path / "split.csv"
    path.write_text(
        ",".join(HEADER)
        + "\nJane,Doe,https://www.linkedin.com/in/jane,,Acme,Sales Manager\nEMEA,04 Jan 2023"
        + "\nAl,Bo,https://www.linkedin.com/in/al,,Beta,Head\nof\nSales,05 Jan 2023"
        + "\nShort,Row,https://www.linkedin.com/in/short,,Gamma\nCut,Off,https://www.linkedin.com/in/cut"
        + "\nBob,Roe,https://www.linkedin.com/in/bob,,X,CTO,06 Jan 2023\n"
    )
    export = read_export(path)
    assert [(c.first_name, c.position, c.connected_on) for c in export.connections] == [
        ("Jane", "Sales Manager\nEMEA", date(2023, 1, 4)),
        ("Al", "Head\nof\nSales", date(2023, 1, 5)),
        ("Short", "", None),
        ("Cut", "", None),
        ("Bob", "CTO", date(2023, 1, 6)),
    ]
    assert export.split_rows == 2 and export.rows_read == 5


def test_split_rows_are_joined_only_where_the_pieces_make_one_row(tmp_path: Path) -> None:
    """A one-cell row before a whole one stays; a split row's own date decides the file's day order; extra
    empty columns after the header's last one are no obstacle; thousands of one-cell rows are no search."""
    lonely = tmp_path / "lonely.csv"
    lonely.write_text(",".join(HEADER) + "\nJane\nBob,Roe,https://www.linkedin.com/in/bob,,X,CTO,05 Jan 2023\n")
    export = read_export(lonely)
    assert [c.first_name for c in export.connections] == ["Jane", "Bob"] and export.split_rows == 0
    slashes = tmp_path / "slashes.csv"
    slashes.write_text(
        ",".join(HEADER)
        + "\nJane,Doe,https://www.linkedin.com/in/jane,,Acme,Sales Manager\nEMEA,13/01/2023"
        + "\nBob,Roe,https://www.linkedin.com/in/bob,,X,CTO,04/01/2023\n"
    )
    assert [c.connected_on for c in read_export(slashes).connections] == [date(2023, 1, 13), date(2023, 1, 4)]
    padded = tmp_path / "padded.csv"
    padded.write_text(
        ",".join(HEADER)
        + ",\nJane,Doe,https://www.linkedin.com/in/jane,,Acme,Sales Manager\nEMEA,04 Jan 2023,"
        + "\nBob,Roe,https://www.linkedin.com/in/bob,,X,CTO,05 Jan 2023,\n"
    )
    export = read_export(padded)
    assert [(c.first_name, c.position) for c in export.connections] == [("Jane", "Sales Manager\nEMEA"), ("Bob", "CTO")]
    ones = tmp_path / "ones.csv"
    ones.write_text(",".join(HEADER) + "\n" + "Ann\n" * 5000)
    # each row looks at most a row's width ahead: without that bound this file took hours (cubic), with it 0.1 s
    assert read_export(ones).split_rows == 0


def test_a_short_row_under_a_header_without_url_or_email_is_missing_its_last_cell_before_the_date(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dropped.csv"
    path.write_text(
        "First Name;Company;Position;Connected On\r\nJane;Acme;Buyer;04 Jan 2023\r\nBob;Beta;05 Jan 2023\r\n"
    )
    export = read_export(path)
    assert [(c.first_name, c.company, c.position, c.connected_on) for c in export.connections] == [
        ("Jane", "Acme", "Buyer", date(2023, 1, 4)),
        ("Bob", "Beta", "", date(2023, 1, 5)),
    ]
    assert export.misaligned_rows == 1


def test_a_short_row_of_a_scraping_tool_keeps_its_names_where_they_are(tmp_path: Path) -> None:
    """The profile link first, names after it: padding a short row after the names' columns shifted them."""
    path = tmp_path / "lh.csv"
    path.write_text(
        "profile_url,first_name,last_name,full_name,headline,location_name,organization_1,organization_title_1,"
        "connected_at\nhttps://www.linkedin.com/in/bo,Bo,Kim,Bo Kim,People & Culture,Seoul,2023-01-02\n"
    )
    (bo,) = read_export(path).connections
    assert (bo.first_name, bo.last_name, bo.headline) == ("Bo", "Kim", "People & Culture")


def test_an_older_layout_pasted_below_is_read_by_its_own_header(tmp_path: Path) -> None:
    """Read by the first header, John's company was "Engineer", his title his date, and the second header a
    person whose title was "Connected On"."""
    path = tmp_path / "both.csv"
    path.write_text(
        ",".join(HEADER) + "\nJane,Doe,https://www.linkedin.com/in/jane,,Acme,Recruiter,04 Jan 2023\n"
        "Notes:\n"
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        "John,Smith,,Beta,Engineer,17 Feb 2021\n"
        "Jane,Doe,,Acme,Recruiter,04 Jan 2023\n"
    )
    export = read_export(path)
    assert [(c.first_name, c.company, c.position, c.connected_on) for c in export.connections] == [
        ("Jane", "Acme", "Recruiter", date(2023, 1, 4)),
        ("John", "Beta", "Engineer", date(2021, 2, 17)),
        ("Jane", "Acme", "Recruiter", date(2023, 1, 4)),  # no URL in that layout to tell it is the same Jane
    ]
    assert export.repeated_headers == 1 and export.misaligned_rows == 0 and export.bad_dates == 0


def test_a_row_that_left_out_a_cell_before_its_date_keeps_the_date_out_of_the_title(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text(
        ",".join(HEADER) + "\nJane,Doe,https://www.linkedin.com/in/jane,,Acme,Recruiter,04 Jan 2023\n"
        ",,,,05 Jan 2023\n"  # a ghost row, edited by hand
        "John,Smith,https://www.linkedin.com/in/js,Beta,Engineer,17 Feb 2021\n"  # the e-mail's cell left out
        "Mary,Jones,,Gamma,Manager,03 Mar 2021\n"  # the URL's
        "Bob,Roe,https://www.linkedin.com/in/bob,,X\n"  # empty cells at the end left out: as it was
    )
    export = read_export(path)
    assert people(export) == [
        ("linkedin.com/in/jane", "Jane", "Doe", "Acme", "Recruiter", date(2023, 1, 4)),
        ("linkedin.com/in/js", "John", "Smith", "Beta", "Engineer", date(2021, 2, 17)),
        (export.connections[2].id, "Mary", "Jones", "Gamma", "Manager", date(2021, 3, 3)),
        ("linkedin.com/in/bob", "Bob", "Roe", "X", "", None),
    ]
    assert export.ghost_rows == 1 and export.misaligned_rows == 3 and export.bad_dates == 0


@pytest.mark.parametrize("below", [1, 3, 300])
def test_a_quote_left_open_near_the_end_is_refused_not_read_short(tmp_path: Path, below: int) -> None:
    # Less than the csv module's field limit below the quote: it would read the rest as one cell, losing those rows.
    path = tmp_path / "stray.csv"
    row = "Bob,Roe,https://www.linkedin.com/in/bob{},,X,Y,05 Jan 2023\n"
    rest = "".join(row.format(i) for i in range(below))
    path.write_text(",".join(HEADER) + "\n" + row.format("a") + 'Tom,Fizz,,,Fizz,"Engineer,17 Feb 2021\n' + rest)
    with pytest.raises(
        ExportError, match=rf"stray\.csv line 3: a quote \(\"\) there opens a cell that runs over {below + 1} "
    ):
        read_export(path)


@pytest.mark.parametrize(
    ("line_break", "ending"), [("\n", "\n"), ("\r\n", "\r\n"), ("\n", ""), ("\n", "\n\n\n"), ("\r\n", "\r\n,,,,,,\r\n")]
)
@pytest.mark.parametrize("last", ['Bo,Kim,,,Baz,"Head of Sales, EMEA,06 Jan 2023', '"Bo,Kim,,,Baz,CTO,06 Jan 2023'])
def test_a_quote_the_last_row_leaves_open_is_refused(tmp_path: Path, last: str, line_break: str, ending: str) -> None:
    """It takes no row with it, but the csv module ends its cell at the end of the file: Bo's title was read as
    "Head of Sales, EMEA,06 Jan 2023", or the whole row as one first name, and nothing said so."""
    path = tmp_path / "stray.csv"
    first = "Jane,Doe,https://www.linkedin.com/in/jane,,Acme,Dev,04 Jan 2023"
    path.write_bytes((line_break.join([",".join(HEADER), first, last]) + ending).encode())
    with pytest.raises(ExportError, match=r"stray\.csv line 3: a quote \(\"\) there opens a cell that is never closed"):
        read_export(path)


def test_a_stray_quote_alone_below_the_last_row_loses_nothing_and_is_read(tmp_path: Path) -> None:
    path = tmp_path / "stray.csv"
    path.write_text(",".join(HEADER) + '\nJane,Doe,https://www.linkedin.com/in/jane,,Acme,Dev,04 Jan 2023\n"\n')
    assert [c.position for c in read_export(path).connections] == ["Dev"]


def test_quotes_the_last_row_closes_or_keeps_inside_a_cell_are_read(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    rows = ['Bo,Kim,,,"Baz, Inc.",Head of "Sales",06 Jan 2023', 'Al,Li,,,Q,"Team ""Red"" lead\nEMEA",07 Jan 2023']
    path.write_text("\n".join([",".join(HEADER), *rows]))
    export = read_export(path)
    assert [c.position for c in export.connections] == ['Head of "Sales"', 'Team "Red" lead\nEMEA']


def test_a_closed_multiline_cell_with_many_commas_is_read(tmp_path: Path) -> None:
    # A scraper's About text: after its line break, a line with a row's worth of commas that is not a row
    path = tmp_path / "scraped.csv"
    header = "linkedinProfileUrl,fullName,firstName,lastName,companyName,linkedinJobTitle,linkedinDescription"
    about = '"I build data platforms.\nStack: Python, Go, Rust, Java, SQL, Kafka, Redis, AWS"'
    row = f"https://www.linkedin.com/in/ann,Ann Lee,Ann,Lee,Acme,Data engineer,{about}\n"
    path.write_text(header + "\n" + row + row.replace("/ann", "/bob"))
    assert len(read_export(path).connections) == 2


def test_two_exports_pasted_into_one_file_read_as_their_connections(tmp_path: Path) -> None:
    path = tmp_path / "both.csv"
    first = "Jane,Doe,https://www.linkedin.com/in/jane,,Acme,Recruiter,04 Jan 2023\n"
    second = "Bob,Roe,https://www.linkedin.com/in/bob,,X,CTO,05 Jan 2023\n"
    path.write_text(NOTES + ",".join(HEADER) + "\n" + first + NOTES + ",".join(HEADER) + "\n" + second + first)
    export = read_export(path)
    assert [c.first_name for c in export.connections] == ["Jane", "Bob"]
    assert (export.repeated_headers, export.rows_read, export.duplicate_rows, export.ghost_rows) == (1, 3, 1, 0)


def test_a_lone_name_above_a_repeated_header_is_not_taken_for_its_notes(tmp_path: Path) -> None:
    path = tmp_path / "both.csv"
    rows = ["Ann,Lee,https://www.linkedin.com/in/ann,,Acme,Sales,04 Jan 2023", "Mo,,,,,,", "Notes:", ",".join(HEADER)]
    path.write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n")
    assert [c.first_name for c in read_export(path).connections] == ["Ann", "Mo"]


def test_unmatched_quote_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    row = "Bob,Roe,https://www.linkedin.com/in/bob,,X,Y,05 Jan 2023\n"
    path.write_text(",".join(HEADER) + '\nJane,Doe,,,"Acme,CEO,04 Jan 2023\n' + row * 3000)
    with pytest.raises(ExportError, match=r"broken\.csv is not valid CSV from line 2 .*unmatched quote"):
        read_export(path)


# --- Spreadsheets and archives -------------------------------------------------------------------------------------


def test_xlsx_workbook(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Notes:"])
    sheet.append(["When exporting your connection data, you may notice that some of the email addresses are missing."])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(
        ["Jane", "Doe", "https://www.linkedin.com/in/jane-doe-1a2b3c", None, "Acme", "Buyer", datetime(2023, 1, 4)]
    )
    sheet.append(["Tomasz", "Nowak", "https://www.linkedin.com/in/tomasz-nowak-42", None, 2023, "CTO", "17 Feb 2021"])
    sheet.append(["  ", None, "", None, "", "", ""])  # whitespace only: not a row
    sheet.append([None, None, None, None, None, None, datetime(2022, 5, 1)])  # a ghost row
    workbook.save(tmp_path / "Connections.xlsx")

    export = read_export(tmp_path / "Connections.xlsx")
    assert export.format == "LinkedIn connections export, Excel workbook"
    assert (export.encoding, export.delimiter) == ("xlsx", "")
    assert people(export) == [
        ("linkedin.com/in/jane-doe-1a2b3c", "Jane", "Doe", "Acme", "Buyer", date(2023, 1, 4)),
        ("linkedin.com/in/tomasz-nowak-42", "Tomasz", "Nowak", "2023", "CTO", date(2021, 2, 17)),
    ]
    assert (export.rows_read, export.ghost_rows) == (3, 1)


def test_xlsx_with_the_connections_on_another_sheet(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    notes = workbook.active
    assert notes is not None
    notes.append(["My notes"])
    notes.append(["who to keep", "everyone in sales"])
    connections = workbook.create_sheet("Connections")
    connections.append(HEADER)
    connections.append(["Jane", "Doe", "https://www.linkedin.com/in/jane-doe-1a2b3c", None, "Acme", "Buyer", None])
    workbook.save(tmp_path / "Connections.xlsx")

    export = read_export(tmp_path / "Connections.xlsx")
    assert [c.position for c in export.connections] == ["Buyer"]


def test_zip_archive_from_linkedin(tmp_path: Path) -> None:
    archive = tmp_path / "Basic_LinkedInDataExport_01-02-2026.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Invitations.csv", "From,To,Sent At\n")
        zipped.write(DATA / "linkedin_current.csv", "Connections.csv")
    export = read_export(archive)
    assert export.source == f"{archive}:Connections.csv"
    assert people(export) == CURRENT


def test_zip_without_connections_csv(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Invitations.csv", "From,To,Sent At\n")
    with pytest.raises(ExportError, match=r"zip archive without a Connections\.csv"):
        read_export(archive)


def test_a_zip_whose_directory_points_before_its_start_is_refused(tmp_path: Path) -> None:
    """zipfile reads the member at a negative offset and raises ValueError ("negative seek value"): found by
    the fuzz test's loop with other seeds."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.write(DATA / "linkedin_current.csv", "Connections.csv")
    data = bytearray(buffer.getvalue())
    end = data.rfind(b"PK\x05\x06")  # the end of the central directory: its offset, 16 bytes in, pushed on
    data[end + 16 : end + 20] = (int.from_bytes(data[end + 16 : end + 20], "little") + 100).to_bytes(4, "little")
    archive = tmp_path / "export.zip"
    archive.write_bytes(bytes(data))
    with pytest.raises(ExportError, match=r"Connections\.csv cannot be extracted .*: unzip it and pass the CSV"):
        read_export(archive)


# --- Third-party tools ---------------------------------------------------------------------------------------------


def test_phantombuster_connections_export() -> None:
    export = read("phantombuster_connections.csv")
    assert export.format == "PhantomBuster Connections Export"
    mia, leo, ola = export.connections
    assert (mia.id, mia.name, mia.position) == ("linkedin.com/in/mia-wong", "Mia Wong", "")
    assert mia.headline == "Helping SaaS founders hire their first sales team | Ex-Google"
    assert mia.title == mia.headline
    assert [c.connected_on for c in export.connections] == [date(2023, 5, 17), date(2022, 11, 2), date(2021, 1, 15)]
    assert leo.headline == "Estudiante de Ingeniería"
    assert not ola.title and not ola.company and export.without_title == 1
    assert mia.extra == {"timestamp": "2026-01-02T10:00:00.000Z"}


def test_phantombuster_sales_navigator_export() -> None:
    export = read("phantombuster_sales_navigator.csv")
    assert export.format == "PhantomBuster Sales Navigator Export"
    nora = export.connections[0]
    # linkedInProfileUrl (the public profile) wins over profileUrl (a Sales Navigator link).
    assert nora.id == "linkedin.com/in/nora-quinn"
    assert (nora.company, nora.position, nora.headline) == ("Quinn Logistics", "Head of Procurement", "")
    assert (nora.location, nora.industry) == ("Dublin, Ireland", "Logistics")
    assert nora.extra["summary"] == "Buying for 20 years"
    assert len(export.connections) == 3


def test_phantombuster_profile_scraper() -> None:
    export = read("phantombuster_profile_scraper.csv")
    assert export.format == "PhantomBuster Profile Scraper"
    ivo = export.connections[0]
    assert (ivo.id, ivo.company, ivo.position) == ("linkedin.com/in/ivo-maric", "Adriatic Yachts", "Sales Director")
    assert (ivo.headline, ivo.industry, ivo.location) == (
        "I sell boats | Sailing lover",
        "Shipbuilding",
        "Split, Croatia",
    )
    assert export.with_headline == 2 and export.without_title == 1


def test_waalaxy() -> None:
    export = read("waalaxy.csv")
    assert export.format == "Waalaxy"
    assert [(c.id, c.headline, c.location) for c in export.connections] == [
        ("linkedin.com/in/tess-moreau", "Recruteuse IT chez TalentCo", "Lyon"),
        ("linkedin.com/in/yann-le-goff", "Skipper & consultant", "Brest"),
        ("linkedin.com/in/zara-ali", "Talent Acquisition Lead", "London"),
    ]
    assert export.connections[1].email == "yann@example.org"


def test_linked_helper_numbered_organisations() -> None:
    export = read("linked_helper.csv")
    assert export.format == "Linked Helper"
    abe, bo, cy = export.connections
    assert (abe.company, abe.position, abe.headline, abe.location) == (
        "Stone Build",
        "CEO",
        "Builder of things",
        "Denver",
    )
    assert abe.extra == {"organization_2": "Old Co", "organization_title_2": "Engineer"}
    assert (bo.company, bo.position) == ("Kim HR", "HR Director")
    assert not (cy.title or cy.company)


def test_dux_soup() -> None:
    export = read("dux_soup.csv")
    assert export.format == "Dux-Soup"
    dora = export.connections[0]
    assert (dora.id, dora.headline, dora.company) == (
        "linkedin.com/in/dora-kis",
        "Marketing Manager at Kis Kft",
        "Kis Kft",
    )
    assert (dora.location, dora.industry) == ("Budapest", "Marketing")
    assert [c.headline for c in export.connections][1:] == ["Sales | SaaS | B2B", "Student"]


# --- Ghosts, gaps, identity and duplicates --------------------------------------------------------------------------


def test_ghost_rows_skipped_and_rows_without_text_kept() -> None:
    export = read("ghost_rows.csv")
    assert (export.rows_read, export.ghost_rows, len(export.connections)) == (5, 2, 3)
    assert [c.first_name for c in export.connections] == ["Jane", "Nameless", "Tomasz"]
    assert [bool(c.title) for c in export.connections] == [True, False, True]
    assert export.without_title == 1
    assert [c.first_name for c in export.connections if c.title] == ["Jane", "Tomasz"]


def test_placeholders_are_no_title_and_question_marks_are_a_lost_one(tmp_path: Path) -> None:
    cells = ["-", "--", "—", "...", "N/A", "none", "🇳🇬", "???", "Sales Manager", "R&D", "-Sales", "None of these"]
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        + "".join(f"Ann,P{i},https://www.linkedin.com/in/p{i},,-,{cell},01 Mar 2024\n" for i, cell in enumerate(cells))
    )
    export = read_export(path)
    assert [c.position for c in export.connections] == [""] * 7 + [
        "???",
        "Sales Manager",
        "R&D",
        "-Sales",
        "None of these",
    ]
    assert {c.company for c in export.connections} == {""}
    assert (export.without_title, export.lost_titles, export.ghost_rows) == (7, 1, 0)
    # A word is a placeholder only in a title: "NA" in a location is North America, "None" may be a company.
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ann,P,https://www.linkedin.com/in/p,,None,n/a,01 Mar 2024\n"
    )
    (only,) = read_export(path).connections
    assert (only.company, only.position) == ("None", "")


def test_url_spellings_give_one_id_and_duplicates_are_reported() -> None:
    export = read("url_variants.csv")
    assert [c.id for c in export.connections] == ["linkedin.com/in/oldřich-x", "linkedin.com/in/jane-doe-1a2b3c"]
    assert export.duplicate_rows == 2
    assert export.duplicate_ids == ["linkedin.com/in/oldřich-x", "linkedin.com/in/jane-doe-1a2b3c"]
    assert export.connections[0].url == "https://pl.linkedin.com/in/old%C5%99ich-x/?trk=y"  # the first one, as given


def test_decomposed_accents_are_the_same_person(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    nfc, nfd = "Oldřich", unicodedata.normalize("NFD", "Oldřich")
    path.write_text(
        ",".join(HEADER) + f"\n{nfc},X,https://www.linkedin.com/in/{nfc}-x,,A,B,04 Jan 2023\n"
        f"{nfd},X,https://www.linkedin.com/in/{nfd}-x,,A,B,04 Jan 2023\n"
    )
    assert read_export(path).duplicate_rows == 1


def test_no_url_ids_are_stable_when_rows_are_reordered(tmp_path: Path) -> None:
    original = read("no_url_network.csv")
    lines = (DATA / "no_url_network.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "again.csv").write_text(lines[0] + "".join(reversed(lines[1:])), encoding="utf-8")
    again = read_export(tmp_path / "again.csv")

    def by_id(export: Export) -> dict[str, tuple[str, str]]:
        return {c.id: (c.name, c.company) for c in export.connections}

    assert by_id(again) == by_id(original)
    assert len(original.connections) == 4 and original.duplicate_rows == 1
    # Two Anna Kowalskas who connected the same day: two people, told apart by a suffix.
    annas = sorted(c.id for c in original.connections if c.first_name == "Anna")
    assert annas[1] == annas[0] + "#2"


# --- Property: anything LinkedIn could write reads back identical (placeholders as nothing) ---------------------------------------------------

_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30).map(str.strip)
_person = st.tuples(_text, _text, _text, _text, _text, st.dates(date(2003, 5, 5), date(2026, 12, 31)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_person, min_size=1, max_size=8))
def test_official_export_round_trips(tmp_path_factory: pytest.TempPathFactory, rows: list[tuple]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # "\r\n": with "\n" alone, csv leaves a bare "\r" unquoted
    writer.writerow(HEADER)
    written = []
    for index, (first, last, company, position, slug, day) in enumerate(rows):
        url = f"https://www.linkedin.com/in/p{index}-{slug}"
        writer.writerow([first, last, url, "", company, position, day.strftime("%d %b %Y")])
        # A placeholder ("-", "n/a", a lone emoji) reads as nothing there (relevance.io.placeholder).
        company = "" if placeholder(company, words=False) else company
        position = "" if placeholder(position) else position
        written.append(Connection(normalise_url(url), url, first, last, company, position, connected_on=day))
    path = tmp_path_factory.mktemp("prop") / "Connections.csv"
    path.write_text(NOTES + buffer.getvalue(), encoding="utf-8")

    export = read_export(path)
    assert export.format == "LinkedIn connections export"
    assert export.connections == written
    assert [c.id for c in export.connections] == [
        connection_id(c.url, c.first_name, c.last_name, c.connected_on) for c in written
    ]
    assert clean(export)


def test_relevances_own_files_are_not_taken_for_an_export(tmp_path: Path) -> None:
    from relevance.io import scorable

    labels, scored = tmp_path / "labels.csv", tmp_path / "scored.csv"
    labels.write_text("id,label,first_name,position,picked\nlinkedin.com/in/a,yes,Ann,Recruiter,diverse\n")
    scored.write_text("id,first_name,position,connected_on,score,suggestion,why\na,Ann,Recruiter,,0.1,remove,like\n")
    with pytest.raises(ExportError, match=r"is a labels worksheet, not an export: pass the Connections\.csv"):
        scorable(read_export(labels))
    with pytest.raises(ExportError, match="is a scored file relevance wrote, not an export"):
        scorable(read_export(scored))


def test_the_members_own_profile_from_the_same_archive_is_not_taken_for_one_connection(tmp_path: Path) -> None:
    from relevance.io import scorable

    profile = tmp_path / "Profile.csv"
    profile.write_text(
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,Geo Location,"
        'Twitter Handles,Websites,Instant Messengers\nAnn,Test,,,,HR trainer,,Human Resources,,"Almaty, KZ",,,\n'
    )
    with pytest.raises(ExportError, match=r"is your own profile \(LinkedIn's Profile\.csv\), not your connections"):
        scorable(read_export(profile))
