"""Run the `relevance` CLI with the fake embedder: `python tests/fake_cli.py label ...`.

For tests that drive the real command in a subprocess (a pseudo-terminal, a SIGKILL) without loading the
embedding model. Test-only: the patch lives here, not in relevance.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("RELEVANCE_CACHE", "off")  # run by hand; under pytest the run's own cache (conftest.py)

from fakes import HashEmbedder

import relevance.embed

relevance.embed.load_embedder = lambda name=None: HashEmbedder()  # type: ignore[assignment]

from relevance.cli import app  # noqa: E402

if __name__ == "__main__":
    app(prog_name="relevance")
