"""The `relevance` command line: each command parses, calls the library once or twice, and renders.

This package alone imports typer and rich (tests/test_architecture.py checks it): the commands, one module per
workflow step, the options they share (options.py), whether their files belong together (together.py), the
labelling session's keys and screens (terminal.py), the demo's narration (demo.py), and how all of it is printed
(render.py). Data goes to stdout, talk and progress to stderr. Each command imports the
library it needs when it runs, so that `relevance --help` is instant.
"""

from __future__ import annotations

from typing import Annotated

import typer

from relevance.cli.app_cmd import app_command
from relevance.cli.cache_cmd import cache_app
from relevance.cli.demo_cmd import demo
from relevance.cli.info_cmd import info
from relevance.cli.inspect_cmd import inspect
from relevance.cli.label_cmd import label, sample
from relevance.cli.options import Command, Group
from relevance.cli.render import plain_warnings
from relevance.cli.report_cmd import report
from relevance.cli.score_cmd import score
from relevance.cli.train_cmd import train
from relevance.memory import ordinary_pages

__all__ = ["app"]


app = typer.Typer(
    cls=Group,
    no_args_is_help=True,
    # Locals in a traceback would print people's names and titles: never show them.
    pretty_exceptions_show_locals=False,
    add_completion=False,
    help="Find the LinkedIn connections outside your audience: label a few, train a model, score the rest. "
    "Embedded titles are cached between runs: `relevance cache path` shows where (RELEVANCE_CACHE moves it, or "
    "turns it off with RELEVANCE_CACHE=off), `relevance cache clear` deletes it.\n\n"
    "Start with: relevance app Connections.csv (in your browser), or relevance demo (the sample network). Each "
    "command's --help has an example.",
)

# `relevance --help` lists the commands in this order: the browser app first (the way most people use it),
# then the workflow's steps.
app.command("app", cls=Command)(app_command)
for command in (inspect, sample, label, train, score, report, demo, info):
    app.command(cls=Command)(command)
app.add_typer(cache_app, name="cache")


def _version(value: bool) -> None:
    if value:
        from relevance import __version__

        typer.echo(f"relevance {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit")
    ] = False,
) -> None:
    # The help is the Typer's (above), which takes precedence over a docstring here. For the whole command,
    # whichever it is:
    ordinary_pages()
    ctx.with_resource(plain_warnings())
