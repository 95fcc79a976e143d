"""The `relevance` command line: each command parses, calls the library once or twice, and renders.

This package alone imports typer and rich (tests/test_architecture.py checks it): the commands, one module per
workflow step, the labelling session's keys and screens (terminal.py), the demo's narration (demo.py), and how
all of it is printed (render.py). Data goes to stdout, talk and progress to stderr. Each command imports the
library it needs when it runs, so that `relevance --help` is instant.
"""

from __future__ import annotations

import typer

from relevance.cli.demo_cmd import demo
from relevance.cli.info_cmd import info
from relevance.cli.inspect_cmd import inspect
from relevance.cli.label_cmd import label, sample
from relevance.cli.report_cmd import report
from relevance.cli.score_cmd import score
from relevance.cli.train_cmd import train

__all__ = ["app"]

app = typer.Typer(
    no_args_is_help=True,
    # Locals in a traceback would print people's names and titles: never show them.
    pretty_exceptions_show_locals=False,
    add_completion=False,
    help="Find the LinkedIn connections outside your audience: label a few, train a model, score the rest.",
)

# `relevance --help` lists the commands in this order: the workflow's.
for command in (inspect, sample, label, train, score, report, demo, info):
    app.command()(command)
