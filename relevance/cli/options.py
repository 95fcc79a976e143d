"""The arguments and options several commands share, each with its help text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ExportArg = Annotated[
    Path,
    typer.Argument(
        help="Connections.csv from your LinkedIn data export, a scraping tool's CSV, or the same as .xlsx",
        show_default=False,
    ),
]
LabelsOpt = Annotated[Path, typer.Option("--labels", help="Your labels worksheet (CSV; created if missing)")]
ModelOpt = Annotated[Path, typer.Option("--model", help="The model bundle written by `relevance train`")]
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
QuietOpt = Annotated[bool, typer.Option("--quiet", help="No progress or summary on stderr")]

DEFAULT_LABELS = Path("labels.csv")
DEFAULT_MODEL = Path("models/relevance.npz")
