"""Realistic personas: invented networks written the way people write their titles, not as ESCO labels.

The ESCO personas (benchlib.PERSONAS) hold every title once, each a clean occupation label. Real networks do not:
a few titles are shared by dozens ("Obchodník", "Rekruter", "Sales Manager"), many come with a seniority, a
tagline, an emoji or the employer ("Key Account Manažer | CZ & SK", "Senior Recruiter at Hays 🚀"), some are in
capitals or lower case, a few are empty, owners and directors are everywhere, and the languages are the
person's own, their neighbours' and English. Choices measured on one kind alone went the wrong way on the
other (whether to smooth scores over the network's most similar titles; which embedder reads them), so the
scoreboard shows both.

Each persona is a vocabulary per language: the titles of the audience, of its hard look-alikes (same world, not
the audience) and of everyone else, the language shares, and the decorations its people add. A quarter of the
rows, drawn at random, is held out: asked about never, judged always, as the rows a person never answered; unlike
the ESCO split, their titles may be shared with answered rows, as a real network's are.

Everyone here is invented; names and companies are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

import numpy as np
from benchlib import Network

from relevance.identity import connection_id
from relevance.records import Connection


@dataclass(frozen=True)
class Vocabulary:
    """One language's titles, by kind, and how its people decorate them."""

    audience: tuple[str, ...]
    lookalike: tuple[str, ...]
    other: tuple[str, ...]
    seniority: tuple[str, ...] = ()
    employer_word: str = "at"  # "Sales Manager at Acme", "Obchodník ve firmě Acme", "Rekruter w Acme"


@dataclass(frozen=True)
class RealisticPersona:
    """A person whose network is written as people write, in the languages around them."""

    key: str
    description: str
    vocabularies: dict[str, Vocabulary]
    languages: dict[str, float]  # share of titles per language
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    companies: tuple[str, ...]
    taglines: tuple[str, ...]
    size: int = 5000
    share: float = 0.25  # audience
    lookalike_share: float = 0.25  # hard look-alikes (never audience)
    held_share: float = 0.25


KINDS = ("audience", "lookalike", "other")
EMOJI = ("🚀", "💼", "✨", "🔥", "👉", "🌱", "💡", "🎯")


def decorate(rng: random.Random, title: str, vocabulary: Vocabulary, persona: RealisticPersona) -> str:
    """A title as its owner writes it: a seniority, a tagline, an employer, an emoji, capitals (or none of these)."""
    if vocabulary.seniority and rng.random() < 0.25:
        title = f"{rng.choice(vocabulary.seniority)} {title}"
    r = rng.random()
    if r < 0.15:
        title = f"{title} | {rng.choice(persona.taglines)}"
    elif r < 0.25:
        title = f"{title} {vocabulary.employer_word} {rng.choice(persona.companies)}"
    elif r < 0.30:
        title = f"{rng.choice(EMOJI)} {title} {rng.choice(EMOJI)}"
    elif r < 0.33:
        title = title.upper()
    elif r < 0.35:
        title = title.lower()
    return title


def draw_realistic(persona: RealisticPersona, seed: int) -> Network:
    """A network for the persona; each row's kind is drawn first (audience, look-alike, other at the persona's
    shares), then its language, then a title of that kind and language (uniformly: a list of 20 titles and 5,000
    rows gives each title dozens of rows), decorated; 3% of rows have no title at all (company only)."""
    rng = random.Random(seed)
    langs, weights = list(persona.languages), list(persona.languages.values())
    shares = (persona.share, persona.lookalike_share, 1.0 - persona.share - persona.lookalike_share)
    connections, truth, row_langs = [], [], []
    for index in range(persona.size):
        kind = rng.choices(KINDS, shares)[0]
        lang = rng.choices(langs, weights)[0]
        vocabulary = persona.vocabularies[lang]
        titles = getattr(vocabulary, kind)
        title = "" if rng.random() < 0.03 else decorate(rng, rng.choice(titles), vocabulary, persona)
        connections.append(_person(rng, persona, title, index))
        truth.append(kind == "audience")
        row_langs.append(lang)
    held_rows = np.random.default_rng(seed).choice(
        persona.size, round(persona.size * persona.held_share), replace=False
    )
    held = np.zeros(persona.size, dtype=bool)
    held[held_rows] = True
    return Network(persona, connections, None, np.array(truth), held, np.array(row_langs))


def _person(rng: random.Random, persona: RealisticPersona, title: str, index: int) -> Connection:
    first, last = rng.choice(persona.first_names), rng.choice(persona.last_names)
    slug = quote(f"{first}-{last}-{index:x}".lower().replace(" ", "-"))
    url = f"https://www.linkedin.com/in/{slug}"
    day = date(2010, 1, 1) + timedelta(days=rng.randrange(5800))
    return Connection(
        id=connection_id(url, first, last, day),
        url=url,
        first_name=first,
        last_name=last,
        company=rng.choice(persona.companies),
        position=title,
        connected_on=day,
    )


# ------------------------------------------------------------------------------------------------------ personas

CZ_SALES = RealisticPersona(
    key="real-cz",
    description="Czech sales trainer in Brno: audience sellers, sales managers, owners and directors; look-alikes "
    "marketing, purchasing, customer service, account managers of IT; cs 50%, sk 12%, en 20%, de/pl/hu/uk",
    vocabularies={
        "cs": Vocabulary(
            audience=(
                "Obchodní ředitel",
                "Obchodní zástupce",
                "Obchodník",
                "Vedoucí obchodního oddělení",
                "Key Account Manažer",
                "Manažer prodeje",
                "Regionální obchodní manažer",
                "Jednatel",
                "Majitel firmy",
                "Ředitel společnosti",
                "Obchodní manažerka",
                "Specialista prodeje",
                "Vedoucí prodejního týmu",
                "Business development manažer",
                "Spolumajitel",
                "Generální ředitel",
                "Obchodní konzultant",
                "Prodejce B2B",
                "Ředitel prodeje a obchodu",
                "Vedoucí týmu obchodníků",
            ),
            lookalike=(
                "Marketingový manažer",
                "Marketingová specialistka",
                "Nákupčí",
                "Vedoucí nákupu",
                "Zákaznická podpora",
                "Specialista zákaznického servisu",
                "Account manažer IT",
                "Produktový manažer",
                "Brand manažer",
                "Specialista PPC",
                "Referent nákupu",
                "Operátor call centra",
                "Personalista",
                "HR Business Partner",
            ),
            other=(
                "Lékař",
                "Praktický lékař",
                "Zdravotní sestra",
                "Učitel",
                "Učitelka na základní škole",
                "Programátor",
                "Vývojář Java",
                "Student",
                "Studentka VUT",
                "Účetní",
                "Stavbyvedoucí",
                "Kuchař",
                "Řidič",
                "Farmaceutka",
                "Zubní lékařka",
                "Vědecký pracovník",
                "Architekt",
                "Advokát",
                "Elektrikář",
                "Skladník",
                "Hasič",
                "Policista",
                "Veterinář",
                "Asistentka ředitele",
            ),
            seniority=("Senior", "Junior", "Hlavní", "Zástupce"),
            employer_word="ve firmě",
        ),
        "sk": Vocabulary(
            audience=(
                "Obchodný riaditeľ",
                "Obchodný zástupca",
                "Konateľ",
                "Manažér predaja",
                "Vedúci obchodu",
                "Majiteľ firmy",
                "Obchodníčka",
                "Riaditeľ spoločnosti",
            ),
            lookalike=("Marketingový špecialista", "Nákupca", "Zákaznícka podpora", "Produktový manažér"),
            other=("Lekár", "Učiteľka", "Programátor", "Študent", "Účtovníčka", "Zdravotná sestra"),
            seniority=("Senior", "Hlavný"),
            employer_word="v",
        ),
        "en": Vocabulary(
            audience=(
                "Sales Manager",
                "Head of Sales",
                "Sales Director",
                "Business Development Manager",
                "Account Executive",
                "Sales Representative",
                "Owner",
                "Managing Director",
                "CEO & Founder",
                "Regional Sales Manager",
                "Inside Sales Specialist",
                "Key Account Manager",
                "VP Sales",
                "Country Manager CZ/SK",
                "Sales Team Lead",
                "Business Development Representative",
                "Co-founder",
                "Chief Commercial Officer",
            ),
            lookalike=(
                "Marketing Manager",
                "Digital Marketing Specialist",
                "Procurement Manager",
                "Purchasing Specialist",
                "Customer Service Representative",
                "Customer Success Manager",
                "IT Account Manager",
                "Technical Account Manager",
                "Product Manager",
                "Brand Manager",
                "Social Media Manager",
                "Buyer",
                "Category Manager",
                "HR Manager",
                "Recruiter",
            ),
            other=(
                "Software Engineer",
                "Java Developer",
                "Frontend Developer",
                "Data Scientist",
                "Student",
                "Teacher",
                "Physician",
                "Nurse",
                "DevOps Engineer",
                "QA Engineer",
                "Accountant",
                "PhD Candidate",
                "Research Scientist",
                "Civil Engineer",
                "Lawyer",
                "Graphic Designer",
                "Pharmacist",
                "Intern",
            ),
            seniority=("Senior", "Junior", "Lead", "Assistant", "Interim"),
        ),
        "de": Vocabulary(
            audience=(
                "Vertriebsleiter",
                "Geschäftsführer",
                "Vertriebsmitarbeiter",
                "Leiter Vertrieb",
                "Außendienstmitarbeiter",
                "Inhaber",
                "Verkaufsleiter DACH",
            ),
            lookalike=("Marketingleiter", "Einkäufer", "Kundenservice Mitarbeiter", "Produktmanager"),
            other=("Softwareentwickler", "Lehrer", "Arzt", "Krankenschwester", "Student"),
            seniority=("Senior", "Stellv."),
            employer_word="bei",
        ),
        "pl": Vocabulary(
            audience=(
                "Kierownik sprzedaży",
                "Dyrektor handlowy",
                "Przedstawiciel handlowy",
                "Właściciel firmy",
                "Prezes zarządu",
                "Specjalista ds. sprzedaży",
            ),
            lookalike=("Specjalista ds. marketingu", "Kupiec", "Specjalista ds. obsługi klienta", "Menedżer produktu"),
            other=("Programista", "Nauczyciel", "Lekarz", "Student", "Księgowa", "Pielęgniarka"),
            employer_word="w",
        ),
        "hu": Vocabulary(
            audience=("Értékesítési vezető", "Kereskedelmi igazgató", "Ügyvezető igazgató", "Értékesítő", "Tulajdonos"),
            lookalike=("Marketing vezető", "Beszerző", "Ügyfélszolgálati munkatárs"),
            other=("Szoftverfejlesztő", "Tanár", "Orvos", "Egyetemi hallgató"),
            employer_word="@",
        ),
        "uk": Vocabulary(
            audience=(
                "Менеджер з продажу",
                "Комерційний директор",
                "Власник бізнесу",
                "Керівник відділу продажів",
                "Директор з розвитку бізнесу",
            ),
            lookalike=("Маркетолог", "Менеджер із закупівель", "Оператор служби підтримки"),
            other=("Програміст", "Вчитель", "Лікар", "Студент"),
            employer_word="в",
        ),
    },
    languages={"cs": 0.50, "sk": 0.12, "en": 0.20, "de": 0.05, "pl": 0.05, "hu": 0.04, "uk": 0.04},
    first_names=(
        "Jan",
        "Petr",
        "Tomáš",
        "Lukáš",
        "Jiří",
        "Martin",
        "Eva",
        "Jana",
        "Lucie",
        "Petra",
        "Kateřina",
        "Tereza",
        "Zuzana",
        "Markéta",
        "Šárka",
        "Radek",
        "Zdeněk",
        "Vojtěch",
        "Matúš",
        "Zoltán",
        "Olena",
        "Thanh",
        "Lan",
    ),
    last_names=(
        "Nováková",
        "Svoboda",
        "Dvořák",
        "Černý",
        "Procházková",
        "Kučera",
        "Veselý",
        "Horák",
        "Němcová",
        "Pokorný",
        "Růžička",
        "Šťastný",
        "Křížová",
        "Holub",
        "Hudák",
        "Baláž",
        "Nagy",
        "Nguyen",
        "Tran",
    ),
    companies=(
        "ProdejPro s.r.o.",
        "Kovotex a.s.",
        "Moravia Trade",
        "Nova Data a.s.",
        "Fakultní nemocnice Brno",
        "VUT v Brně",
        "Škoda Auto",
        "Alza.cz",
        "Seznam.cz",
        "Tatra Banka",
        "Freelance",
        "Brněnské vodárny",
    ),
    taglines=("B2B", "Brno", "CZ & SK", "Trenér", "CEE", "Praha", "Growth", "20+ let praxe", "Ostrava"),
    size=6000,
)

PL_HR = RealisticPersona(
    key="real-pl",
    description="Polish HR trainer in Kraków: audience HR, recruiters, owners and team leaders; look-alikes "
    "sales, marketing, office and customer service; pl 74%, en 11%, uk 8%, ru 4%, de 3%",
    vocabularies={
        "pl": Vocabulary(
            audience=(
                "HR Business Partner",
                "Specjalistka ds. kadr i płac",
                "Specjalista ds. kadr i płac",
                "Dyrektor HR",
                "Dyrektorka Personalna",
                "Kierownik Działu Personalnego",
                "HR Manager",
                "Rekruterka IT",
                "Rekruter",
                "Specjalistka ds. rekrutacji",
                "Talent Acquisition Specialist",
                "Właściciel firmy",
                "Właścicielka firmy",
                "Prezes Zarządu",
                "Członek Zarządu",
                "Współwłaściciel",
                "Kierownik zespołu",
                "Kierownik zmiany",
                "Dyrektor Operacyjny",
                "Kierowniczka sklepu",
                "Specjalistka ds. szkoleń i rozwoju",
                "Specjalista ds. wynagrodzeń",
                "Kadrowa",
                "Dyrektor Zarządzający",
                "Kierownik Produkcji",
                "Kierownik Magazynu",
                "Przedsiębiorca",
            ),
            lookalike=(
                "Przedstawiciel handlowy",
                "Handlowiec",
                "Doradca klienta",
                "Specjalista ds. marketingu",
                "Social Media Manager",
                "Specjalista ds. obsługi klienta",
                "Asystentka",
                "Sekretarka",
                "Agent ubezpieczeniowy",
                "Doradca finansowy",
                "Specjalista ds. zakupów",
                "Office Manager",
            ),
            other=(
                "Programista Java",
                "Frontend Developer",
                "Tester oprogramowania",
                "Analityk danych",
                "Księgowa",
                "Magazynier",
                "Kierowca kat. C+E",
                "Operator wózka widłowego",
                "Pielęgniarka",
                "Lekarz",
                "Fizjoterapeuta",
                "Nauczycielka języka angielskiego",
                "Student",
                "Studentka psychologii",
                "Grafik komputerowy",
                "Architekt",
                "Inżynier budowy",
                "Elektryk",
                "Mechanik samochodowy",
                "Kucharz",
                "Kosmetolog",
                "Dietetyk",
                "Farmaceutka",
                "Tłumacz przysięgły",
                "Kasjerka",
                "Emerytka",
            ),
            seniority=("Starszy", "Młodszy", "Senior", "Junior"),
            employer_word="w",
        ),
        "en": Vocabulary(
            audience=(
                "HR Director",
                "Recruiter",
                "Head of Talent",
                "Managing Director",
                "Business Owner",
                "Team Manager",
                "Chief People Officer",
                "Recruitment Team Lead",
                "HR Operations Manager",
            ),
            lookalike=(
                "Sales Representative",
                "Account Manager",
                "Marketing Specialist",
                "Customer Success Manager",
                "Office Manager",
            ),
            other=(
                "Software Engineer",
                "Backend Developer",
                "Graphic Designer",
                "Accountant",
                "Warehouse Associate",
                "Data Analyst",
                "UX Designer",
                "Student at AGH",
                "Crypto enthusiast",
            ),
            seniority=("Senior", "Junior", "Lead"),
        ),
        "uk": Vocabulary(
            audience=(
                "HR-менеджер",
                "Рекрутерка",
                "Менеджерка з персоналу",
                "Директор з персоналу",
                "Власник компанії",
                "Керівник відділу кадрів",
                "Фахівець з підбору персоналу",
                "Керівник бригади",
            ),
            lookalike=("Менеджер з продажу", "Маркетолог", "Адміністратор"),
            other=(
                "Зварювальник",
                "Водій",
                "Оператор складу",
                "Будівельник",
                "Кухар",
                "Прибиральниця",
                "Електрик",
                "Бухгалтер",
                "Програміст",
                "Слюсар",
                "Пакувальниця",
                "Медсестра",
            ),
            employer_word="в",
        ),
        "ru": Vocabulary(
            audience=(
                "HR-менеджер по подбору персонала",
                "Рекрутер",
                "Директор по персоналу",
                "Владелец бизнеса",
                "Руководитель отдела кадров",
            ),
            lookalike=("Менеджер по продажам", "Маркетолог"),
            other=("Сварщик", "Водитель", "Программист", "Кладовщик", "Бухгалтер", "Строитель", "Повар"),
            employer_word="в",
        ),
        "de": Vocabulary(
            audience=("Personalleiterin", "Recruiterin", "Geschäftsführer", "HR-Referentin", "Teamleiter"),
            lookalike=("Vertriebsmitarbeiter", "Marketingmanagerin"),
            other=("Softwareentwickler", "Lagerist", "Krankenschwester", "Steuerberater"),
            employer_word="bei",
        ),
    },
    languages={"pl": 0.74, "en": 0.11, "uk": 0.08, "ru": 0.04, "de": 0.03},
    first_names=(
        "Anna",
        "Katarzyna",
        "Małgorzata",
        "Agnieszka",
        "Joanna",
        "Magdalena",
        "Żaneta",
        "Łucja",
        "Piotr",
        "Krzysztof",
        "Tomasz",
        "Paweł",
        "Łukasz",
        "Grzegorz",
        "Bartłomiej",
        "Jędrzej",
        "Olena",
        "Oleksandr",
    ),
    last_names=(
        "Nowak",
        "Kowalski",
        "Wiśniewska",
        "Wójcik",
        "Kamińska",
        "Lewandowski",
        "Zieliński",
        "Woźniak",
        "Dąbrowska",
        "Kozłowski",
        "Jankowska",
        "Mazur",
        "Krawczyk",
        "Shevchenko",
        "Kovalenko",
    ),
    companies=(
        "Grupa Kęty",
        "Akcja Rekrutacja Sp. z o.o.",
        "Kadrowiec.pl",
        "Małopolskie Centrum Szkoleń",
        "Żabka Polska",
        "Comarch",
        "Randstad Polska",
        "Budimex",
        "własna działalność",
        "Work Service",
        "Talentowo",
    ),
    taglines=(
        "Łączę ludzi z pasją",
        "Pomagam firmom rosnąć",
        "Otwarta na nowe wyzwania",
        "#opentowork",
        "Ludzie są najważniejsi",
        "Rozwój • Zespół • Wyniki",
        "Zapraszam do kontaktu!",
    ),
)

KZ_HR = RealisticPersona(
    key="real-kz",
    description="Kazakh HR trainer in Almaty: audience HR, recruiters, owners and directors; look-alikes sales, "
    "marketing, office administration; ru 60%, kk 15%, en 25%",
    vocabularies={
        "ru": Vocabulary(
            audience=(
                "Менеджер по персоналу",
                "HR-директор",
                "Рекрутер",
                "Директор ТОО",
                "Генеральный директор",
                "Руководитель отдела кадров",
                "Специалист по подбору персонала",
                "Инспектор отдела кадров",
                "HR бизнес-партнер",
                "Учредитель",
                "Директор по развитию",
                "Руководитель отдела обучения",
                "Специалист по кадровому делопроизводству",
                "Заместитель директора",
                "Владелец бизнеса",
            ),
            lookalike=(
                "Менеджер по продажам",
                "Маркетолог",
                "Офис-менеджер",
                "Секретарь-референт",
                "Администратор",
                "Менеджер по работе с клиентами",
                "Торговый представитель",
            ),
            other=(
                "Программист",
                "Бухгалтер",
                "Главный бухгалтер",
                "Инженер-нефтяник",
                "Врач-терапевт",
                "Учитель математики",
                "Водитель",
                "Юрист",
                "Студентка КазНУ",
                "Инженер-строитель",
                "Экономист",
                "Медсестра",
                "Фармацевт",
                "Геолог",
                "Электромонтер",
                "Повар",
                "Аналитик данных",
            ),
            seniority=("Старший", "Ведущий", "Главный"),
            employer_word="в",
        ),
        "kk": Vocabulary(
            audience=(
                "Кадр бөлімінің басшысы",
                "Кадр жөніндегі маман",
                "Персоналды іріктеу маманы",
                "Бас директор",
                "Құрылтайшы",
                "Директордың орынбасары",
                "Кәсіпкер",
            ),
            lookalike=("Сату менеджері", "Маркетолог маман", "Іс жүргізуші"),
            other=(
                "Мұғалім",
                "Дәрігер",
                "Бағдарламашы",
                "Есепші",
                "Жүргізуші",
                "Студент",
                "Медбике",
                "Заңгер",
                "Инженер",
                "Аудармашы",
            ),
            employer_word="|",
        ),
        "en": Vocabulary(
            audience=(
                "HR Manager",
                "Talent Acquisition Specialist",
                "Recruiter",
                "HR Director",
                "CEO",
                "Founder",
                "People Partner",
                "Head of HR",
            ),
            lookalike=("Sales Manager", "Marketing Manager", "Office Manager", "Account Manager"),
            other=(
                "Software Engineer",
                "Petroleum Engineer",
                "Financial Analyst",
                "Data Scientist",
                "Auditor",
                "Geologist",
                "Student at Nazarbayev University",
                "Translator",
            ),
            seniority=("Senior", "Junior", "Lead"),
        ),
    },
    languages={"ru": 0.60, "kk": 0.15, "en": 0.25},
    first_names=(
        "Айгерим",
        "Асель",
        "Динара",
        "Жанна",
        "Алия",
        "Нурлан",
        "Ерлан",
        "Данияр",
        "Асхат",
        "Arman",
        "Aigerim",
        "Dana",
        "Timur",
        "Ольга",
        "Сергей",
        "Мадина",
    ),
    last_names=(
        "Ахметова",
        "Нурланов",
        "Сейткали",
        "Жумабаев",
        "Касымова",
        "Абенов",
        "Иванова",
        "Ким",
        "Tulegenov",
        "Bekova",
        "Омарова",
        "Искаков",
    ),
    companies=(
        "Kaspi.kz",
        "Halyk Bank",
        "KazMunayGas",
        'ТОО "Алматы Трейд"',
        "Air Astana",
        "Beeline Kazakhstan",
        "Технодом",
        "Kcell",
        'ТОО "Кадровый центр"',
        "ИП",
        "КазНУ им. аль-Фараби",
    ),
    taglines=("Алматы", "Астана", "HR-консалтинг", "Открыта к предложениям", "Развиваем людей", "#opentowork"),
    size=4000,
)

NG_SALES = RealisticPersona(
    key="real-ng",
    description="Nigerian sales trainer in Lagos: audience sales, business development, relationship managers, "
    "owners and CEOs of small businesses; look-alikes marketing, customer service, procurement; English, with a "
    "little French",
    vocabularies={
        "en": Vocabulary(
            audience=(
                "Sales Manager",
                "Business Development Executive",
                "Relationship Manager",
                "Relationship Manager, Corporate Banking",
                "Sales Executive",
                "Key Account Manager",
                "Regional Sales Manager",
                "Area Sales Manager",
                "Head of Sales",
                "CEO",
                "Founder/CEO",
                "Managing Director/CEO",
                "Entrepreneur",
                "Business Owner",
                "Sales Representative",
                "Business Development Manager",
                "Territory Manager",
                "Chief Executive Officer",
                "Head, Retail Banking",
                "Sales Lead",
                "Distributor",
            ),
            lookalike=(
                "Marketing Executive",
                "Digital Marketer",
                "Brand Manager",
                "Customer Service Officer",
                "Customer Care Representative",
                "Procurement Officer",
                "Social Media Manager",
                "Trade Marketing Manager",
                "Call Centre Agent",
                "Product Manager",
                "Content Creator",
            ),
            other=(
                "Medical Doctor",
                "Pharmacist",
                "Civil Engineer",
                "Petroleum Engineer",
                "Software Developer",
                "Lecturer",
                "Chartered Accountant (ACA)",
                "Nurse",
                "Youth Corps Member",
                "Student",
                "Graduate Trainee",
                "Legal Practitioner",
                "Teacher",
                "Electrical Engineer",
                "Data Analyst",
                "Architect",
                "Fashion Designer",
                "Journalist",
                "Pastor",
                "Mechanical Engineer",
            ),
            seniority=("Senior", "Assistant", "Principal", "Deputy"),
        ),
        "fr": Vocabulary(
            audience=("Directeur commercial", "Responsable des ventes", "Chargé d'affaires", "Gérant"),
            lookalike=("Chargé de marketing", "Service client"),
            other=("Ingénieur", "Enseignant", "Médecin", "Étudiant"),
            employer_word="chez",
        ),
    },
    languages={"en": 0.94, "fr": 0.06},
    first_names=(
        "Chinedu",
        "Ngozi",
        "Oluwaseun",
        "Adebayo",
        "Funmilayo",
        "Emeka",
        "Aisha",
        "Ibrahim",
        "Chiamaka",
        "Tunde",
        "Blessing",
        "Yetunde",
        "Obinna",
        "Kemi",
        "Musa",
        "Adaeze",
    ),
    last_names=(
        "Okafor",
        "Adeyemi",
        "Okonkwo",
        "Bello",
        "Eze",
        "Adebayo",
        "Nwosu",
        "Abubakar",
        "Ogunleye",
        "Ibrahim",
        "Olawale",
        "Chukwu",
    ),
    companies=(
        "Dangote Group",
        "MTN Nigeria",
        "GTBank",
        "Access Bank",
        "Zenith Bank",
        "Jumia",
        "Flutterwave",
        "Nestlé Nigeria",
        "Self-employed",
        "Ade & Sons Ventures",
        "Lagos State Government",
        "UNILAG",
    ),
    taglines=(
        "Lagos",
        "Abuja",
        "God first 🙏",
        "Helping SMEs grow",
        "Sales is life",
        "Open to opportunities",
        "Husband, father, believer",
        "Port Harcourt",
    ),
)

REALISTIC: dict[str, RealisticPersona] = {p.key: p for p in (CZ_SALES, PL_HR, KZ_HR, NG_SALES)}
