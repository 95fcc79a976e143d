"""The answers most like each connection: the reason shown beside its score, and a check on removing it.

`relevance score` explains a score by the person's own answers most similar to the connection ("like 'A' (no),
'B' (no)"). When the most similar of them is a "yes", the model's low score contradicts the person's own nearest
answer: a linear model learns the audience's biggest group and can put a smaller one (recruiters in a sales
trainer's audience) among the surest removals, beside a reason that reads "like 'Recruiter, Acme' (yes)". Such a
connection is never suggested for removal on the model's word: it goes to review, with that answer as its reason.
So does one the model would keep whose most similar answer is a "no" ("Senior Lekarz", kept beside "like
'Lekarz' (no)"): keeping is harmless, but a reason that argues against the suggestion is not one to trust (on
the bundled sample at 150 answers, 7 of 83 keeps, 3 of them not the audience, where 8% of the other keeps are not).
Measured on benchmark networks of three trainers (100 answers, 8 networks each, the whole network), against the
same runs without it: it took 6-8% off the model's removal lists and 11-20% off their wrong removals (the rows
held back were 2.3-7.0% audience, against 1.2-3.1% in the lists); on the bundled sample (20 labelling paths,
150 answers), 2% off the lists and 12% off their wrong removals. A model trained before it applies it too, with
its card's estimate then about a slightly longer list (a cautious error).
"""

from __future__ import annotations

import numpy as np

from relevance.linear import centre
from relevance.neighbours import distinct_rows

# The answers a reason picks its examples from (two people with the same title count once), most similar first;
# the guard reads the same list, so that `train` and `score` mark the same rows.
TAKE = 6
# Answers this close to a row's most similar one are as similar: the same title answered by several people (yes by
# one, no by another) ties, and a float rounding must not decide between them.
TIE = 1e-5
# The start of the reason of a connection held back from removal (or from keep) by its most similar answer.
ALIKE = "most like "
_ALIKE_END = ", which you marked yes: yours to judge"
_UNLIKE_END = ", which you marked no: yours to judge"


def nearest_answers(
    vectors: np.ndarray, answer_vectors: np.ndarray, mean: np.ndarray, take: int = TAKE
) -> tuple[np.ndarray, np.ndarray]:
    """(indices, similarities), each (rows, take): the ``take`` answers most similar to each row, most similar
    first, and their cosines. Cosine of the vectors as the model reads them, centred on the ``mean`` the model
    centres them on (raw multilingual vectors all lie close together, and a few answers are then the nearest of
    almost everything: an e5 "job placement agent" was the nearest answer of forklift operators and anatomists).
    Worked out once per distinct title (30,000 rows hold about 8,000), with one matrix product."""
    take = min(take, len(answer_vectors))
    if not take or not len(vectors):
        return np.zeros((len(vectors), take), dtype=np.intp), np.zeros((len(vectors), take))
    distinct, inverse = distinct_rows(np.asarray(vectors, dtype=np.float32))
    nearest, values = _largest(centre(distinct, mean) @ centre(answer_vectors, mean).T, take)
    return nearest[inverse], values[inverse]


def _largest(similarity: np.ndarray, take: int) -> tuple[np.ndarray, np.ndarray]:
    """(columns, values), each (rows, take): the ``take`` largest values of each row, largest first, equal ones
    in the order of the columns (argmax returns the first of them). ``take`` passes of argmax: np.argpartition,
    a small selection per row, took 0.4 s on 8,000 titles x 500 answers, where this takes 6 ms."""
    left = np.where(np.isnan(similarity), -np.inf, similarity)  # never the most similar (argmax takes NaN first)
    rows = np.arange(len(left))
    columns = np.empty((len(left), take), dtype=np.intp)
    for j in range(take):
        columns[:, j] = left.argmax(axis=1)
        left[rows, columns[:, j]] = -np.inf
    return columns, np.take_along_axis(similarity, columns, axis=1)


def alike_answer(indices: np.ndarray, similarities: np.ndarray, answers: np.ndarray, answer: bool = True) -> np.ndarray:
    """For each row (``nearest_answers``), the "yes" answer (``answer`` False: the "no" answer) among its most
    similar ones (ties within TIE included: a title answered both ways holds the row back), or -1 when the most
    similar are all the other answer."""
    if not indices.shape[1]:
        return np.full(len(indices), -1, dtype=np.intp)
    given = np.asarray(answers, dtype=bool)[indices] == answer
    found = given & (similarities >= similarities[:, :1] - TIE)
    return np.where(found.any(axis=1), indices[np.arange(len(indices)), found.argmax(axis=1)], -1)


def most_alike_is_yes(
    vectors: np.ndarray, answer_vectors: np.ndarray, answers: np.ndarray, mean: np.ndarray
) -> np.ndarray:
    """For each row, whether the person's most similar answer is a "yes" (all False without answers)."""
    return alike_answer(*nearest_answers(vectors, answer_vectors, mean), answers) >= 0


def alike_reason(answer: str, yes: bool = True) -> str:
    """ "most like 'Recruiter, Acme', which you marked yes: yours to judge" (``answer``: the answer as shown;
    ``yes`` False: a connection the model would keep whose most similar answer is a "no")."""
    return f"{ALIKE}{answer}{_ALIKE_END if yes else _UNLIKE_END}"


def is_alike_reason(why: str, yes: bool = True) -> bool:
    """Whether a scored row's reason is ``alike_reason``'s: how scored.csv read back knows what decided it."""
    return why.startswith(ALIKE) and why.endswith(_ALIKE_END if yes else _UNLIKE_END)
