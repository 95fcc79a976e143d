"""Titles in languages the model reading the network was not trained on: never removed on its word.

USE multilingual v3 was trained on 16 languages. It reads a network where e5, the default, cannot run (or when
asked for), and then places the few titles in other languages almost at random: on benchmark networks of a Polish
trainer (2% Czech, 2% Slovak titles, 100 answers), 13-16% of the Czech and Slovak titles in the removal list were
the person's audience where 1% of the rest were, half the wrong removals from 7% of the list. So a title the
model cannot read goes to review, with the reason, never to remove. Their letters (ř, ů, ľ, ő, ș…) tell most such
titles apart without a statistical model, cheaply enough for every score; a title in plain a-z stays the model's
to judge. A model that names no languages (e5's ~100) reads them all.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np

from relevance.embed import embedding_text
from relevance.language import language_name, letter_languages, uzbek_latin
from relevance.records import Connection

# Languages named in a reason; more are "…".
NAMED = 3
BY_LETTERS = "(by its letters)"
_WORD = re.compile(r"[^\W\d_]+")
_EMPLOYER = re.compile(r"\s(?:at|@)\s", re.IGNORECASE)


def reads_languages(embedder: object) -> frozenset[str]:
    """The languages an embedder was trained on, as it declares them (``languages``); empty: it names none,
    and every title is read as embedded (e5's ~100 languages, a sentence-transformers model)."""
    return frozenset(getattr(embedder, "languages", None) or ())


def unread(connections: Sequence[Connection], languages: Collection[str]) -> np.ndarray:
    """For each connection, whether the model reading ``languages`` (none: every language) cannot read its title
    (``unread_languages``)."""
    if not languages:
        return np.zeros(len(connections), dtype=bool)
    read = frozenset(languages)
    seen: dict[str, bool] = {}
    out = np.zeros(len(connections), dtype=bool)
    for i, connection in enumerate(connections):
        text = embedding_text(connection)
        if text not in seen:
            seen[text] = bool(unread_languages(text, read))
        out[i] = seen[text]
    return out


def unread_languages(text: str, read: frozenset[str]) -> tuple[str, ...]:
    """The languages a title is in, by the letters of its words, when none of them is one of ``read``; () when
    the model reads it or its letters cannot tell. Word by word, so a headline mixing languages ("Gärtnerin |
    operador de línea") is judged by each part, and a word only a read language writes ("sprzedaży": Polish)
    keeps the title the model's; the employer after " at " or " @ " is not the title ("Sales Director at
    Škoda")."""
    title = _EMPLOYER.split(text, maxsplit=1)[0]
    if "uz" not in read and uzbek_latin(title):  # its telling letters are two, with an apostrophe between
        return ("uz",)
    words: list[tuple[str, ...]] = []
    for word in _WORD.findall(title):
        allowed = () if word.isascii() else letter_languages(word)
        if allowed and read.issuperset(allowed):
            return ()
        if allowed and read.isdisjoint(allowed):
            words.append(allowed)
    if not words:
        return ()
    # the languages every such word allows ("ředitel" and "Škoda": Czech), else any of them
    common = [code for code in words[0] if all(code in allowed for allowed in words[1:])]
    return tuple(common or dict.fromkeys(code for allowed in words for code in allowed))


def unread_reason(connection: Connection, model: str, read: Collection[str]) -> str:
    """ "title in Czech or Slovak (by its letters), which <model> was not trained on: yours to judge"."""
    codes = unread_languages(embedding_text(connection), frozenset(read))
    names = " or ".join(language_name(code) for code in codes[:NAMED]) + ("…" if len(codes) > NAMED else "")
    return f"title in {names} {BY_LETTERS}, which {model} was not trained on: yours to judge"


def is_unread_reason(why: str) -> bool:
    """Whether a scored row's reason is ``unread_reason``'s: how scored.csv read back knows what decided it."""
    return why.startswith("title in ") and BY_LETTERS in why
