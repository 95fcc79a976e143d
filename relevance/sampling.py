"""Choosing which connections to label next: cover the network first, then ask where the model is unsure.

Works on row indices into a matrix of connection vectors (zero rows = no text), so the CLI, the labeller and
the benchmark share one implementation. Measured (scripts/bench_sampling.py): early on,
coverage of the network matters most; once both answers exist, the model's doubts do — most of all when the
audience is rare.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np

from relevance.alike import nearest_answers
from relevance.clustering import cluster
from relevance.embed import has_vector
from relevance.groups import GROUP_SIZE
from relevance.guess import Guess, class_counts, fit_model
from relevance.labels import Labels, append_rows, label_row
from relevance.linear import network_mean
from relevance.neighbours import distinct_rows
from relevance.records import Connection

STRATEGIES: tuple[str, ...] = ("auto", "random", "diverse", "uncertain")
# `auto` covers the network until there are MIN_EACH answers of each kind AND MIN_ANSWERS answers in all, then
# trusts the model's doubts (scripts/bench_sampling.py: switching at 2 of each won on a rare audience, at 5 on a
# 20% one, where the first 20 answers already hold 2 of each and covering the network was worth more).
# Measured again against the same seeds (scripts/bench_accuracy.py, the 7 goal personas x 5, 50 and 100 answers),
# covering until 10 answers instead of 20: runs over the 3% limit 3 -> 11 of 35 at 50 answers, 3 -> 5 at 100, goal
# met alike (7, 19), ranking no better.
MIN_EACH = 2
MIN_ANSWERS = 20
# Once the model leads, `auto` still draws this share of each batch at random: uncertainty alone keeps asking
# about the boundary and drifts away from the network as a whole (it lost to random at 100-200 answers). With
# CHECK below, which also samples at random (from the removal region), one in ten is enough.
EXPLORE = 0.1
# From CHECKS_FROM answers, `auto` also draws this share of each batch uniformly from the candidate removal
# region (``picked`` = "check"): `relevance train` compares what they say with what the model expected there and
# raises its wrong-removal estimate when they find more of the audience (relevance.removals). They also teach
# the model the low end of the ranking, which doubt never asks about. Measured (scripts/bench_accuracy.py's
# networks, 8 a persona, 100 answers, paired): without checks removal recall at 98% precision fell on all three
# trainers (0.65 -> 0.61, Polish 0.49 -> 0.45, Central/Eastern European 0.59 -> 0.48); checks from 30 answers
# instead of 50 raised it (trainer 0.65 -> 0.74, CEE 0.59 -> 0.71, Polish 0.49 -> 0.57; at 50 answers trainer
# 0.60 -> 0.71, CEE 0.62 -> 0.57, within noise). Half of each batch as checks from 20 answers was too many (0.75
# -> 0.41, an earlier measurement); a 30% share from 30 gained less than 20%. Drawn uniformly: drawn in proportion
# to the model's probability of "yes" (more of them near the threshold, where they test the calibration hardest),
# judged by scripts/bench_removals.py on the same networks (10 per goal persona, 20 of the realistic Czech and
# Polish), nothing moved beyond noise (yields -0.09 to +0.08, ROC-AUC within 0.005; runs over the 3% limit 5 -> 3
# of 70, but one Kazakh list at 5.6%); their square root put 9 of 70 over the limit instead of 5.
# Measured again (the same runs as MIN_ANSWERS'): checks from 50 answers instead of 30 made fewer lists at 50 (32 ->
# 30 of 35, the Polish and Central/Eastern European trainers' 4 -> 2 and 3 of 5), ranking within 0.012; checks and
# group questions at half their shares (0.1 each) ranked the realistic Czech network better at 100 (ROC-AUC 0.971
# -> 0.981) but put 8 of 35 lists over the limit at 50 answers instead of 3. `--strategy uncertain` alone ranks
# better still on that network (0.993: about 50 "yes" in 100 answers where auto's low-end questions leave ~25), yet
# its lists go over the limit in 8 of 35 at 50 answers: here the share asked away from the boundary buys safety.
CHECK = 0.2
CHECKS_FROM = 30
# At most this share of each `auto` batch asks about title groups the model would remove (``group_rows``): real
# networks repeat titles, the model judges a title once for all who share it, and one answer decides them all
# (``picked`` = "group"). Measured on an invented 28,500-row Czech network at 100 answers: the model removed 82
# "Key Account Manažer", 80 "Obchodník" and 75 "Obchodní manažerka", all her audience, titles no answer was near;
# a third of the list's wrong removals lay in the 25 titles that most people share times farthest from any answer.
# Asking about those (2 of each batch of 10), over three labelling paths (seeds 0-2) of 100 answers: lists of
# 14,738 / 13,524 / 10,501 with 2.2 / 1.5 / 0.7% her audience, instead of 16,238 / 10,650 / 8,325 with 5.6 / 1.4 /
# 0.2% (the tool said 2.0-2.4% every time); ROC-AUC on the unanswered rows 0.933 / 0.94 / 0.953 -> 0.949 / 0.96 /
# 0.956. On an invented Polish network: 1,512 / 364 / 2,303 with 0 / 0 / 1.3% instead of 1,723 / 1,707 / 998
# with 0.5 / 0 / 0%.
GROUPS = 0.2
# The candidate removal region: the lowest-scored rows, this share of those the model calls "no" (p < 0.5).
# Lenient on purpose: the threshold `relevance train` settles on lies inside it.
REGION = 0.8
# `auto` and `uncertain` cluster this many times n of the most uncertain rows into n groups, one question per group.
POOL_FACTOR = 5


def choose(
    vectors: np.ndarray,
    answered: Mapping[int, bool],
    n: int,
    *,
    strategy: str = "auto",
    exclude: Collection[int] = (),
    seed: int = 0,
    mean: np.ndarray | None = None,
    model: Guess | None = None,
) -> list[int]:
    """Up to n row indices worth labelling next, best first; never an answered, excluded or text-less row.

    ``random``; ``diverse`` (the centres of the parts of the network no answer covers yet); ``uncertain``
    (where the model is least sure, spread across the network); ``auto`` = diverse until there are MIN_EACH
    answers of each kind and MIN_ANSWERS in all, then the most uncertain rows spread across the network, a few at
    random and a few drawn at random from the rows the model would remove. ``model`` (relevance.guess) saves a
    refit. ``choose_picks`` also says why.
    """
    return [
        row
        for row, _ in choose_picks(
            vectors,
            answered,
            n,
            strategy=strategy,
            exclude=exclude,
            seed=seed,
            mean=mean,
            model=model,
        )
    ]


def choose_picks(
    vectors: np.ndarray,
    answered: Mapping[int, bool],
    n: int,
    *,
    strategy: str = "auto",
    exclude: Collection[int] = (),
    seed: int = 0,
    mean: np.ndarray | None = None,
    model: Guess | None = None,
) -> list[tuple[int, str]]:
    """``choose``, with why each row was picked (relevance.labels.PICKED), to record in the labels file."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    available = has_vector(vectors)
    covered = np.fromiter((*answered, *exclude), dtype=np.intp)
    available[covered] = False
    candidates = np.flatnonzero(available)
    n = min(n, len(candidates))
    if n <= 0:
        return []
    if strategy == "random":
        return _tagged(np.random.default_rng(seed).choice(candidates, n, replace=False).tolist(), "random")
    strategy = effective_strategy(strategy, answered)
    if strategy != "diverse" and model is None:
        model = fit_model(vectors, answered, mean)
    if strategy == "diverse" or model is None:  # uncertainty needs a model: one answer of each kind
        covered = covered[has_vector(vectors)[covered]]
        return _tagged(_diverse(vectors, candidates, covered, n, seed), "diverse")
    proba = model.proba[candidates]
    order = np.argsort(np.abs(proba - 0.5), kind="stable")
    if strategy == "uncertain":
        # Spread over clusters of the most uncertain rows, as `auto`'s core: the n most uncertain alone were, on
        # a network written as people write, one title's variants ("Rekruter", "REKRUTER", "Rekruter | ...") batch
        # after batch (measured: 90 yes of 100 answers, ROC-AUC 0.68 on the realistic Polish persona).
        pool = order[: POOL_FACTOR * n]
        return _tagged(_uncertain_diverse(vectors, candidates[pool], n, seed), "uncertain")
    rng = np.random.default_rng(seed)
    region = removal_region(model, vectors, candidates)
    # Unanswered titles many in the removal region share, far from every answer first: one answer decides each.
    centre_on = mean if mean is not None else network_mean(vectors)
    groups = group_rows(vectors, answered, region, centre_on)[: round(n * GROUPS)]
    region = np.setdiff1d(region, groups)
    check = min(round(n * CHECK), len(region)) if len(answered) >= CHECKS_FROM else 0
    checks = rng.choice(region, check, replace=False).tolist() if check else []
    explore = round(n * EXPLORE)
    asked = len(groups) + check
    left = np.flatnonzero(~np.isin(candidates, [*groups, *checks]))
    pool = left[np.argsort(np.abs(proba[left] - 0.5), kind="stable")][: POOL_FACTOR * (n - explore - asked)]
    chosen = _uncertain_diverse(vectors, candidates[pool], max(n - explore - asked, 0), seed)
    rest = np.setdiff1d(candidates, [*chosen, *checks, *groups])
    randoms = rng.choice(rest, min(n - len(chosen) - asked, len(rest)), replace=False).tolist()
    return (
        _tagged(groups, "group") + _tagged(chosen, "uncertain") + _tagged(checks, "check") + _tagged(randoms, "random")
    )


def group_rows(vectors: np.ndarray, answered: Mapping[int, bool], region: np.ndarray, mean: np.ndarray) -> list[int]:
    """One row of each unanswered title at least GROUP_SIZE people in the removal ``region`` share (the same
    vector is the same title; a title with an answered row is answered), the costliest to get wrong first: how
    many share it, times how far it lies from every answer (1 - its cosine to the nearest, centred on ``mean`` as
    the model reads titles). A title far from every answer is where the model guesses, and it guesses once for
    all who share it."""
    if not len(region) or not answered:
        return []
    _, inverse = distinct_rows(vectors)
    rows = np.fromiter(answered, dtype=np.intp, count=len(answered))
    keys = inverse[region]
    unanswered = ~np.isin(keys, inverse[rows])
    sizes = np.bincount(keys[unanswered], minlength=int(inverse.max()) + 1)
    first: dict[int, int] = {}
    for row, key in zip(region[unanswered].tolist(), keys[unanswered].tolist(), strict=True):
        if sizes[key] >= GROUP_SIZE:
            first.setdefault(key, row)
    if not first:
        return []
    picked = np.fromiter(first.values(), dtype=np.intp, count=len(first))
    _, nearest = nearest_answers(vectors[picked], vectors[rows], mean, take=1)
    cost = sizes[inverse[picked]] * (1.0 - np.clip(nearest[:, 0], 0.0, 1.0))
    return picked[np.argsort(-cost, kind="stable")].tolist()


def removal_region(model: Guess, vectors: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """The candidates among the rows the model would remove: the lowest-scored REGION share of the network's
    rows it calls "no" (scored over every row with text, so the region does not shrink as rows get answered)."""
    scores = model.proba[has_vector(vectors)]
    below = np.sort(scores[scores < 0.5])
    if not len(below):
        return np.zeros(0, dtype=np.intp)
    cut = below[max(int(REGION * len(below)) - 1, 0)]
    return candidates[model.proba[candidates] <= cut]


def _tagged(rows: Sequence[int], picked: str) -> list[tuple[int, str]]:
    return [(int(row), picked) for row in rows]


def effective_strategy(strategy: str, answered: Mapping[int, bool]) -> str:
    """What a strategy means with these answers: `auto` is `diverse` until MIN_EACH of each kind and MIN_ANSWERS."""
    if strategy == "auto":
        early = min(class_counts(answered)) < MIN_EACH or len(answered) < MIN_ANSWERS
        return "diverse" if early else "uncertain, spread out"
    if strategy == "uncertain" and min(class_counts(answered)) < 1:
        return "diverse"  # no model yet to be uncertain
    return strategy


def _diverse(vectors: np.ndarray, candidates: np.ndarray, covered: np.ndarray, n: int, seed: int) -> list[int]:
    """The connection nearest the centre of each of the n biggest parts of the network with no answer yet.

    Clustering answered rows together with the rest (n + answered clusters) is what keeps a second batch from
    asking the near-twins of the first batch's answers.
    """
    points = np.concatenate([candidates, covered])
    k = min(n + len(covered), len(points))
    assigned, centres = cluster(vectors[points], k, seed)
    taken_clusters = set(assigned[len(candidates) :].tolist())
    sizes = np.bincount(assigned, minlength=k)
    # uncovered clusters first, biggest first; then covered ones, so a small pool still yields n rows
    ranking = sorted(range(k), key=lambda c: (c in taken_clusters, -sizes[c], c))
    own = assigned[: len(candidates)]
    chosen: list[int] = []
    for c in ranking:
        members = np.flatnonzero(own == c)
        if len(members):
            distance = np.linalg.norm(vectors[candidates[members]] - centres[c], axis=1)
            chosen.append(int(candidates[members[np.argmin(distance)]]))
        if len(chosen) == n:
            return chosen
    rest = np.setdiff1d(candidates, chosen)  # k-means left clusters empty: top up at random
    extra = np.random.default_rng(seed).choice(rest, n - len(chosen), replace=False)
    return chosen + extra.tolist()


def _uncertain_diverse(vectors: np.ndarray, pool: np.ndarray, n: int, seed: int) -> list[int]:
    """The most uncertain row of each of n clusters of the uncertain pool (`pool` sorted by doubt), surest last."""
    if len(pool) <= n:
        return pool.tolist()
    assigned, _ = cluster(vectors[pool], n, seed)
    # pool is sorted by doubt, so a cluster's first member is its most uncertain
    firsts = sorted(int(np.argmax(assigned == c)) for c in np.unique(assigned))
    chosen = pool[firsts].tolist()
    rest = np.delete(pool, firsts)  # k-means left clusters empty: top up with the next most uncertain
    return chosen + rest[: n - len(chosen)].tolist()


def answered_rows(connections: Sequence[Connection], labels: Labels) -> tuple[dict[int, bool], list[int]]:
    """The labels file as row indices: {row: answer}, and the queued rows in file order."""
    row_of = {c.id: i for i, c in enumerate(connections)}
    answers = {row_of[i]: a for i, a in labels.answers.items() if i in row_of}
    return answers, [row_of[i] for i in labels.queued if i in row_of]


def add_sample(
    labels: Labels,
    connections: Sequence[Connection],
    vectors: np.ndarray,
    n: int,
    *,
    strategy: str = "auto",
    seed: int = 0,
) -> list[Connection]:
    """Append the next n connections worth labelling to the labels file (label empty), in one durable write.

    Never adds a connection the file already answers or queues. Returns the connections added.
    """
    answered, queued = answered_rows(connections, labels)
    picks = choose_picks(vectors, answered, n, strategy=strategy, exclude=queued, seed=seed, mean=network_mean(vectors))
    append_rows(labels, [label_row(connections[i], picked=why) for i, why in picks])
    return [connections[i] for i, _ in picks]
