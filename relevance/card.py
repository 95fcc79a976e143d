"""The model card: everything a trained bundle says about itself, in one typed object.

Written as ``<model>.json`` beside the bundle's arrays (``relevance.bundle``) and read back by this module
alone, strictly: a card from another tool, a newer format, or a missing or mistyped field is a one-line
ModelError naming the fix. Numbers only, no names and no titles: the report draws its quality curves from it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from relevance.errors import ModelError
from relevance.metrics import Estimate
from relevance.neighbours import Smoothing
from relevance.network import Fingerprint
from relevance.removals import CheckTest

FORMAT = "relevance-model"
# 3: the model is stored as arrays (relevance.bundle), never pickled; 2: scores smoothed over the network.
FORMAT_VERSION = 3
METRICS = ("roc_auc", "average_precision", "wrong_removals", "missed")


@dataclass(frozen=True)
class Thresholds:
    """Where the suggestions change, and what the removal threshold means for the network."""

    remove_at_or_below: float | None  # a calibrated score; None: no removal list at the person's limit
    keep_from: float
    max_wrong_removals: float  # the person's limit on the share of removals that are their audience
    confidence: float  # the quantile of the estimate kept within that limit
    rows: int  # the network's unlabelled rows the estimate is about
    removed_share: float  # the share of them at or below the threshold
    checks: CheckTest | None = None  # what the answers drawn at random said about the list
    more_answers: int | None = None  # with no list or a short one: about how many more answers may lengthen it
    held_groups: int = 0  # of the rows at or below the threshold, those held back as title groups (relevance.groups)

    @property
    def listed(self) -> int:
        """The rows at or below the threshold (0 with no list), title groups held back included."""
        return 0 if self.remove_at_or_below is None else round(self.rows * self.removed_share)


@dataclass(frozen=True)
class ModelCard:
    """A trained model's metadata: embedder, signals, answers, quality, thresholds, calibration, versions."""

    embedder: str  # pins the model and version: a bundle scores only with the embedder it was trained with
    dim: int
    created_at: str
    signals_requested: tuple[str, ...]
    signals_used: tuple[str, ...]  # "title", then the signals beside it the model reads
    signal_columns: int
    labels_yes: int
    labels_no: int
    smoothing: Smoothing | None  # None: each row scored on its own
    smoothing_check: dict[str, float] | None  # out-of-fold ROC-AUC on the answers with and without smoothing
    metrics: dict[str, Estimate]  # roc_auc, average_precision, wrong_removals, missed
    thresholds: Thresholds
    calibration: tuple[float, float]  # Platt (a, b) for the final model's decisions
    evaluation: str
    versions: dict[str, str]
    out_of_fold_scores: tuple[float, ...] = ()  # calibrated, one per answer: the report's ROC and PR curves
    out_of_fold_labels: tuple[int, ...] = ()
    network: Fingerprint | None = None  # the export trained on (relevance.network); None: not known
    embedder_choice: str = ""  # why the embedder reads this network (relevance.embedders.choose_for)
    languages: str = ""  # whether titles were read without their language's offset (relevance.language_offsets)
    # The languages the embedder was trained on; a title its letters put in none of them is never removed on its
    # score (relevance.unread). Empty: every title is the model's to judge.
    reads_languages: tuple[str, ...] = ()
    # The weight of closeness to a "no" answer in the final model's decisions (relevance.closeness); 0: not used.
    closeness: float = 0.0
    format_version: int = FORMAT_VERSION
    sha256: str = ""  # of the arrays file: it changed by accident, or was swapped
    model_file: str = ""

    @cached_property  # hashes the whole card (its network sketch, every answer's score): once per card
    def short_id(self) -> str:
        """The model in a scored.csv: "m-" and the start of the SHA-256 of this card, which holds the arrays' own and
        the thresholds (two models can share their arrays and differ in thresholds); "" before it is saved. The
        "m-" keeps a spreadsheet from reading it as a number: Excel turned "026119155077" into 26119155077, and
        "123e45678901" would become 1.23457E+50."""
        return f"m-{hashlib.sha256(self.to_json().encode('utf-8')).hexdigest()[:12]}" if self.sha256 else ""

    @property
    def wrong_removals(self) -> Estimate:
        return self.metrics["wrong_removals"]

    def to_json(self) -> str:
        data = asdict(self)
        data = {"format": FORMAT, **data}
        data["metrics"] = {name: estimate.as_dict() for name, estimate in self.metrics.items()}
        data["network"] = None if self.network is None else self.network.to_json()
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "the model card") -> ModelCard:
        """Parse a card written by ``to_json``; ModelError with the fix for anything else."""
        not_ours = f"{source} is not a model written by `relevance train`"
        try:
            data = json.loads(text)
        except ValueError:
            raise ModelError(f"{not_ours} (not valid JSON) — retrain") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{not_ours} — retrain")
        written = data.get("format_version")
        if not isinstance(written, int) or isinstance(written, bool):
            raise ModelError(f"{not_ours} (no format version) — retrain")
        if written > FORMAT_VERSION:
            raise ModelError(
                f"{source} was written by a newer relevance (model format {written}; this one reads format "
                f"{FORMAT_VERSION}) — upgrade relevance, or retrain with this one"
            )
        if written < FORMAT_VERSION:
            raise ModelError(
                f"{source} is an older model (format {written}) that this version no longer loads, as it could "
                "carry code — retrain with `relevance train` (it takes seconds)"
            )
        try:
            return _card(data)
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"{source} is damaged ({_what(error)}) — retrain with `relevance train`") from None

    @classmethod
    def read(cls, path: Path) -> ModelCard:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ModelError(
                f"cannot read {path.name} ({type(error).__name__}) — retrain with `relevance train`"
            ) from None
        return cls.from_json(text, path.name)


def _what(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"no {error.args[0]!r}"
    return str(error).split("\n")[0][:120]


def _card(data: Mapping[str, Any]) -> ModelCard:
    thresholds = _mapping(data, "thresholds")
    checks = thresholds.get("checks")
    smoothing = data.get("smoothing")
    return ModelCard(
        embedder=_str(data, "embedder"),
        dim=_int(data, "dim"),
        created_at=_str(data, "created_at"),
        signals_requested=_strings(data, "signals_requested"),
        signals_used=_strings(data, "signals_used"),
        signal_columns=_int(data, "signal_columns"),
        labels_yes=_int(data, "labels_yes"),
        labels_no=_int(data, "labels_no"),
        smoothing=None if smoothing is None else Smoothing(**_mapping(data, "smoothing")),
        smoothing_check=None if data.get("smoothing_check") is None else dict(_mapping(data, "smoothing_check")),
        metrics={name: Estimate(**_mapping(_mapping(data, "metrics"), name)) for name in METRICS},
        thresholds=Thresholds(
            remove_at_or_below=_number(thresholds, "remove_at_or_below", optional=True),
            keep_from=_number(thresholds, "keep_from"),
            max_wrong_removals=_number(thresholds, "max_wrong_removals"),
            confidence=_number(thresholds, "confidence"),
            rows=_int(thresholds, "rows"),
            removed_share=_number(thresholds, "removed_share"),
            checks=None if checks is None else CheckTest(**_mapping(thresholds, "checks")),
            more_answers=None if thresholds.get("more_answers") is None else _int(thresholds, "more_answers"),
            held_groups=_int(thresholds, "held_groups") if "held_groups" in thresholds else 0,
        ),
        calibration=(_number(data["calibration"], 0), _number(data["calibration"], 1)),
        closeness=_number(data, "closeness") if "closeness" in data else 0.0,
        evaluation=_str(data, "evaluation"),
        versions={str(k): str(v) for k, v in _mapping(data, "versions").items()},
        out_of_fold_scores=tuple(float(v) for v in data.get("out_of_fold_scores") or ()),
        out_of_fold_labels=tuple(int(v) for v in data.get("out_of_fold_labels") or ()),
        network=_network(data.get("network")),
        embedder_choice=str(data.get("embedder_choice") or ""),
        languages=str(data.get("languages") or ""),
        reads_languages=_strings(data, "reads_languages") if "reads_languages" in data else (),
        format_version=int(data["format_version"]),
        sha256=str(data.get("sha256") or ""),
        model_file=str(data.get("model_file") or ""),
    )


def _network(value: Any) -> Fingerprint | None:
    # "" in cards written before the fingerprint was filled in: read as unknown, so they still load.
    if value is None or value == "":
        return None
    if not isinstance(value, Mapping):
        raise TypeError("'network' is not an object")
    return Fingerprint.from_json(value)


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data[key]
    if not isinstance(value, Mapping):
        raise TypeError(f"{key!r} is not an object")
    return value


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise TypeError(f"{key!r} is not a text")
    return value


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{key!r} is not a list of texts")
    return tuple(value)


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{key!r} is not a whole number")
    return value


def _number(data: Any, key: str | int, optional: bool = False) -> Any:
    value = data[key]
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError(f"{key!r} is not a number")
    return float(value)
