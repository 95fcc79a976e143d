"""A network's fingerprint: which connections an export holds, compact and hashed, to tell a newer export of the
same network from another person's.

The model card keeps the fingerprint of the export the model was trained on (``relevance.card``), so scoring or
reporting with another export can be checked against it. Each connection is known by two identities, hashed:
its profile URL, and its first name with the day of connecting, which survive what a spreadsheet round trip does
to an export (the URL or Last Name column dropped, another delimiter or date format). For each, the fingerprint
keeps the SKETCH smallest hashes (a bottom-k sketch): all of them in a network up to that size, a uniform sample of
a bigger one, from which the share of connections two exports have in common is estimated (Broder, "On the
resemblance and containment of documents", 1997).

Hashes, not names: the card is shared with the model and says nothing in clear. They are not secret either: a
person holding someone's profile URL can test whether it was kept, which is why the sketch is small and the card
should be shared only as the bundle is (whose examples name the labelled connections).
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from relevance.identity import fold, normalise_url
from relevance.records import Connection

# Hashes kept per identity: networks up to this size are compared exactly; a bigger one's share of new
# connections is estimated within about two points (the standard error of a share from 512 draws).
SKETCH = 512
URL = "url"
NAME_DAY = "first_name_and_day"
KINDS = (URL, NAME_DAY)  # the surer first: used when both exports have it as often as the other
# Sampled connections of this export that must all miss the old network before the two are called unrelated.
EVIDENCE = 5
_DIGEST = 4  # bytes: 32-bit hashes; among 30,000 connections a pair may share one now and then, a count off by one
# Below this share in common in both directions, an export is another person's network, not another export of the
# model's: a newer export keeps most of the old one (a grown network all of it, a pruned one is all in it), and
# two trainers in one city share some connections (a helper's two invented Almaty networks: 2% and 10%).
ANOTHER_NETWORK = 0.25


@dataclass(frozen=True)
class Fingerprint:
    """The connections of one export: per identity, how many have it and the smallest hashes of it."""

    connections: int
    counts: Mapping[str, int]  # identity -> connections that have it
    sketches: Mapping[str, tuple[int, ...]]  # identity -> its SKETCH smallest hashes, ascending

    def to_json(self) -> dict[str, object]:
        return {
            "connections": self.connections,
            **{
                kind: {"count": self.counts[kind], "sketch": _pack(self.sketches[kind])}
                for kind in KINDS
                if kind in self.counts
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Fingerprint:
        """Read what ``to_json`` wrote; TypeError or ValueError naming the first thing that is not."""
        unknown = set(data) - {"connections", *KINDS}
        if unknown:
            raise ValueError(f"the network fingerprint has an unknown part {sorted(unknown)[0]!r}")
        connections = data.get("connections")
        if not isinstance(connections, int) or isinstance(connections, bool) or connections < 0:
            raise TypeError("the network fingerprint's 'connections' is not a count")
        counts, sketches = {}, {}
        for kind in KINDS:
            if kind not in data:
                continue
            part = data[kind]
            if not isinstance(part, Mapping) or set(part) != {"count", "sketch"}:
                raise TypeError(f"the network fingerprint's {kind!r} is not a count and a sketch")
            count, sketch = part["count"], _unpack(part["sketch"], kind)
            if not isinstance(count, int) or isinstance(count, bool) or not len(sketch) == min(count, SKETCH):
                raise ValueError(f"the network fingerprint's {kind!r} does not add up")
            counts[kind], sketches[kind] = count, sketch
        return cls(connections, counts, sketches)


@dataclass(frozen=True)
class Overlap:
    """How an export compares with the one a fingerprint was taken of, by one identity both have."""

    identity: str  # which (URL or NAME_DAY)
    connections: int  # connections of this export with that identity
    fingerprinted: int  # and of the fingerprinted one
    new: int  # this export's connections not in the fingerprinted one
    gone: int  # the fingerprinted one's connections not in this export
    exact: bool  # counted on every connection; otherwise estimated from the sketch

    @property
    def same(self) -> bool:
        return not self.new and not self.gone

    @property
    def disjoint(self) -> bool:
        """Not one connection in common: another person's network."""
        return self.new == self.connections and self.gone == self.fingerprinted

    @property
    def another_network(self) -> bool:
        """Too little in common to be another export of the same network: another person's (``ANOTHER_NETWORK``)."""
        return self.disjoint or self.shared < ANOTHER_NETWORK

    @property
    def shared(self) -> float:
        """The larger of the two shares in common: a grown network holds all of the old one, a pruned one is
        wholly in the old one. Below a half in both directions, it is more likely another network."""
        return max(1 - self.new / max(self.connections, 1), 1 - self.gone / max(self.fingerprinted, 1))


def fingerprint(connections: Sequence[Connection]) -> Fingerprint:
    """The fingerprint of an export's connections."""
    counts, sketches = {}, {}
    for kind, hashes in _hashes(connections).items():
        if len(hashes):
            counts[kind], sketches[kind] = len(hashes), tuple(int(h) for h in hashes[:SKETCH])
    return Fingerprint(len(connections), counts, sketches)


def compare(known: Fingerprint, connections: Sequence[Connection]) -> Overlap | None:
    """How these connections compare with the fingerprinted export; None when they share no identity to compare
    by (one export has only URLs, the other only names without dates), or when too few of them fall in the
    sketch's sample to tell (a few rows against a big network)."""

    def coverage(kind: str) -> float:
        return min(known.counts[kind] / max(known.connections, 1), len(keys[kind]) / max(len(connections), 1))

    keys = {URL: set(_keys(connections, URL)[URL])}
    # Every connection in both exports has a URL: nothing can cover more, and the URL wins a tie.
    if not (known.counts.get(URL) and keys[URL] and coverage(URL) >= 1.0):
        keys[NAME_DAY] = set(_keys(connections, NAME_DAY)[NAME_DAY])
    both = [kind for kind in KINDS if known.counts.get(kind) and keys.get(kind)]
    if not both:
        return None

    kind = max(both, key=coverage)  # max keeps the first of equals: the URL
    # Only the identity compared by is hashed: half the work of every `score` before it embeds.
    mine, kept, count = _hashed(kind, keys[kind]), np.array(known.sketches[kind], dtype=np.uint64), known.counts[kind]
    if len(kept) == count:  # the whole fingerprinted network: count exactly
        shared = int(np.isin(mine, kept).sum())
        return Overlap(kind, len(mine), count, len(mine) - shared, count - shared, exact=True)
    # Two samples to count the connections in common from. The sketch is a uniform sample of the old network,
    # each of its members looked up in the whole of this export. And this export's hashes up to the largest one
    # kept are a uniform sample of this export, whose members of the old network are exactly those in the sketch.
    # The surer of the two counts: a grown network holds every sampled old connection (the first is exact), a
    # pruned or filtered one is wholly inside the old network (the second is).
    sample = mine[mine <= kept[-1]]
    hits = int(np.isin(kept, mine).sum())
    if not hits and len(sample) < EVIDENCE:
        return None  # too small a sample of this export to tell anything
    old_share, new_share = hits / len(kept), hits / len(sample) if len(sample) else 0.0
    spread_old = count**2 * old_share * (1 - old_share) / len(kept)
    spread_new = len(mine) ** 2 * new_share * (1 - new_share) / len(sample) if len(sample) else math.inf
    shared = round(count * old_share if spread_old <= spread_new else len(mine) * new_share)
    shared = min(shared, count, len(mine))
    return Overlap(kind, len(mine), count, len(mine) - shared, count - shared, exact=False)


def _hashes(connections: Iterable[Connection]) -> dict[str, np.ndarray]:
    """Each identity's hashes over the connections that have it: distinct, ascending."""
    return {kind: _hashed(kind, found) for kind, found in _keys(connections).items()}


def _keys(connections: Iterable[Connection], *kinds: str) -> dict[str, list[str]]:
    """Each identity's key (of ``kinds``, all when none are named) for the connections that have it: the profile
    URL, the first name with the day."""
    wanted = kinds or KINDS
    keys: dict[str, list[str]] = {kind: [] for kind in wanted}
    for c in connections:
        if URL in wanted and (url := normalise_url(c.url)):
            keys[URL].append(url)
        if NAME_DAY in wanted and c.connected_on is not None and (first := " ".join(fold(c.first_name).split())):
            keys[NAME_DAY].append(f"{first}\x1f{c.connected_on.isoformat()}")
    return keys


def _hashed(kind: str, keys: Iterable[str]) -> np.ndarray:
    return np.unique(np.array([_hash(kind, key) for key in keys], dtype=np.uint64))


def _hash(kind: str, key: str) -> int:
    digest = hashlib.blake2b(f"{kind}\x1f{key}".encode(), digest_size=_DIGEST, person=b"relevance-net")
    return int.from_bytes(digest.digest(), "big")


def _pack(hashes: Sequence[int]) -> str:
    return base64.b64encode(np.array(hashes, dtype=">u4").tobytes()).decode("ascii")


def _unpack(text: object, kind: str) -> tuple[int, ...]:
    if not isinstance(text, str):
        raise TypeError(f"the network fingerprint's {kind!r} sketch is not a text")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ValueError(f"the network fingerprint's {kind!r} sketch is not base64") from None
    if len(raw) % _DIGEST:
        raise ValueError(f"the network fingerprint's {kind!r} sketch is cut short")
    hashes = tuple(int(h) for h in np.frombuffer(raw, dtype=">u4"))
    if list(hashes) != sorted(set(hashes)):
        raise ValueError(f"the network fingerprint's {kind!r} sketch is out of order")
    return hashes
