"""Which column of an export holds which canonical field, whatever the tool that wrote it called it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Canonical field -> header spellings, normalised (see `normalise_header`), best first. Where a file has
# several candidates for one field, the earliest in the list wins: Sales Navigator's `profileUrl` is a
# sales-app link while its `linkedInProfileUrl` is the public profile, so the latter comes first.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "url": (
        "linkedinprofileurl",
        "publicprofileurl",
        "profileurl",
        "linkedinurl",
        "personlinkedinurl",  # Apollo
        "linkedinprofile",  # Lusha, Kaspr, CRMs
        "linkedinprofilelink",
        "url",
        "linkedin",
        "profilelink",
        "profile",
    ),
    "first_name": (
        "firstname",
        "first",
        "givenname",
        "vorname",
        "prenom",
        "nombre",
        "nome",
        "voornaam",
        "jmeno",
        "meno",
        "imie",
        "имя",
    ),
    "last_name": (
        "lastname",
        "last",
        "surname",
        "familyname",
        "nachname",
        "nom",
        "apellidos",
        "apellido",
        "sobrenome",
        "cognome",
        "achternaam",
        "nazwisko",
        "prijmeni",
        "priezvisko",
        "фамилия",
    ),
    "full_name": ("fullname", "name"),
    "email": ("emailaddress", "email", "mail", "emailadresse", "adresseemail", "correoelectronico"),
    "company": (
        "company",
        "companyname",
        "currentcompany",
        "organization1",
        "organisation",
        "organization",
        "employer",
        "firma",
        "spolecnost",
        "компания",
        "организация",
        "unternehmen",
        "entreprise",
        "empresa",
        "azienda",
        "bedrijf",
    ),
    "position": (
        "position",
        "jobtitle",
        "linkedinjobtitle",
        "organizationtitle1",
        "currentposition",
        "role",
        "currenttitle",
        "currentjobtitle",
        "designation",  # a job title in Indian and Nigerian English (CRM exports)
        "poste",
        "puesto",
        "cargo",
        "posizione",
        "functie",
        "stelle",
        "stanowisko",
        "pozice",
        "pozicia",
        "должность",
    ),
    "headline": ("headline", "linkedinheadline", "occupation", "tagline"),
    "location": ("location", "locationname", "linkedinlocation", "city", "region", "country"),
    "industry": ("industry", "companyindustry", "linkedinindustry"),
    "connected_on": (
        "connectedon",
        "connectionsince",
        "connectiondate",
        "connecteddate",
        "connectedat",
        "connected",
        "verbundenam",
        # headers a person typed in their own language (accents off, as normalise_header reads them)
        "datumspojeni",  # cs: Datum spojení
        "datumspojenia",  # sk
        "datapolaczenia",  # pl: Data połączenia, typed without its letters
        "datapołaczenia",  # ł has no accent to take off
        "datadodania",  # pl: Data dodania
        "datanawiazaniakontaktu",  # pl: Data nawiązania kontaktu
        "datumverbindung",
        # "Connected On" as LinkedIn's interface words it in French, Spanish, Portuguese, Italian, Dutch
        "connectele",
        "conectadoel",
        "conectadoem",
        "collegatoil",
        "verbondenop",
        "fechadeconexion",
        "datedeconnexion",
        "datadicollegamento",
        "datadeconexao",
        "датаподключения",
        "датадобавления",
        "датаустановлениясвязи",
    ),
}

# How each canonical field is named to a person: in messages that must not quote the file itself.
FIELD_NAMES: dict[str, str] = {
    "url": "URL",
    "first_name": "First Name",
    "last_name": "Last Name",
    "full_name": "Name",
    "email": "Email Address",
    "company": "Company",
    "position": "Position",
    "headline": "Headline",
    "location": "Location",
    "industry": "Industry",
    "connected_on": "Connected On",
}

# `title` means the headline in PhantomBuster's Connections Export and Dux-Soup, and the job title where a
# file carries a headline of its own, or in a Sales Navigator export (its `title` is the role at `companyName`,
# told apart by the columns only Sales Navigator writes; or in Apollo's, by its seniority and departments).
AMBIGUOUS_TITLE = "title"
_TITLE_IS_JOB = frozenset(
    {"companylocation", "titledescription", "durationinrole", "durationincompany", "seniority", "departments"}
)

# A header names who a connection is, and something about them (or a profile URL, which is both).
_WHO = {"url", "first_name", "last_name", "full_name"}
_ABOUT = {"url", "company", "position", "headline", "connected_on"}

# Header names that betray the tool that wrote the file, checked in order.
_SIGNATURES: tuple[tuple[str, frozenset[str]], ...] = (
    ("PhantomBuster Profile Scraper", frozenset({"linkedinprofileurl", "linkedinheadline"})),
    ("PhantomBuster Sales Navigator Export", frozenset({"linkedinprofileurl", "companylocation"})),
    ("PhantomBuster Sales Navigator Export", frozenset({"linkedinprofileurl", "summary"})),
    ("PhantomBuster Connections Export", frozenset({"profileurl", "connectionsince"})),
    ("Waalaxy", frozenset({"linkedinurl", "occupation"})),
    ("Linked Helper", frozenset({"profileurl", "organization1"})),
    ("Linked Helper", frozenset({"profileurl", "organizationtitle1"})),
    ("Dux-Soup", frozenset({"profile", "connectiondegree"})),
)

# LinkedIn's own layouts, in their column order: used to name the format, and to read a file whose header
# was lost.
LINKEDIN_CURRENT = ("first_name", "last_name", "url", "email", "company", "position", "connected_on")
LINKEDIN_OLDER = ("first_name", "last_name", "email", "company", "position", "connected_on")
_LINKEDIN_HEADERS = {"firstname", "lastname", "url", "emailaddress", "company", "position", "connectedon"}

_NON_ALNUM = re.compile(r"[\W_]+")


def normalise_header(name: str) -> str:
    """`First Name`, `first_name`, `FirstName` and `"First Name "` all become `firstname`."""
    folded = name.strip().strip('"').strip("\ufeff").casefold()
    # accents off ("Příjmení" -> "prijmeni", "Prénom" -> "prenom"): a header is typed with or without them
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", folded)


def map_columns(header: Sequence[str]) -> dict[str, int]:
    """Canonical field -> column index, for the fields this header names."""
    normalised = [normalise_header(cell) for cell in header]
    position_of: dict[str, int] = {}
    for index, name in enumerate(normalised):
        position_of.setdefault(name, index)
    mapping: dict[str, int] = {}
    for field, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias in position_of and position_of[alias] not in mapping.values():
                mapping[field] = position_of[alias]
                break
    if AMBIGUOUS_TITLE in position_of:
        job_title = "headline" in mapping or not _TITLE_IS_JOB.isdisjoint(position_of)
        target = "position" if job_title else "headline"
        if target not in mapping:
            mapping[target] = position_of[AMBIGUOUS_TITLE]
    return mapping


def looks_like_header(row: Sequence[str]) -> bool:
    """A row that names at least two known fields: who a connection is, and what they do or when they connected.

    `Name;Age;City` is a list of people, but nothing relevance could score.
    """
    fields = map_columns(row).keys()
    return len(fields) >= 2 and bool(_WHO & fields) and bool(_ABOUT & fields)


def describe_format(header: Sequence[str]) -> str:
    """A human name for the layout this header comes from."""
    names = {normalise_header(cell) for cell in header} - {""}  # Excel keeps empty trailing columns
    for tool, signature in _SIGNATURES:
        if signature <= names:
            return tool
    if names and names <= _LINKEDIN_HEADERS | {"notes"}:
        if "url" in names:
            return "LinkedIn connections export"
        return "LinkedIn connections export (older layout, no URL)"
    return "connections file (columns recognised by name)"
