"""How much relevance reads before it refuses, so a wrong or hostile file fails fast instead of eating memory.

LinkedIn stops a network at 30,000 connections; their Connections.csv is then about 4 MB, and a scraping
tool's export with headlines and summaries stays well under 50 MB. The defaults leave room above that and
still refuse a 1-million-row file in a second instead of taking a gigabyte. A person who really has a bigger
file sets the environment variable the message names.
"""

from __future__ import annotations

import os

from relevance.errors import RelevanceError

MAX_BYTES = 64 * 1024 * 1024  # a file read, or a member inflated from a zip or a workbook
MAX_ROWS = 100_000  # rows of an export (blank rows of a worksheet count: they cost time too)
MAX_COLUMNS = 200  # columns of a worksheet read; any beyond are ignored (exports have fewer than 100)
BYTES_VARIABLE = "RELEVANCE_MAX_BYTES"
ROWS_VARIABLE = "RELEVANCE_MAX_ROWS"


def max_bytes() -> int:
    """The byte limit: ``RELEVANCE_MAX_BYTES`` if set, else `MAX_BYTES`."""
    return _setting(BYTES_VARIABLE, MAX_BYTES)


def max_rows() -> int:
    """The row limit: ``RELEVANCE_MAX_ROWS`` if set, else `MAX_ROWS`."""
    return _setting(ROWS_VARIABLE, MAX_ROWS)


def too_big(source: str, error: type[RelevanceError]) -> RelevanceError:
    """The error for a file (or zip member) over the byte limit."""
    limit = max_bytes()
    return error(
        f"{source} is larger than {_megabytes(limit)} (a LinkedIn export of 30,000 connections is about 4 MB): "
        f"pass the right file, or set {BYTES_VARIABLE} to a larger number of bytes to read it anyway"
    )


def too_many_rows(
    source: str, error: type[RelevanceError], fix: str = "pass the right file, delete what is below your connections"
) -> RelevanceError:
    """The error for a file with more rows than the row limit; ``fix`` comes before the way past the limit."""
    return error(
        f"{source} has more than {max_rows():,} rows (LinkedIn allows 30,000 connections): {fix}, "
        f"or set {ROWS_VARIABLE} to a larger number to read it anyway"
    )


def _megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:,.0f} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip().replace("_", "")
    if not value:
        return default
    if not value.isdigit() or int(value) <= 0:
        raise RelevanceError(f"{name} must be a whole number above 0: unset it, or set it to e.g. {default}")
    return int(value)
