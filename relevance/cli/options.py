"""The arguments and options several commands share, each with its help text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

ExportArg = Annotated[
    Path,
    typer.Argument(
        help="Connections.csv from your LinkedIn data export, a scraping tool's CSV, or the same as .xlsx",
        show_default=False,
    ),
]
LabelsOpt = Annotated[Path, typer.Option("--labels", help="Your labels worksheet (CSV; created if missing)")]
TrainLabelsOpt = Annotated[Path, typer.Option("--labels", help="Your labels worksheet, as `relevance label` wrote it")]
ModelOpt = Annotated[
    Path,
    typer.Option(
        "--model",
        help="The model bundle written by `relevance train` (its .npz; naming its .json card means the same)",
        callback=lambda path: _arrays(path),
    ),
]
StrategyOpt = Annotated[
    str,
    typer.Option(
        "--strategy",
        help="auto, random, diverse or uncertain; auto = cover the network first, then where the model is least sure",
    ),
]
EmbedderOpt = Annotated[
    str | None,
    typer.Option(
        "--embedder",
        help="Embedding model (default: e5-small-multilingual, offline, ~100 languages; multilingual USE where "
        "it cannot run, or --embedder use-multilingual-v3)",
        show_default=False,
    ),
]
# score and report read the titles as the model did: its own embedder is their default, and score takes no other.
ModelEmbedderOpt = Annotated[
    str | None,
    typer.Option(
        "--embedder",
        help="Embedding model (default: the one the model was trained with; scoring refuses any other)",
        show_default=False,
    ),
]
MapEmbedderOpt = Annotated[
    str | None,
    typer.Option(
        "--embedder",
        help="Embedding model for the map and title groups (default: the model's own with --model, otherwise the "
        "one `relevance train` would choose)",
        show_default=False,
    ),
]


def _limit_option(default: str = "") -> Any:
    """--max-wrong-removals, within relevance.settings.LIMIT_BOUNDS (repeated: importing it imports numpy)."""
    return typer.Option(
        "--max-wrong-removals",
        metavar="SHARE",
        min=0.001,
        max=0.5,
        help=f"The share of suggested removals you accept being in your audience after all{default}",
        show_default=not default,
    )


MaxWrongOpt = Annotated[float, _limit_option()]
# The app keeps the limit its saved model was trained with unless told otherwise (its page can change it too).
AppMaxWrongOpt = Annotated[float | None, _limit_option(" (default: the saved model's; 0.03 without one)")]
SeedOpt = Annotated[int, typer.Option("--seed", help="The same seed and files give the same choices")]
QuietOpt = Annotated[bool, typer.Option("--quiet", help="No progress or summary on stderr")]

DEFAULT_LABELS = Path("labels.csv")
DEFAULT_MODEL = Path("models/relevance.npz")


def _arrays(path: Path) -> Path:
    from relevance.bundle import arrays_path  # numpy: imported when a command runs, not for --help

    return arrays_path(path)


def _without_type_noise(params: list[Any]) -> list[Any]:
    """A flag's help shows no ``<bool>``: its name says it all."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    """A command whose help shows no type noise."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _without_type_noise(super().get_params(ctx))


class Group(TyperGroup):
    """A group whose help shows no type noise."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _without_type_noise(super().get_params(ctx))
