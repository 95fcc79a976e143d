"""`relevance demo`: the whole workflow on the bundled sample network, narrated on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relevance.cli.inspect_cmd import render_inspection
from relevance.cli.render import progress_bar, say, user_errors
from relevance.cli.train_cmd import training_lines


def demo(
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Where the demo writes its files")] = Path("demo-output"),
) -> None:
    """Run the whole workflow on the bundled sample network, offline.

    Example: relevance demo
    """
    from relevance.cli.demo import run_demo

    with user_errors("Interrupted: run `relevance demo` again to start over."):
        run_demo(out_dir, say, progress_bar, show_export=render_inspection, training_lines=training_lines)
