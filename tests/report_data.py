"""Synthetic scored networks for the report tests and scripts/bench_report.py. No real people.

The audience (people who hire, sell, market) grows rarer in later years, so the report has a drift to find;
some titles are hostile (``</script>``, HTML, quotes) to prove everything is escaped.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
from fakes import make_card

from relevance.card import ModelCard
from relevance.records import Connection
from relevance.score import ScoredRow

AUDIENCE = [
    "Head of Talent",
    "Recruiter",
    "Sales Director",
    "Marketing Manager",
    "Dyrektor sprzedaży",
    "Jefa de ventas",
]
OTHERS = [
    "Java Developer",
    "Backend engineer",
    "Data Scientist",
    "Účetní",
    "Ingeniero de software",
    "DevOps 🚀 | Cloud",
]
HOSTILE = "</script><script>window.pwned=1</script><!--"
REMOVE_AT, KEEP_AT = 0.15, 0.6


def scored_rows(n: int, *, seed: int = 0, labels: bool = True, hostile: bool = True) -> list[ScoredRow]:
    """``n`` scored rows in scored.csv order (removals first, most certain first)."""
    rng = np.random.default_rng(seed)
    start = date(2012, 1, 1)
    rows = []
    for i in range(n):
        day = start + timedelta(days=int(rng.integers(0, 12 * 365)))
        audience = rng.random() < (0.5 if day.year < 2018 else 0.15)
        title = str(rng.choice(AUDIENCE if audience else OTHERS))
        score = float(np.clip(rng.beta(5, 2) if audience else rng.beta(1.2, 6), 0, 1))
        company = f"Company {int(rng.integers(0, 400))}" if i % 7 else "Acme, Inc. & <Sons>"
        if hostile and i % 97 == 3:
            title, company = HOSTILE, '"><img src=x onerror=window.pwned=2>'
        connection = Connection(
            id=f"linkedin.com/in/person-{i}",
            url=f"https://www.linkedin.com/in/person-{i}" if i % 11 else "",
            first_name=f"First{i}" if i % 13 else "Zoë 👩‍💻",
            last_name=f"Last{i}" if i % 17 else "O'Brien </b>",
            company=company,
            position=title if i % 29 else "",
            connected_on=day if i % 23 else None,
        )
        if not (connection.title or connection.company):
            rows.append(
                ScoredRow(connection, None, "review", "nothing to score: no title or company", source="no text")
            )
            continue
        score = round(score, 3)  # as scored.csv holds it
        suggestion = "remove" if score <= REMOVE_AT else "keep" if score >= KEEP_AT else "review"
        if labels and i % 40 == 0:
            answer = f"you answered {'yes' if audience else 'no'}"
            rows.append(ScoredRow(connection, score, "keep" if audience else "remove", answer, audience, "label"))
            continue
        why = f"like '{OTHERS[i % len(OTHERS)]}' (no), '{AUDIENCE[i % len(AUDIENCE)]}' (yes)"
        rows.append(ScoredRow(connection, score, suggestion, why))
    order = {"remove": 0, "review": 1, "keep": 2}
    return sorted(rows, key=lambda r: (order[r.suggestion], r.label is None, r.score if r.score is not None else 0.5))


def vectors_for(rows: list[ScoredRow], dim: int = 64, *, seed: int = 0) -> np.ndarray:
    """Unit vectors clustered by title (zero rows for connections without text), like real embeddings."""
    rng = np.random.default_rng(seed)
    centres: dict[str, np.ndarray] = {}
    out = np.zeros((len(rows), dim), dtype=np.float32)
    for i, row in enumerate(rows):
        if not (row.connection.title or row.connection.company):
            continue
        title = row.connection.title or row.connection.company
        centre = centres.setdefault(title, rng.normal(size=dim))
        v = centre + 0.6 * rng.normal(size=dim)
        out[i] = v / np.linalg.norm(v)
    return out


def model_card(seed: int = 0, *, remove_at: float | None = REMOVE_AT) -> ModelCard:
    """A trained model's card, with out-of-fold predictions for 120 answers (the report's curves)."""
    rng = np.random.default_rng(seed)
    y = rng.random(120) < 0.3
    p = np.clip(np.where(y, rng.beta(5, 2, 120), rng.beta(1.2, 6, 120)), 0, 1)
    card = make_card(remove_at_or_below=remove_at, keep_from=KEEP_AT, wrong=(0.03, 0.01, 0.06), embedder="fake-hash-64")
    return dataclasses.replace(
        card,
        labels_yes=int(y.sum()),
        labels_no=int((~y).sum()),
        out_of_fold_scores=tuple(round(float(v), 4) for v in p),
        out_of_fold_labels=tuple(int(v) for v in y),
    )
