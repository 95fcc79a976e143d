"""The answers most like each connection: the reason shown beside its score, and a check on removing it.

`relevance score` explains a score by the person's own answers most similar to the connection ("like 'A' (no),
'B' (no)"). When the most similar of them is a "yes", the model's low score contradicts the person's own nearest
answer: a linear model learns the audience's biggest group and can put a smaller one (recruiters in a sales
trainer's audience) among the surest removals, beside a reason that reads "like 'Recruiter, Acme' (yes)". Such a
connection is never suggested for removal on the model's word: it goes to review, with that answer as its reason.
Measured on benchmark networks of three trainers (100 answers, 8 networks each, the whole network): such rows
were 6-8% of the model's removal lists and held 11-20% of its wrong removals (2.3-7.0% of them audience, against
1.2-3.1% in the lists); on the bundled sample (20 labelling paths, 150 answers), 2% of the lists and 12% of
their wrong removals.
"""

from __future__ import annotations

import numpy as np

from relevance.linear import centre
from relevance.neighbours import distinct_rows

# The answers a reason picks its examples from (two people with the same title count once), most similar first;
# the guard reads the first of the same list, so that `train` and `score` break ties between equally similar
# answers (one title answered both ways) alike.
TAKE = 6
# The start of the reason of a connection held back from removal by its most similar answer.
ALIKE = "most like "
_ALIKE_END = ", which you marked yes: yours to judge"


def nearest_answers(vectors: np.ndarray, answer_vectors: np.ndarray, mean: np.ndarray, take: int) -> np.ndarray:
    """(rows, take) indices of the ``take`` answers most similar to each row, most similar first: the cosine of
    the vectors as the model reads them, centred on the network's ``mean`` as the model centres them (raw
    multilingual vectors all lie close together, and a few answers are then the nearest of almost everything:
    an e5 "job placement agent" was the nearest answer of forklift operators and anatomists). Worked out once
    per distinct title (30,000 rows hold about 8,000), with one matrix product against the answers."""
    take = min(take, len(answer_vectors))
    if not take or not len(vectors):
        return np.zeros((len(vectors), take), dtype=np.intp)
    distinct, inverse = distinct_rows(np.asarray(vectors, dtype=np.float32))
    similarity = centre(distinct, mean) @ centre(answer_vectors, mean).T
    nearest = np.sort(np.argpartition(-similarity, take - 1, axis=1)[:, :take], axis=1)
    # most similar first; among equally similar answers, the first answered first
    order = np.argsort(-np.take_along_axis(similarity, nearest, axis=1), axis=1, kind="stable")
    return np.take_along_axis(nearest, order, axis=1)[inverse]


def most_alike_is_yes(
    vectors: np.ndarray, answer_vectors: np.ndarray, answers: np.ndarray, mean: np.ndarray
) -> np.ndarray:
    """For each row, whether the person's most similar answer is "yes" (all False without answers)."""
    if not len(answer_vectors):
        return np.zeros(len(vectors), dtype=bool)
    return np.asarray(answers, dtype=bool)[nearest_answers(vectors, answer_vectors, mean, TAKE)[:, 0]]


def alike_reason(answer: str) -> str:
    """ "most like 'Recruiter, Acme', which you marked yes: yours to judge" (``answer``: the answer as shown)."""
    return f"{ALIKE}{answer}{_ALIKE_END}"


def is_alike_reason(why: str) -> bool:
    """Whether a scored row's reason is ``alike_reason``'s: how scored.csv read back knows what decided it."""
    return why.startswith(ALIKE) and why.endswith(_ALIKE_END)
