"""`relevance app`: the command that starts the browser app (relevance/app/, which imports neither typer nor
rich). Imports nothing heavy until it runs, so `relevance --help` stays instant.
"""

from __future__ import annotations

import contextlib
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from relevance.cli.options import DEFAULT_LABELS, DEFAULT_MODEL, AppMaxWrongOpt, LabelsOpt
from relevance.cli.render import err, fail, progress_bar
from relevance.errors import RelevanceError


def app_command(
    export: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="Connections.csv from your LinkedIn data export, a scraping tool's CSV, or the same as .xlsx",
            show_default=False,
        ),
    ],
    labels: LabelsOpt = DEFAULT_LABELS,
    model: Annotated[
        Path, typer.Option("--model", help="The model bundle: read if it exists, written when you train")
    ] = DEFAULT_MODEL,
    max_wrong_removals: AppMaxWrongOpt = None,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port on 127.0.0.1; 0: any free one")] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the address; do not open a browser")] = False,
) -> None:
    """Label, train and work through the removal list in your browser, on this computer only.

    Example: relevance app Connections.csv --labels labels.csv
    """
    from relevance.app.server import AppServer
    from relevance.app.state import AppState

    try:
        with progress_bar("Embedding titles") as progress:
            state = AppState.open(
                export,
                labels,
                model,
                progress=progress,
                notify=lambda line: err.print(line, markup=False),
                limit=max_wrong_removals,
            )
    except RelevanceError as error:
        fail(str(error))
    try:
        server = AppServer(state, port)
    except OSError as error:  # the port is taken
        fail(
            f"cannot listen on 127.0.0.1:{port} ({error.strerror or error}): "
            "choose another port with --port, or leave --port out for any free one"
        )
    err.print(f"relevance app: open {server.url}", markup=False)
    err.print(f"Answers go to {labels} the moment you give them. Ctrl-C stops the app.", markup=False)
    if not no_browser:
        with contextlib.suppress(webbrowser.Error, OSError):
            webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        err.print(f"Stopped: every answer is saved in {labels}.", markup=False)
    finally:
        server.server_close()
