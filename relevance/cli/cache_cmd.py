"""`relevance cache path` and `relevance cache clear`: the folder that keeps embedded titles between runs."""

from __future__ import annotations

import typer

from relevance.cli.options import Command, Group
from relevance.cli.render import out, say
from relevance.summary import counted

cache_app = typer.Typer(
    cls=Group,
    no_args_is_help=True,
    help="Where the cache of embedded titles lives (set RELEVANCE_CACHE to move it, or to off), and clearing it."
    "\n\nExample: relevance cache clear",
)


def _size(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


@cache_app.command(cls=Command)
def path() -> None:
    """Print the cache folder (data, on stdout) and what it holds.

    Example: relevance cache path
    """
    from relevance.cache_admin import cache_files

    found = cache_files()
    if found.directory is None:
        say("The cache is off (RELEVANCE_CACHE=off): every command embeds again.")
        return
    out.print(str(found.directory), markup=False)
    say(
        f"{counted(len(found.files), 'file')}, {_size(found.size)}: vectors of the titles scored here, neighbour graphs and "
        "detected languages."
    )


@cache_app.command(cls=Command)
def clear() -> None:
    """Delete the cached vectors, neighbour graphs and languages; the next command embeds again.

    Example: relevance cache clear
    """
    from relevance.cache_admin import clear_cache

    found = clear_cache()
    if found.directory is None:
        say("The cache is off (RELEVANCE_CACHE=off): nothing to clear.")
        return
    say(f"Deleted {counted(len(found.files), 'file')} ({_size(found.size)}) from {found.directory}.")
