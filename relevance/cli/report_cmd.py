"""`relevance report`: one offline HTML file to act on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relevance.cli.options import MapEmbedderOpt, QuietOpt
from relevance.cli.render import embed_with_progress, err, user_errors
from relevance.cli.together import scores_fit


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
    embedder: MapEmbedderOpt = None,
    no_map: Annotated[bool, typer.Option("--no-map", help="Skip embedding: no map and no title groups")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Write one offline HTML file to act on: summary, map, charts and the removal checklist.

    Example: relevance report scored.csv --out report.html --model models/relevance.npz
    """
    from relevance.bundle import read_card, sidecar
    from relevance.report import make_report, read_scored
    from relevance.report.data import BATCH_SIZE
    from relevance.write_errors import check_writable

    with user_errors(f"Interrupted: nothing was written; {out_path} is as it was."):
        model_files = {"the model": model, "the model's card": sidecar(model)} if model else {}
        check_writable(out_path, reads={"the scored CSV": scored, **model_files})
        rows = read_scored(scored)
        card = read_card(model) if model else None
        if card is not None and model is not None:
            scores_fit(card, rows, model, scored, quiet=quiet)
        vectors = None
        if not no_map:
            # The model's own embedder by default: its vectors are the ones already in the cache.
            name = embedder or (card.embedder if card else None)
            why = "the model's own" if name and not embedder else ""
            vectors = embed_with_progress([r.connection for r in rows], name, quiet=quiet, why=why)
        data = make_report(rows, out_path, vectors=vectors, card=card, source=scored.name)
    if not quiet:
        err.print(data.summary.removal_sentence(), markup=False)
        err.print(
            f"Wrote {out_path}: {data.summary.connections:,} connections, the removal checklist in batches of "
            f"{BATCH_SIZE}. Open it in your browser; it works offline.",
            markup=False,
        )
