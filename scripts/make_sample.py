"""Generate the bundled synthetic sample network: ``relevance/data/sample/{Connections.csv,answers.csv}``.

Everyone in the output is invented. Job titles are real occupation titles from ESCO (en/de/fr/es; "ESCO,
European Commission") plus a small hand-made table of Polish, Russian and Czech titles, each with its ISCO-08
unit group. The persona is a sales & recruitment trainer whose audience is people who hire, market or sell.

The output is deterministic for a given seed and ESCO file, so the committed files can be regenerated
byte-for-byte::

    .venv/bin/python scripts/make_sample.py
    .venv/bin/python scripts/make_sample.py --esco /path/to/esco_titles.tsv --out-dir /tmp/sample

Only the standard library and numpy are used; the repository never needs the ESCO file at run time.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ESCO = REPO_ROOT.parent / "shared" / "data" / "esco_titles.tsv"
DEFAULT_OUT = REPO_ROOT / "relevance" / "data" / "sample"
DEFAULT_SEED = 20261126
DEFAULT_ROWS = 2000

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. You '
    "will only see email addresses for connections who have allowed their connections to see or download their "
    "email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIRST_DAY = date(2012, 1, 1)
LAST_DAY = date(2026, 11, 20)


def words(text: str) -> tuple[str, ...]:
    """Split a space-separated literal; keeps long word tables readable."""
    return tuple(text.split())


# The persona's audience (people who hire, market or sell) and the hard look-alikes that are NOT audience.
AUDIENCE: dict[str, float] = {
    "1221": 0.25,
    "2423": 0.22,
    "2431": 0.18,
    "1212": 0.12,
    "1222": 0.08,
    "2432": 0.08,
    "3333": 0.07,
}
LOOKALIKE: dict[str, float] = {
    "3322": 0.16,
    "2421": 0.12,
    "1219": 0.11,
    "2433": 0.09,
    "2434": 0.09,
    "1211": 0.08,
    "4416": 0.08,
    "3323": 0.07,
    "2642": 0.05,
    "1213": 0.05,
    "2641": 0.04,
    "2422": 0.03,
    "3324": 0.03,
}
# Occupations common on LinkedIn; "other" rows draw from these most of the time, else from any other code.
COMMON_OTHER: tuple[str, ...] = words(
    "2511 2512 2513 2514 2519 2521 2522 2529 1330 2411 2412 3313 1120 1321 1324 1223 2611 2211 2221 2262 "
    "2142 2144 2149 2151 2152 2161 2166 2310 2330 2424 2631 2634 3341 3343 4110 4222 5223 3115 7411 8322"
)
GROUP_SHARES = {"audience": 0.20, "lookalike": 0.15, "other": 0.65}

# Nationality of a person -> share of the network. The title is in the same language, except that some
# people outside the English-speaking world write their title in English.
NATIONALITIES: dict[str, float] = {
    "en": 0.26,
    "pl": 0.18,
    "de": 0.13,
    "es": 0.13,
    "fr": 0.10,
    "cs": 0.10,
    "ru": 0.10,
}
ENGLISH_TITLE_SHARE = 0.12
N_GHOSTS_SHARE = 0.025
N_EMPTY_POSITION_SHARE = 0.03

# Polish, Russian and Czech titles (ESCO has none): ISCO-08 unit group, then "; "-separated variants.
HAND_TITLES: tuple[tuple[str, str, str, str], ...] = (
    # audience
    (
        "1212",
        "Kierownik ds. personalnych; Dyrektor HR; Dyrektor personalny",
        "Директор по персоналу; HR-директор",
        "Personální ředitel; Personální ředitelka; Vedoucí personálního oddělení",
    ),
    (
        "1212",
        "Kierownik ds. rekrutacji; Kierowniczka zespołu rekrutacji",
        "Руководитель отдела подбора персонала",
        "Vedoucí náboru; Manažerka náboru",
    ),
    (
        "1221",
        "Kierownik ds. sprzedaży; Dyrektor sprzedaży; Kierowniczka działu sprzedaży",
        "Руководитель отдела продаж; Коммерческий директор; Директор по продажам",
        "Obchodní ředitel; Obchodní ředitelka; Vedoucí obchodního oddělení",
    ),
    (
        "1221",
        "Kierownik ds. marketingu; Dyrektor marketingu",
        "Директор по маркетингу; Руководитель отдела маркетинга",
        "Marketingový ředitel; Vedoucí marketingu",
    ),
    (
        "1221",
        "Regionalny kierownik sprzedaży; Kierownik sprzedaży regionu",
        "Региональный менеджер по продажам; Руководитель направления продаж",
        "Regionální obchodní manažer; Oblastní vedoucí prodeje",
    ),
    (
        "1222",
        "Dyrektor ds. komunikacji; Kierownik ds. PR",
        "Директор по связям с общественностью; Руководитель отдела PR",
        "Vedoucí komunikace; Ředitelka komunikace",
    ),
    (
        "1222",
        "Kierownik działu reklamy",
        "Руководитель рекламного отдела",
        "Vedoucí reklamního oddělení",
    ),
    (
        "2423",
        "Rekruter; Rekruterka; Specjalista ds. rekrutacji; Specjalistka ds. rekrutacji",
        "Рекрутер; Менеджер по подбору персонала; Специалист по подбору персонала",
        "Náborář; Náborářka; Specialista náboru",
    ),
    (
        "2423",
        "Specjalista ds. HR; Specjalistka ds. personalnych; HR Business Partner",
        "HR-специалист; Специалист по персоналу; HR бизнес-партнёр",
        "HR specialista; Personalista; Personalistka",
    ),
    ("2423", "Doradca zawodowy; Doradczyni kariery", "Карьерный консультант", "Kariérní poradce; Kariérní poradkyně"),
    (
        "2431",
        "Specjalista ds. marketingu; Specjalistka ds. marketingu; Marketingowiec",
        "Маркетолог; Интернет-маркетолог",
        "Marketingový specialista; Specialistka marketingu",
    ),
    ("2431", "Analityk rynku; Badacz rynku", "Аналитик рынка; Маркетинговый аналитик", "Analytik trhu"),
    ("2431", "Menedżer marki; Brand manager", "Бренд-менеджер", "Brand manažer; Brand manažerka"),
    ("2431", "Copywriter; Copywriterka", "Копирайтер", "Copywriter; Reklamní textař"),
    (
        "2432",
        "Specjalista ds. public relations; Rzecznik prasowy; Rzeczniczka prasowa",
        "PR-менеджер; Пресс-секретарь",
        "PR specialista; Tiskový mluvčí; Tisková mluvčí",
    ),
    (
        "3333",
        "Pośrednik pracy; Doradca ds. pośrednictwa pracy",
        "Специалист по трудоустройству; Агент по трудоустройству",
        "Zprostředkovatel zaměstnání; Zprostředkovatelka práce",
    ),
    # look-alikes (not audience)
    (
        "2421",
        "Konsultant ds. zarządzania; Analityk biznesowy; Analityczka biznesowa",
        "Бизнес-аналитик; Консультант по управлению",
        "Manažerský konzultant; Business analytik",
    ),
    ("2422", "Analityk polityk publicznych", "Аналитик государственной политики", "Analytik veřejných politik"),
    (
        "2433",
        "Inżynier sprzedaży; Przedstawiciel medyczny; Przedstawicielka medyczna",
        "Инженер по продажам; Медицинский представитель",
        "Technický obchodník; Farmaceutický reprezentant; Obchodně-technický zástupce",
    ),
    (
        "2434",
        "Specjalista ds. sprzedaży rozwiązań IT; Account Manager IT",
        "Менеджер по продажам IT-решений",
        "Obchodník s IT řešeními; Obchodní zástupce pro software",
    ),
    (
        "3322",
        "Przedstawiciel handlowy; Przedstawicielka handlowa",
        "Торговый представитель; Менеджер по продажам",
        "Obchodní zástupce; Obchodní zástupkyně",
    ),
    (
        "3323",
        "Kupiec; Specjalista ds. zakupów; Specjalistka ds. zakupów",
        "Закупщик; Специалист по закупкам",
        "Nákupčí; Referent nákupu",
    ),
    ("3324", "Broker handlowy; Makler towarowy", "Торговый брокер; Брокер", "Obchodní makléř; Komoditní makléř"),
    (
        "1211",
        "Dyrektor finansowy; Kierownik działu finansowego",
        "Финансовый директор; Руководитель финансового отдела",
        "Finanční ředitel; Finanční ředitelka",
    ),
    (
        "1213",
        "Kierownik ds. strategii; Dyrektor ds. rozwoju strategicznego",
        "Директор по стратегии",
        "Ředitel strategie",
    ),
    (
        "1219",
        "Kierownik projektu; Kierowniczka projektu; Kierownik administracji",
        "Руководитель проекта; Руководитель административного отдела",
        "Projektový manažer; Projektová manažerka; Vedoucí administrativy",
    ),
    (
        "4416",
        "Referent ds. kadrowych; Specjalistka ds. kadr; Pracownik działu kadr",
        "Инспектор по кадрам; Специалист отдела кадров",
        "Personální referent; Personální referentka",
    ),
    ("2641", "Pisarz; Pisarka; Autor tekstów", "Писатель; Автор статей", "Spisovatel; Spisovatelka"),
    ("2642", "Dziennikarz; Dziennikarka; Redaktor", "Журналист; Журналистка; Редактор", "Novinář; Novinářka; Redaktor"),
    # everything else
    (
        "2512",
        "Programista Java; Programista; Programistka Python; Inżynier oprogramowania",
        "Программист; Разработчик Java; Python-разработчик",
        "Programátor; Vývojář softwaru; Java vývojář",
    ),
    ("2513", "Programista front-end; Web developer", "Веб-разработчик; Frontend-разработчик", "Webový vývojář"),
    ("2519", "Tester oprogramowania; Testerka", "Тестировщик; QA-инженер", "Tester softwaru; Testerka"),
    (
        "2511",
        "Analityk systemowy; Analityk danych",
        "Системный аналитик; Аналитик данных",
        "Systémový analytik; Datový analytik",
    ),
    ("2522", "Administrator systemów", "Системный администратор", "Správce systémů; Správce sítě"),
    ("2521", "Administrator baz danych", "Администратор баз данных", "Databázový administrátor"),
    ("1330", "Kierownik działu IT; Dyrektor IT", "ИТ-директор; Руководитель ИТ-отдела", "Vedoucí IT; IT ředitel"),
    (
        "2411",
        "Główny księgowy; Główna księgowa; Doradca podatkowy",
        "Главный бухгалтер; Налоговый консультант",
        "Hlavní účetní; Daňový poradce",
    ),
    ("3313", "Księgowa; Księgowy", "Бухгалтер", "Účetní"),
    (
        "2412",
        "Doradca finansowy; Doradczyni finansowa",
        "Финансовый консультант",
        "Finanční poradce; Finanční poradkyně",
    ),
    ("2611", "Radca prawny; Adwokat; Prawnik", "Юрист; Адвокат", "Advokát; Advokátka; Právník"),
    ("2211", "Lekarz; Lekarka", "Врач; Врач-терапевт", "Lékař; Lékařka"),
    ("2221", "Pielęgniarka", "Медсестра; Медицинская сестра", "Zdravotní sestra"),
    ("2262", "Farmaceuta; Farmaceutka", "Провизор; Фармацевт", "Lékárník; Lékárnice"),
    ("2142", "Inżynier budownictwa", "Инженер-строитель", "Stavební inženýr"),
    ("2144", "Inżynier mechanik; Konstruktor", "Инженер-механик; Инженер-конструктор", "Strojní inženýr; Konstruktér"),
    ("2151", "Inżynier elektryk", "Инженер-электрик", "Elektroinženýr"),
    ("2149", "Inżynier jakości", "Инженер по качеству", "Inženýr kvality"),
    ("2161", "Architekt; Architektka", "Архитектор", "Architekt; Architektka"),
    ("2166", "Grafik; Projektantka graficzna", "Графический дизайнер; Дизайнер", "Grafický designér; Grafička"),
    ("2310", "Wykładowca akademicki; Adiunkt", "Преподаватель вуза; Доцент", "Vysokoškolský pedagog; Docent"),
    ("2330", "Nauczyciel; Nauczycielka matematyki", "Учитель; Учитель английского языка", "Učitel; Učitelka"),
    (
        "2424",
        "Trener biznesu; Specjalista ds. szkoleń",
        "Бизнес-тренер; Специалист по обучению",
        "Lektor firemních školení",
    ),
    ("2634", "Psycholog", "Психолог", "Psycholog; Psycholožka"),
    ("2631", "Ekonomista", "Экономист", "Ekonom; Ekonomka"),
    (
        "1120",
        "Prezes zarządu; Właściciel; Członek zarządu",
        "Генеральный директор; Основатель",
        "Generální ředitel; Jednatel; Majitel",
    ),
    (
        "1321",
        "Kierownik produkcji; Dyrektor zakładu",
        "Начальник производства; Директор завода",
        "Vedoucí výroby; Ředitel závodu",
    ),
    (
        "1324",
        "Kierownik logistyki; Kierownik zakupów",
        "Руководитель отдела логистики",
        "Vedoucí logistiky; Vedoucí skladu",
    ),
    ("1323", "Kierownik budowy", "Руководитель строительного проекта; Прораб", "Stavbyvedoucí"),
    (
        "3343",
        "Asystentka zarządu; Asystent dyrektora",
        "Помощник руководителя; Секретарь-референт",
        "Asistentka ředitele; Asistentka",
    ),
    ("3341", "Office manager; Kierownik biura", "Офис-менеджер", "Office manažerka; Vedoucí kanceláře"),
    (
        "4222",
        "Konsultant infolinii; Konsultantka call center",
        "Оператор колл-центра",
        "Operátor call centra; Operátorka",
    ),
    ("5223", "Sprzedawca; Sprzedawczyni", "Продавец-консультант", "Prodavač; Prodavačka"),
    ("3115", "Technik mechanik", "Техник-механик", "Strojní technik"),
    ("2263", "Specjalista BHP", "Специалист по охране труда", "Bezpečnostní technik"),
    ("7411", "Elektryk", "Электрик; Электромонтажник", "Elektrikář"),
    ("8322", "Kierowca", "Водитель", "Řidič"),
    ("5120", "Kucharz; Szef kuchni", "Повар; Шеф-повар", "Kuchař; Šéfkuchař"),
)

# English titles as people really write them on LinkedIn (ESCO's are more formal).
LINKEDIN_EN_TITLES: tuple[tuple[str, str], ...] = (
    ("2423", "Talent Acquisition Partner"),
    ("2423", "Talent Acquisition Specialist"),
    ("2423", "HR Business Partner"),
    ("2423", "Technical Recruiter"),
    ("2423", "Senior IT Recruiter"),
    ("1212", "Head of Talent Acquisition"),
    ("1212", "Head of People"),
    ("1212", "HR Director"),
    ("1221", "Head of Sales"),
    ("1221", "Sales Director"),
    ("1221", "VP of Sales"),
    ("1221", "Head of Marketing"),
    ("1221", "Chief Marketing Officer"),
    ("1222", "Head of Communications"),
    ("2431", "Digital Marketing Specialist"),
    ("2431", "Content Marketing Manager"),
    ("2431", "Growth Marketer"),
    ("2432", "PR Specialist"),
    ("3333", "Staffing Coordinator"),
    ("2434", "Enterprise Account Executive"),
    ("2434", "SaaS Sales Executive"),
    ("3322", "Inside Sales Representative"),
    ("3322", "Field Sales Representative"),
    ("2433", "Sales Engineer"),
    ("2433", "Medical Sales Representative"),
    ("2421", "Management Consultant"),
    ("2421", "Business Analyst"),
    ("3323", "Procurement Specialist"),
    ("1211", "Financial Controller"),
    ("1211", "Head of Finance"),
    ("1219", "Project Manager"),
    ("1219", "Program Manager"),
    ("1213", "Head of Strategy"),
    ("4416", "HR Assistant"),
    ("4416", "HR Administrator"),
    ("2641", "Technical Writer"),
    ("2642", "Reporter"),
    ("2512", "Software Engineer"),
    ("2512", "Full Stack Developer"),
    ("2512", "Backend Engineer"),
    ("2511", "Data Scientist"),
    ("2529", "DevOps Engineer"),
    ("1330", "Head of Engineering"),
    ("1330", "CTO"),
    ("1120", "Founder & CEO"),
    ("1120", "Co-Founder"),
    ("2166", "UX Designer"),
    ("2221", "Registered Nurse"),
    ("1324", "Supply Chain Manager"),
    ("2149", "Quality Engineer"),
    ("2330", "Teacher"),
)

FIRST_NAMES: dict[str, tuple[str, str]] = {
    # language -> (male, female), space-separated
    "pl": (
        "Adam Piotr Krzysztof Tomasz Paweł Michał Marcin Łukasz Jakub Grzegorz Mateusz Bartosz Wojciech Rafał "
        "Kamil Dawid Maciej Szymon Sebastian Przemysław",
        "Anna Katarzyna Małgorzata Agnieszka Magdalena Joanna Monika Ewa Karolina Aleksandra Justyna Natalia "
        "Dorota Paulina Zofia Marta Beata Izabela Weronika Sylwia",
    ),
    "cs": (
        "Jan Petr Jiří Pavel Martin Tomáš Jaroslav Miroslav Lukáš Jakub Ondřej Oldřich Vojtěch Radek Michal "
        "David Zdeněk Filip",
        "Jana Eva Hana Lenka Kateřina Lucie Petra Věra Martina Tereza Veronika Markéta Barbora Klára Zuzana "
        "Alena Pavla",
    ),
    "ru": (
        "Александр Дмитрий Максим Сергей Андрей Алексей Артём Илья Кирилл Михаил Никита Иван Евгений Павел "
        "Роман Владимир",
        "Анна Мария Елена Ольга Наталья Екатерина Татьяна Ирина Светлана Юлия Анастасия Ксения Дарья Виктория "
        "Полина Алина",
    ),
    "de": (
        "Thomas Michael Andreas Stefan Christian Markus Jan Tobias Florian Sebastian Matthias Jörg Jürgen Lukas "
        "Felix Maximilian",
        "Sabine Julia Katharina Anna Stefanie Laura Lisa Christina Sandra Nicole Jana Lena Sophie Birgit Anja Jessica",
    ),
    "fr": (
        "Nicolas Julien Thomas Pierre Alexandre Maxime Antoine Sébastien Guillaume Mathieu Romain François "
        "Jérôme Laurent Hugo Louis Jean-Pierre",
        "Marie Camille Julie Sophie Céline Émilie Claire Aurélie Chloé Manon Léa Isabelle Nathalie Sandrine "
        "Hélène Amélie Marie-Claire",
    ),
    "es": (
        "Alejandro Javier David Daniel Carlos Pablo Sergio Jorge Álvaro Adrián Diego Miguel Raúl Iván Rubén",
        "María Laura Lucía Marta Paula Cristina Ana Sara Elena Carmen Raquel Silvia Irene Beatriz Nuria Andrea",
    ),
    "en": (
        "James John Michael David Daniel Matthew Chris Andrew Ryan Kevin Brian Jason Mark Steven Tom Ben Sam "
        "Oliver Rahul Amit Vikram Arjun",
        "Sarah Jessica Emily Ashley Jennifer Amanda Rachel Laura Emma Olivia Megan Hannah Lauren Kate Rebecca "
        "Chloe Priya Ananya Neha Pooja",
    ),
}
# language -> "male/female" surname pairs (a bare name is the same for both)
LAST_NAMES: dict[str, str] = {
    "pl": "Kowalski/Kowalska Nowak Wiśniewski/Wiśniewska Wójcik Kamiński/Kamińska Lewandowski/Lewandowska "
    "Zieliński/Zielińska Szymański/Szymańska Woźniak Dąbrowski/Dąbrowska Kozłowski/Kozłowska "
    "Jankowski/Jankowska Mazur Kwiatkowski/Kwiatkowska Krawczyk Piotrowski/Piotrowska Grabowski/Grabowska "
    "Pawłowski/Pawłowska Michalski/Michalska Zając Król Wieczorek Jabłoński/Jabłońska Wróbel "
    "Majewski/Majewska Olszewski/Olszewska Stępień Malinowski/Malinowska Górski/Górska Sikora",
    "cs": "Novák/Nováková Svoboda/Svobodová Novotný/Novotná Dvořák/Dvořáková Černý/Černá "
    "Procházka/Procházková Kučera/Kučerová Veselý/Veselá Horák/Horáková Němec/Němcová Pokorný/Pokorná "
    "Marek/Marková Pospíšil/Pospíšilová Hájek/Hájková Jelínek/Jelínková Král/Králová Růžička/Růžičková "
    "Beneš/Benešová Fiala/Fialová Sedláček/Sedláčková Doležal/Doležalová Zeman/Zemanová Kolář/Kolářová "
    "Navrátil/Navrátilová Čermák/Čermáková",
    "ru": "Иванов/Иванова Смирнов/Смирнова Кузнецов/Кузнецова Попов/Попова Васильев/Васильева "
    "Петров/Петрова Соколов/Соколова Михайлов/Михайлова Новиков/Новикова Фёдоров/Фёдорова "
    "Морозов/Морозова Волков/Волкова Алексеев/Алексеева Лебедев/Лебедева Семёнов/Семёнова "
    "Егоров/Егорова Павлов/Павлова Козлов/Козлова Степанов/Степанова Николаев/Николаева Орлов/Орлова "
    "Андреев/Андреева Макаров/Макарова Никитин/Никитина Захаров/Захарова",
    "de": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter "
    "Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner "
    "Krause Meier Lehmann Köhler Weiß",
    "fr": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel "
    "Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier Dupont Lambert Bonnet "
    "François Martinez",
    "es": "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández "
    "Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez "
    "Serrano Blanco Molina",
    "en": "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson White "
    "Harris Clark Lewis Walker Hall Young Allen King Wright Scott Green Baker Adams Nelson Carter Mitchell "
    "O'Brien O'Connor Sharma Patel Gupta Singh Reddy Iyer",
}

CYRILLIC_TO_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        words("a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"),
        strict=True,
    )
)
FOLD = {"ł": "l", "Ł": "L", "ß": "ss", "đ": "d", "ø": "o", "æ": "ae"}

COMPANY_PARTS: dict[str, tuple[str, str, tuple[tuple[str, float], ...]]] = {
    # language -> (stem starts, stem ends, legal forms with weights; "{}" is where the name goes)
    "pl": (
        "Pol Techno Wars Euro Agro Bud Info Trans Med Eko Wis Mazow",
        "mex pol bud soft trans med tech system net plast",
        (("{} Sp. z o.o.", 0.7), ("{} S.A.", 0.2), ("{} sp.j.", 0.1)),
    ),
    "cs": (
        "Stavo Agro Techno Elektro Morava Data Prago Kovo Inter Vltava",
        "mont servis tech soft trans plast invest projekt net",
        (("{} s.r.o.", 0.8), ("{} a.s.", 0.2)),
    ),
    "de": (
        "Nord Süd Rhein Alpen Elb Berg Main Hansa Spree Isar",
        "tech werk soft data bau med logistik systeme energie medien",
        (("{} GmbH", 0.7), ("{} AG", 0.15), ("{} GmbH & Co. KG", 0.15)),
    ),
    "fr": (
        "Altis Novéa Serenis Ardenne Lumis Vertigo Provence Atlantis Cobalt Orféo",
        "-",
        (("{} SAS", 0.5), ("{} SARL", 0.35), ("{} SA", 0.15)),
    ),
    "es": (
        "Iber Levan Caste Sola Medi Atlan Gali Anda Canta Taja",
        "tec sol mar net via gest lux tel ria ter",
        (("{} S.L.", 0.75), ("{} S.A.", 0.25)),
    ),
    "en": (
        "Bright Blue Silver North Red Oak Pine Summit Harbor Clear Iron Maple",
        "well stone bridge field point line gate wave path ridge",
        (("{} LLC", 0.3), ("{} Ltd", 0.25), ("{} Inc.", 0.15), ("{}, Inc.", 0.1), ("{}", 0.2)),
    ),
    "ru": (
        "Техно Строй Инфо Агро Энерго Сиб Мед Транс Урал Нефте",
        "сервис инвест проект снаб систем торг пром логистик софт групп",
        (("ООО «{}»", 0.75), ("АО «{}»", 0.15), ("{} LLC", 0.1)),
    ),
}
COMPANY_WORDS: dict[str, str] = {
    "pl": "; Consulting; Group; Logistics",
    "cs": "; Group; Consulting",
    "de": "; Consulting; Software; Logistik; Maschinenbau",
    "fr": "; Conseil; Solutions; Industrie; Digital",
    "es": "; Consultores; Soluciones; Ingeniería; Logística",
    "en": "; Solutions; Group; Partners; Labs; Technologies; Consulting",
    "ru": "",
}
SELF_EMPLOYED = {
    "pl": "Własna działalność gospodarcza",
    "cs": "OSVČ",
    "de": "Freiberuflich",
    "fr": "Indépendant",
    "es": "Autónomo",
    "en": "Self-employed",
    "ru": "Индивидуальный предприниматель",
}
# Employers that many connections share.
FREQUENT_EMPLOYERS: tuple[tuple[str, str, str, str], ...] = (
    # (name, short name as used in "@ Company", kind, language); kind steers who works there
    ("Kestrel Global Services Sp. z o.o.", "Kestrel", "general", "pl"),
    ("Nordwerk Systeme GmbH", "Nordwerk", "general", "de"),
    ("Brightstone Partners Ltd", "Brightstone", "general", "en"),
    ("TalentBridge Recruitment Sp. z o.o.", "TalentBridge", "staffing", "pl"),
    ("Codeharbor Sp. z o.o.", "Codeharbor", "software", "pl"),
    ("Altis Conseil SAS", "Altis", "general", "fr"),
    ("Peoplewise Staffing Ltd", "Peoplewise", "staffing", "en"),
    ("Soluciones Vega S.L.", "Vega", "general", "es"),
    ("Pixelgrid s.r.o.", "Pixelgrid", "software", "cs"),
    ("ООО «Техносервис»", "Техносервис", "general", "ru"),
    ("Personalwerk GmbH", "Personalwerk", "staffing", "de"),
    ("Clearpath Labs LLC", "Clearpath", "software", "en"),
    ("Stavomont a.s.", "Stavomont", "general", "cs"),
    ("ООО «Профкадр»", "Профкадр", "staffing", "ru"),
    ("Bluefield Retail Group, Inc.", "Bluefield", "general", "en"),
)
PIPE_EXTRAS = {
    "en": ("Speaker", "Mentor", "Open to new opportunities", "Volunteer", "Remote", "Board Member"),
    "de": ("Freiberuflich", "Mentor", "Remote"),
    "fr": ("Freelance", "Mentor", "Bénévole"),
    "es": ("Freelance", "Mentor", "Voluntaria"),
    "pl": ("Freelancer", "Mentor", "Wolontariusz"),
    "cs": ("OSVČ", "Mentor", "Dobrovolník"),
    "ru": ("Фриланс", "Ментор"),
}
REGIONS = (", EMEA", ", CEE", ", DACH", ", Europe", ", Poland", ", Iberia", ", Nordics", ", Global")
SENIORITY = {
    "en": ("Senior ", "Junior ", "Lead ", "Principal "),
    "de": ("Senior ", "Junior "),
    "fr": ("Senior ",),
    "es": ("Senior ", "Junior "),
    "pl": ("Senior ", "Junior ", "Starszy "),
    "cs": ("Senior ", "Junior "),
    "ru": ("Старший ", "Ведущий "),
}
EMOJI = ("🚀", "✨", "🌍", "💡", "📈", "🔥")
NAME_EMOJI = ("🌍", "🚀", "☀️", "🌱", "🏳️\u200d🌈", "{coder}", "{coder}")  # {coder}: a ZWJ sequence
# Feminine job-title endings per language; a false positive only makes a woman hold the job.
FEMININE: dict[str, re.Pattern[str]] = {
    lang: re.compile(pattern, re.IGNORECASE)
    for lang, pattern in {
        "en": r"(woman|women|actress|waitress|stewardess|hostess|seamstress|masseuse|governess|mistress)\b",
        "de": r"\w{3,}(?<!Mediz)(?<!Diszipl)(?<!Magaz)(?<!Benz)(?<!Term)in(nen)?\b|frau\b",
        "fr": r"\w(ée|euse|trice|ière|ienne|enne|esse|ante|ente|cheffe|ère)s?\b",
        "es": r"\w(ora|era|ada|ica|iva|jefa|ina|ana|tra|enta)s?\b",
        "pl": r"\w(ka|czyni|dczyni|owa|wna)\b",
        "cs": r"\w(ka|ová|yně|nice|sestra)\b",
        "ru": r"(Журналистка|сестра)\b",
    }.items()
}
MASCULINE_EN = re.compile(r"(?<!hu)(?<!wo)m[ae]n\b", re.IGNORECASE)
SMALL_WORDS = {"of", "and", "in", "for", "the", "to", "on", "a", "an", "at", "with"}
ACRONYMS = {"ict": "ICT", "hr": "HR", "it": "IT", "seo": "SEO", "pr": "PR", "ceo": "CEO", "cfo": "CFO"}


@dataclass
class Person:
    """One synthetic connection, with the occupation that decides its label."""

    first: str
    last: str
    url: str
    email: str
    company: str
    position: str
    connected_on: date
    isco: str
    title_lang: str
    ghost: bool = False


def load_esco(path: Path) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Read esco_titles.tsv into ``(lang, isco) -> [(title, kind), ...]`` in file order.

    Titles whose wording appears both inside and outside the audience are dropped, so that the answer key
    never contradicts itself.
    """
    rows: list[tuple[str, str, str, str]] = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        for r in reader:
            rows.append((r["lang"], r["title"].strip(), r["kind"], r["isco08"]))
    membership: dict[str, set[bool]] = {}
    for _, title, _, isco in rows:
        membership.setdefault(title.lower(), set()).add(isco in AUDIENCE)
    table: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for lang, title, kind, isco in rows:
        if title and len(membership[title.lower()]) == 1:
            table.setdefault((lang, isco), []).append((title, kind))
    return table


def choice(rng: np.random.Generator, items: list[str] | tuple[str, ...], weights: list[float] | None = None) -> str:
    """Pick one item, optionally weighted (weights need not sum to one)."""
    if weights is None:
        return items[int(rng.integers(len(items)))]
    p = np.asarray(weights, dtype=float)
    return items[int(rng.choice(len(items), p=p / p.sum()))]


def pick_weighted(rng: np.random.Generator, table: dict[str, float]) -> str:
    """Pick a key of ``table`` with probability proportional to its value."""
    keys = list(table)
    return choice(rng, keys, [table[k] for k in keys])


class TitleSource:
    """Draws an occupation code and a title for it in a given language."""

    def __init__(self, esco: dict[tuple[str, str], list[tuple[str, str]]]) -> None:
        self.esco = esco
        self.other_codes = sorted(
            {isco for (_, isco) in esco if isco not in AUDIENCE and isco not in LOOKALIKE and isco[0] != "0"}
        )
        self.hand: dict[str, list[tuple[str, dict[str, list[str]]]]] = {"audience": [], "lookalike": [], "other": []}
        for isco, pl, ru, cs in HAND_TITLES:
            variants = {
                lang: [t.strip() for t in text.split(";")] for lang, text in (("pl", pl), ("ru", ru), ("cs", cs))
            }
            self.hand[group_of(isco)].append((isco, variants))

    def draw(self, rng: np.random.Generator, lang: str) -> tuple[str, str]:
        """Return ``(isco, title)`` for a person whose title is written in ``lang``."""
        group = pick_weighted(rng, GROUP_SHARES)
        if lang in ("pl", "ru", "cs"):
            entries = self.hand[group]
            isco, variants = entries[int(rng.integers(len(entries)))]
            return isco, choice(rng, variants[lang])
        if lang == "en" and rng.random() < 0.25:
            options = [(i, t) for i, t in LINKEDIN_EN_TITLES if group_of(i) == group]
            isco, title = options[int(rng.integers(len(options)))]
            return isco, title
        while True:
            if group == "audience":
                isco = pick_weighted(rng, AUDIENCE)
            elif group == "lookalike":
                isco = pick_weighted(rng, LOOKALIKE)
            elif rng.random() < 0.6:
                isco = choice(rng, COMMON_OTHER)
            else:
                isco = choice(rng, self.other_codes)
            titles = self.esco.get((lang, isco))
            if titles:
                break
        title, _ = titles[int(rng.choice(len(titles), p=_kind_weights(titles)))]
        return isco, tidy_esco_title(rng, title, lang)


def _kind_weights(titles: list[tuple[str, str]]) -> np.ndarray:
    """Preferred titles are three times as likely as alternative ones."""
    w = np.array([3.0 if kind == "preferred" else 1.0 for _, kind in titles])
    return w / w.sum()


def group_of(isco: str) -> str:
    """Which of the three groups an ISCO-08 code belongs to."""
    if isco in AUDIENCE:
        return "audience"
    return "lookalike" if isco in LOOKALIKE else "other"


def tidy_esco_title(rng: np.random.Generator, title: str, lang: str) -> str:
    """Turn a formal ESCO title into something a person would type: one side of a slash, capitalised."""
    if "/" in title:
        parts = title.split("/")
        if len(parts) == 2 and len(parts[1]) <= 3 and parts[1][:1].islower():
            title = title if rng.random() < 0.3 else parts[0]  # "Referent/in"
        else:
            title = choice(rng, parts)
    title = title.strip()
    if lang == "en":
        r = rng.random()
        if r < 0.7:
            return title_case(title)
        if r < 0.9:
            return title[:1].upper() + title[1:]
        return title
    if lang in ("fr", "es") and rng.random() < 0.85:
        return title[:1].upper() + title[1:]
    return title


def title_case(text: str) -> str:
    """English title case that keeps short words low and acronyms upper ("Head of ICT Sales")."""
    words = text.split(" ")
    out = []
    for i, w in enumerate(words):
        low = w.lower()
        if low in ACRONYMS:
            out.append(ACRONYMS[low])
        elif i > 0 and low in SMALL_WORDS:
            out.append(low)
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


def add_noise(rng: np.random.Generator, title: str, lang: str, isco: str, company_short: str) -> str:
    """Dress a clean title the way LinkedIn positions look: prefixes, '@ Company', ' | ', emoji, spaces."""
    seniority_ok = isco[0] != "1" and not title.startswith(("Senior", "Junior", "Head", "Lead"))
    if seniority_ok and rng.random() < 0.08:
        prefix = choice(rng, SENIORITY[lang])
        # "Старший программист", but "Senior Programista": only Russian lowers the noun.
        title = prefix + (title[:1].lower() + title[1:] if lang == "ru" else title)
    if rng.random() < 0.03:
        title += choice(rng, REGIONS)
    r = rng.random()
    if r < 0.04 and company_short:
        title += f" @ {company_short}"
    elif r < 0.055 and company_short and lang == "en":
        title += f" at {company_short}"
    elif r < 0.105:
        title += " | " + choice(rng, PIPE_EXTRAS[lang])
    if rng.random() < 0.02:
        title = title + " " + choice(rng, EMOJI) if rng.random() < 0.7 else choice(rng, EMOJI) + " " + title
    if rng.random() < 0.008:
        title = title.upper()
    if rng.random() < 0.03:
        title += choice(rng, [" ", "  "])
    return title


def make_name(rng: np.random.Generator, lang: str, gender: str | None) -> tuple[str, str, str, str]:
    """Return ``(first, last, slug_first, slug_last)``; the slug parts are the undecorated name.

    ``gender`` ("f"/"m") comes from a gendered job title, so that no "Markus" is a "Verkäuferin".
    """
    female = gender == "f" if gender else rng.random() < 0.5
    firsts = FIRST_NAMES[lang][1 if female else 0].split()
    first = choice(rng, firsts)
    pair = choice(rng, LAST_NAMES[lang].split()).split("/")
    last = pair[-1] if female else pair[0]
    if lang == "es" and rng.random() < 0.5:
        last = f"{last} {choice(rng, LAST_NAMES['es'].split())}"
    if lang == "ru" and rng.random() < 0.4:
        first, last = transliterate(first).title(), transliterate(last).title()
    slug_first, slug_last = first, last
    emoji = choice(rng, NAME_EMOJI).format(coder="👩\u200d💻" if female else "👨\u200d💻")
    r = rng.random()
    if r < 0.01:
        first = f"{first} {emoji}"
    elif r < 0.02:
        last = f"{last} {emoji}"
    elif r < 0.03:
        last = f"{last}, PhD"
    elif r < 0.035:
        last = f"{last}, MBA"
    return first, last, slug_first, slug_last


def title_gender(title: str, lang: str) -> str | None:
    """ "f" or "m" when the title is grammatically gendered that way, else None (generic masculine counts
    as None: plenty of women write "Kierownik" or "Manager")."""
    if FEMININE[lang].search(title):
        return "f"
    if lang == "en" and MASCULINE_EN.search(title):
        return "m"
    return None


def transliterate(text: str) -> str:
    """Russian Cyrillic to a plain Latin spelling, as LinkedIn users often write their names."""
    latin = (CYRILLIC_TO_LATIN.get(c, c) for c in text.lower())
    return "".join("" if c == "-" and c_ != "-" else c for c, c_ in zip(latin, text.lower(), strict=True))


def ascii_fold(text: str) -> str:
    """Drop diacritics ("Oldřich" -> "Oldrich", "Łukasz" -> "Lukasz")."""
    text = "".join(FOLD.get(c, c) for c in text)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slug_words(first: str, last: str) -> str:
    """``first-last`` in lower case with spaces and apostrophes dealt with, accents kept."""
    text = f"{first} {last}".lower().replace("'", "")
    return "-".join(text.split())


def make_url(rng: np.random.Generator, first: str, last: str, taken: set[str]) -> str:
    """A unique profile URL; names with accents or Cyrillic sometimes get a percent-encoded slug."""
    base = slug_words(first, last)
    is_cyrillic = any("а" <= c.lower() <= "я" or c in "ёЁ" for c in base)
    non_ascii = not base.isascii()
    encoded = non_ascii and rng.random() < (0.25 if is_cyrillic else 0.1)
    if not encoded:
        base = transliterate(base) if is_cyrillic else ascii_fold(base)
    r = rng.random()
    if r < 0.72 or encoded:
        slug = f"{base}-{_hex(rng)}"
    elif r < 0.84:
        slug = base.replace("-", "")
    elif r < 0.92:
        slug = base
    elif r < 0.96:
        slug = f"{base.replace('-', '')}{int(rng.integers(1, 100))}"
    else:
        parts = base.split("-")
        slug = parts[0][:1] + "".join(parts[1:])
    while slug in taken:
        slug = f"{base}-{_hex(rng)}"
    taken.add(slug)
    return "https://www.linkedin.com/in/" + (quote(slug, safe="-") if encoded else slug)


def _hex(rng: np.random.Generator) -> str:
    """A short lower-case hex tail like LinkedIn's ("3b9a1c")."""
    n = int(choice(rng, ["6", "7", "8", "8", "9"]))
    return "".join("0123456789abcdef"[int(i)] for i in rng.integers(0, 16, size=n))


def make_company(rng: np.random.Generator, lang: str) -> tuple[str, str]:
    """A synthetic employer for a person of nationality ``lang``: ``(full name, short name)``."""
    starts, ends, forms = COMPANY_PARTS[lang]
    start = choice(rng, starts.split())
    end = choice(rng, [e for e in ends.split() if e.lower() not in start.lower()]).strip("-")
    stem = start + end
    words = [w.strip() for w in COMPANY_WORDS[lang].split(";")] if COMPANY_WORDS[lang] else [""]
    extra = choice(rng, [w for w in words if not w or w.lower()[:5] not in stem.lower()])
    short = f"{stem} {extra}".strip()
    if lang == "pl" and rng.random() < 0.06:
        # Polish firms often carry their name in quotes: exercises "" escaping.
        surname = choice(rng, LAST_NAMES["pl"].split()).split("/")[0]
        return f'PHU "{surname}" Sp. z o.o.', surname
    if lang == "ru" and rng.random() < 0.5:
        short = stem
    form = choice(rng, [f for f, _ in forms], [w for _, w in forms])
    if lang == "ru" and form.endswith("LLC"):
        short = transliterate(stem).title()
    return form.format(short), short


def pick_employer(rng: np.random.Generator, lang: str, isco: str) -> tuple[str, str]:
    """Frequent employers for some rows (recruiters at agencies, developers at software houses)."""
    kind = "staffing" if isco in ("2423", "3333", "1212") else "software" if isco[:2] == "25" else "general"
    if rng.random() < 0.05:
        return SELF_EMPLOYED[lang], ""
    if rng.random() < (0.3 if kind != "general" else 0.12):
        # Local firms and English-named multinationals.
        pool = [(n, s) for n, s, k, lg in FREQUENT_EMPLOYERS if k == kind and lg in (lang, "en")]
        weights = [1.0 / (i + 1) for i in range(len(pool))]  # a few employers dominate
        return pool[int(rng.choice(len(pool), p=np.array(weights) / sum(weights)))]
    return make_company(rng, lang)


def make_date(rng: np.random.Generator) -> date:
    """A connection date between 2012 and late 2026, growing more frequent over time."""
    span = (LAST_DAY - FIRST_DAY).days
    k = 1.8  # density at the end is e^k (about six) times the density at the start
    u = rng.random()
    x = np.log1p(u * np.expm1(k)) / k
    return FIRST_DAY + timedelta(days=int(x * span))


def make_email(rng: np.random.Generator, first: str, last: str) -> str:
    """Rarely present; always on a reserved example domain so it can never reach anyone."""
    if rng.random() >= 0.012:
        return ""
    local = ascii_fold(f"{first}.{last}".split(",")[0]).lower()
    local = "".join(c for c in local if c.isascii() and (c.isalnum() or c == ".")) or "contact"
    return f"{local}@{choice(rng, ['example.com', 'example.org', 'example.net'])}"


def generate(esco_path: Path, n_rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> list[Person]:
    """Build the whole synthetic network, newest connection first (as LinkedIn sorts it)."""
    rng = np.random.default_rng(seed)
    titles = TitleSource(load_esco(esco_path))
    taken: set[str] = set()
    people: list[Person] = []
    for _ in range(n_rows):
        lang = pick_weighted(rng, NATIONALITIES)
        title_lang = "en" if lang != "en" and rng.random() < ENGLISH_TITLE_SHARE else lang
        isco, title = titles.draw(rng, title_lang)
        first, last, slug_first, slug_last = make_name(rng, lang, title_gender(title, title_lang))
        company, short = pick_employer(rng, lang, isco)
        position = add_noise(rng, title, title_lang, isco, short)
        people.append(
            Person(
                first=first,
                last=last,
                url=make_url(rng, slug_first, slug_last, taken),
                email=make_email(rng, slug_first, slug_last),
                company=company,
                position=position,
                connected_on=make_date(rng),
                isco=isco,
                title_lang=title_lang,
            )
        )
    people.sort(key=lambda p: p.connected_on, reverse=True)
    ghosts = rng.choice(n_rows, size=round(n_rows * N_GHOSTS_SHARE), replace=False)
    for i in ghosts:
        people[int(i)].ghost = True
    alive = [i for i, p in enumerate(people) if not p.ghost]
    for i in rng.choice(alive, size=round(n_rows * N_EMPTY_POSITION_SHARE), replace=False):
        people[int(i)].position = ""
    return people


def format_date(d: date) -> str:
    """``04 Jan 2023``: English month abbreviations whatever the user's language."""
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def connections_csv(people: list[Person]) -> str:
    """The export text: preamble, header, rows; LF line ends and no newline at the end (a real quirk)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    for p in people:
        if p.ghost:
            writer.writerow(["", "", "", "", "", "", format_date(p.connected_on)])
        else:
            writer.writerow([p.first, p.last, p.url, p.email, p.company, p.position, format_date(p.connected_on)])
    return PREAMBLE + buf.getvalue().removesuffix("\n")


def answers_csv(people: list[Person]) -> str:
    """The answer key: ``url,label`` (yes = in the persona's audience) for every non-ghost row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["url", "label"])
    for p in people:
        if not p.ghost:
            writer.writerow([p.url, "yes" if p.isco in AUDIENCE else "no"])
    return buf.getvalue()


def summary(people: list[Person]) -> str:
    """Counts worth checking after a regeneration."""
    alive = [p for p in people if not p.ghost]
    yes = sum(p.isco in AUDIENCE for p in alive)
    look = sum(p.isco in LOOKALIKE for p in alive)
    langs = Counter(p.title_lang for p in alive)
    lines = [
        f"rows {len(people)}, ghosts {len(people) - len(alive)}, empty positions "
        f"{sum(p.position == '' for p in alive)}",
        f"audience {yes} ({yes / len(alive):.1%}), look-alikes {look} ({look / len(alive):.1%})",
        "title languages: " + ", ".join(f"{k} {v / len(alive):.1%}" for k, v in langs.most_common()),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--esco", type=Path, default=DEFAULT_ESCO, help="path to esco_titles.tsv")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help="where to write the two CSV files")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="number of connections")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = parser.parse_args(argv)
    if not args.esco.is_file():
        parser.error(f"{args.esco} not found; pass --esco /path/to/esco_titles.tsv")
    people = generate(args.esco, args.rows, args.seed)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "Connections.csv").write_bytes(connections_csv(people).encode("utf-8"))
    (args.out_dir / "answers.csv").write_bytes(answers_csv(people).encode("utf-8"))
    if not args.quiet:
        print(summary(people), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
