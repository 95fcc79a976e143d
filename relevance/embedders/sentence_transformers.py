"""Any sentence-transformers model on this machine: a Hub id already downloaded, or a local model directory.
Never downloads. torch and sentence-transformers are imported only when such a model is used (the extra
``relevance[sentence-transformers]``). The fallback backend: any name no other backend claims is taken for one."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from relevance.embedders import Register
from relevance.embedders.base import normalise
from relevance.errors import EmbedderError

PREFIX = "sentence-transformers/"


class SentenceTransformerEmbedder:
    """A sentence-transformers model by Hub name (already downloaded) or local directory, never downloading.

    Models of the e5 family are trained with a "query: " prefix and get it; a model that declares a "query"
    prompt in its config gets that instead.
    """

    def __init__(self, model: str, device: str = "cpu") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EmbedderError(
                f"Embedder {model!r} needs sentence-transformers: pip install 'relevance[sentence-transformers]'"
            ) from None
        directory = _local_model_dir(model)
        if directory is None:
            raise EmbedderError(
                f"Model {model!r} is not on this machine and relevance never downloads: download it once where "
                f'there is network (python -c "from sentence_transformers import SentenceTransformer; '
                f"SentenceTransformer('{model}')\") or pass the path of a local model directory."
            )
        _quiet_transformers()
        try:
            self._model = SentenceTransformer(str(directory), device=device, local_files_only=True)
        except Exception as exc:  # a broken or incompatible model directory: say which and why, in one line
            detail = " ".join(str(exc).split())[:200]
            raise EmbedderError(f"Could not load model {model!r} from {directory}: {detail}") from None
        # a Hub id, or the absolute path of a local model: load_embedder(name) finds it again
        local = Path(model).expanduser().is_dir()
        spec = str(directory) if local else model
        self.name = f"{PREFIX}{spec}@{_fingerprint(directory)}"
        self.dim = int(self._model.get_embedding_dimension() or 0)
        prompts = getattr(self._model, "prompts", None) or {}
        if prompts.get("query"):
            self.prefix = ""
            self._prompt_name: str | None = "query"
        else:
            label = (directory.name if local else model).lower()
            self.prefix = "query: " if re.search(r"(^|[^a-z0-9])e5([^a-z0-9]|$)", label) else ""
            self._prompt_name = None

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(name={self.name!r})"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vectors = self._model.encode(
            [self.prefix + t for t in texts],
            prompt_name=self._prompt_name,
            batch_size=64,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalise(vectors)


def load(name: str) -> SentenceTransformerEmbedder:
    """A model by Hub id or path, or by the pinned name an embedder of it had (refused if the model changed)."""
    pinned = re.fullmatch(rf"{PREFIX}(.+)@[0-9a-f]{{12}}", name)
    if pinned is None:
        return SentenceTransformerEmbedder(name)
    embedder = SentenceTransformerEmbedder(pinned[1])
    if embedder.name != name:
        raise EmbedderError(
            f"Model {pinned[1]!r} has changed since {name!r} was made with it: restore that model, or retrain."
        )
    return embedder


def register_embedders(register: Register) -> None:
    register(
        "sentence-transformers",
        load,
        pinned=rf"{PREFIX}.+@[0-9a-f]{{12}}",
        fallback=True,
        description="any sentence-transformers model on this machine (a Hub id already downloaded, or a directory)",
    )


def _local_model_dir(model: str) -> Path | None:
    """The directory holding ``model`` on this machine, looking only on disk (never the network)."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve()
    if path.is_absolute() or model.startswith((".", "~")) or model.count("/") > 1:
        return None  # meant as a path, and it is not there
    # a bare name may be a Hub id, or (older sentence-transformers) short for "sentence-transformers/<name>"
    candidates = [model] if "/" in model else [model, f"sentence-transformers/{model}"]
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    for repo_id in candidates:
        try:
            return Path(snapshot_download(repo_id, local_files_only=True))
        except Exception:  # not in the Hub cache, or not a valid repo id: both mean "not here"
            continue
    return None


def _fingerprint(directory: Path) -> str:
    """A short hash pinning a model directory's content: file names and sizes, and every small config file
    in full. Cheap (weights are not read) yet changes whenever the model does."""
    h = hashlib.blake2b(digest_size=6)
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and ".git" not in p.parts):
        size = path.stat().st_size
        h.update(f"{path.relative_to(directory).as_posix()}\0{size}\0".encode())
        if path.suffix in (".json", ".txt", ".model") and size < 5_000_000:
            h.update(path.read_bytes())
    return h.hexdigest()


def _quiet_transformers() -> None:
    """The library never prints: silence transformers' "Loading weights" progress bars."""
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
    except Exception:
        pass
