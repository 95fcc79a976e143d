"""`relevance sample` and `relevance label`: choosing whom to ask, and asking, one key per answer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from shlex import quote
from typing import Annotated

import typer
from rich.markup import escape

from relevance.cli.options import DEFAULT_LABELS, EmbedderOpt, ExportArg, LabelsOpt, QuietOpt, SeedOpt, StrategyOpt
from relevance.cli.render import embed_with_progress, err, say, shown, user_errors
from relevance.cli.together import labels_for
from relevance.io import read_export, reading_note, scorable


def sample(
    export: ExportArg,
    labels: LabelsOpt = DEFAULT_LABELS,
    n: Annotated[int, typer.Option("-n", "--count", min=1, metavar="N", help="How many connections to add")] = 20,
    strategy: StrategyOpt = "auto",
    embedder: EmbedderOpt = None,
    seed: SeedOpt = 0,
    quiet: QuietOpt = False,
) -> None:
    """Add the next connections worth labelling to your labels file, label left empty for you to fill in.

    Run it again for the next batch.

    Example: relevance sample Connections.csv --labels labels.csv -n 20
    """
    from relevance.labels import load_labels
    from relevance.language_offsets import labelling_vectors
    from relevance.sampling import add_sample

    _check_strategy(strategy)
    # add_sample appends in one write that is cut back if interrupted: the file is as it was
    with user_errors(f"Interrupted: nothing was added to {labels}."):
        result = scorable(read_export(export))
        if not quiet and (note := reading_note(result)):
            say(note)
        worksheet = load_labels(labels)
        result = labels_for(result, worksheet, labels, quiet=quiet)
        vectors = labelling_vectors(
            result.connections, embed_with_progress(result.connections, embedder, quiet=quiet), embedder
        )
        added = add_sample(worksheet, result.connections, vectors, n, strategy=strategy, seed=seed)
    if not quiet:
        why = worksheet.picked  # the rows just added say why each was picked
        mix = Counter(why.get(c.id, "") for c in added)
        _render_sample(labels, len(added), mix, worksheet.counts(), len(worksheet.queued))


def label(
    export: ExportArg,
    labels: LabelsOpt = DEFAULT_LABELS,
    clusters: Annotated[bool, typer.Option("--clusters", help="Answer whole clusters of similar titles")] = False,
    strategy: StrategyOpt = "auto",
    embedder: EmbedderOpt = None,
    seed: SeedOpt = 0,
) -> None:
    """Answer, one key each, whether connections are your audience: y, n, s skip, u undo, o open, q quit.

    Each answer is saved the moment you press the key; run it again to resume.
    Keys can come from a pipe too, as typed or one per line: printf 'yynq' | relevance label Connections.csv
    Example: relevance label Connections.csv --labels labels.csv
    """
    from relevance.cli.terminal import Keys, run_clusters, run_labeller
    from relevance.labeller import ClusterLabeller, Labeller, Session, flattened, why_no_list
    from relevance.labels import load_labels
    from relevance.language_offsets import labelling_vectors

    _check_strategy(strategy)
    with user_errors(f"Interrupted: every answer so far is saved in {labels}."):
        result = scorable(read_export(export))
        if note := reading_note(result):
            say(note)
        worksheet = load_labels(labels)
        result = labels_for(result, worksheet, labels)
        warn_unreadable(worksheet.unreadable, labels)
        vectors = labelling_vectors(result.connections, embed_with_progress(result.connections, embedder), embedder)
        options = {"strategy": strategy, "seed": seed}
        session: Session
        with Keys() as keys:
            if clusters:
                session = ClusterLabeller(result.connections, vectors, worksheet, **options)
                run_clusters(session, keys, err)
            else:
                session = Labeller(result.connections, vectors, worksheet, **options)
                run_labeller(session, keys, err)
            session.finish()
    train_next = f"relevance train {quote(str(export))} --labels {quote(str(labels))}"
    outlook = session.outlook(latest=True) if flattened(session.history) else None  # once answers stopped helping
    if outlook is not None and not outlook.has_list:
        say(f"Saved in {labels}. A training now would {why_no_list(outlook)}. Label more, then: {train_next}")
    else:
        say(f"Saved in {labels}. Next: {train_next}")


def _check_strategy(strategy: str) -> None:
    from relevance.sampling import STRATEGIES

    if strategy not in STRATEGIES:
        raise typer.BadParameter(f"{strategy!r} is not one of {', '.join(STRATEGIES)}", param_hint="--strategy")


# Why `relevance sample` picked a row (relevance.labels.PICKED), as its summary says it.
PICKED_WORDS = {
    "diverse": "spread over the network",
    "uncertain": "where the model is unsure",
    "group": "about titles many share",
    "check": "check(s) drawn at random from those it would remove",
    "random": "at random",
}


def _counted(words: str, n: int) -> str:
    """ "check(s) drawn …" as "1 check drawn …" or "2 checks drawn …"."""
    return words.replace("(s)", "" if n == 1 else "s")


def _render_sample(path: Path, added: int, mix: Counter[str], counts: tuple[int, int], queued: int) -> None:
    if not added:
        err.print(f"Nothing to add: every connection with a title is already in {escape(str(path))}.")
        return
    why = ", ".join(f"{n} {_counted(PICKED_WORDS.get(picked, picked), n)}" for picked, n in mix.most_common())
    err.print(
        f"Added {added} connections to {escape(str(path))} ({why}). It now has {counts[0]} yes, {counts[1]} no "
        f"and {queued} waiting for an answer: fill in the label column (yes/no) or run `relevance label`."
    )


def warn_unreadable(values: list[str], path: Path) -> None:
    """A note for labels that mean neither yes nor no: they count as unanswered."""
    if values:
        examples = ", ".join(repr(v) for v in dict.fromkeys(values) if v)
        err.print(
            f"Note: {len(values)} label{'' if len(values) == 1 else 's'} in {escape(str(path))} "
            f"{'means' if len(values) == 1 else 'mean'} neither yes nor no ({shown(examples[:80])}): "
            f"{'it counts' if len(values) == 1 else 'they count'} as unanswered."
        )
