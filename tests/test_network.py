"""A network's fingerprint tells a newer export of the same network from another person's, in a few kilobytes."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from fakes import make_card

from relevance.card import ModelCard
from relevance.errors import ModelError
from relevance.io import read_export
from relevance.network import NAME_DAY, SKETCH, URL, compare, fingerprint
from relevance.records import Connection

FIRST = ["Ana", "Ben", "Chiara", "Dmitri", "Ewa", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kasia", "Luca"]


def network(ids: range, *, prefix: str = "p", urls: bool = True) -> list[Connection]:
    """Invented connections: profile URL, a first name and a day that follow from the number."""
    return [
        Connection(
            id=f"linkedin.com/in/{prefix}{i}",
            url=f"https://www.linkedin.com/in/{prefix}{i}" if urls else "",
            first_name=FIRST[i // 3650 % len(FIRST)],  # with the day, unique up to 43,800 people
            last_name=f"{prefix.upper()}{i}",
            position="Recruiter",
            connected_on=date(2015, 1, 1) + timedelta(days=i % 3650),
        )
        for i in ids
    ]


def test_a_small_network_is_compared_exactly() -> None:
    old, new = network(range(300)), network(range(20, 330))
    overlap = compare(fingerprint(old), new)
    assert overlap is not None and overlap.exact and overlap.identity == URL
    assert (overlap.new, overlap.gone, overlap.same, overlap.disjoint) == (30, 20, False, False)
    assert compare(fingerprint(old), old) == dataclasses.replace(overlap, connections=300, new=0, gone=0)


def test_a_newer_export_of_a_big_network_is_the_same_network_within_the_estimate() -> None:
    old = network(range(20_000))
    newer = network(range(1_000, 22_000))  # 1,000 removed, 2,000 added
    overlap = compare(fingerprint(old), newer)
    assert overlap is not None and not overlap.exact
    # About a two-point standard error on the share: within three of them.
    assert abs(overlap.new - 2_000) <= 3 * 0.02 * 21_000 and abs(overlap.gone - 1_000) <= 3 * 0.02 * 20_000
    assert overlap.shared > 0.9 and not overlap.disjoint


def test_a_grown_or_a_filtered_network_is_counted_from_the_sample_that_is_sure() -> None:
    old = fingerprint(network(range(20_000)))
    grown = compare(old, network(range(20_500)))  # every sampled old connection is still there
    assert grown is not None and (grown.new, grown.gone) == (500, 0)
    extract = compare(old, network(range(5_000, 5_300)))  # 300 rows kept in a spreadsheet: all of them old
    assert extract is not None and (extract.new, extract.gone) == (0, 19_700)
    # Three rows of another network against 20,000: too few fall in the sample to call them strangers.
    assert compare(old, network(range(3), prefix="q")) is None


def test_another_persons_network_shares_nothing_or_little() -> None:
    mine = fingerprint(network(range(5_000)))
    stranger = compare(mine, network(range(5_000), prefix="q"))
    assert stranger is not None and stranger.disjoint
    colleague = compare(mine, [*network(range(1_000)), *network(range(4_000), prefix="q")])  # 1,000 in common
    assert colleague is not None and not colleague.disjoint and colleague.shared < 0.5
    # 20% in common: another person's network, as good as a stranger's for the model
    assert colleague.another_network and stranger.another_network
    newer = compare(mine, [*network(range(2_000, 5_000)), *network(range(1_500), prefix="q")])  # a year of churn
    assert newer is not None and not newer.another_network


def test_an_excel_round_trip_is_the_same_network_by_name_and_day(data: Path) -> None:
    """No URLs, the Last Name column gone, dates rewritten, one row deleted: still the same network."""
    original, excel = read_export(data / "spanish_2021.csv"), read_export(data / "spanish_2021_excel.csv")
    overlap = compare(fingerprint(original.connections), excel.connections)
    assert overlap is not None and overlap.identity == NAME_DAY
    assert (overlap.new, overlap.gone, overlap.exact) == (0, 1, True)


def test_no_identity_in_common_cannot_be_compared() -> None:
    with_urls_only = [dataclasses.replace(c, connected_on=None) for c in network(range(50))]
    without_urls = network(range(50), urls=False)
    assert compare(fingerprint(with_urls_only), without_urls) is None


def test_the_fingerprint_is_small_and_holds_counts_and_hashes_only() -> None:
    data = fingerprint(network(range(30_000))).to_json()
    assert len(json.dumps(data)) < 2 * 6 * SKETCH  # two sketches of 512 four-byte hashes, in base64
    assert data["connections"] == 30_000
    for kind in (URL, NAME_DAY):
        part = data[kind]
        # Distinct 32-bit hashes: of 30,000, one pair may share one.
        assert isinstance(part, dict) and set(part) == {"count", "sketch"} and 29_990 <= part["count"] <= 30_000
        assert re.fullmatch(r"[A-Za-z0-9+/]+=*", part["sketch"])


def test_the_card_keeps_the_fingerprint_and_reads_older_cards() -> None:
    card = dataclasses.replace(make_card(), network=fingerprint(network(range(700))))
    back = ModelCard.from_json(card.to_json())
    assert back.network == card.network
    older = json.loads(card.to_json())
    older["network"] = ""  # what cards said before the fingerprint was filled in
    assert ModelCard.from_json(json.dumps(older)).network is None


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda n: n | {"phone": {}}, "unknown part 'phone'"),
        (lambda n: n | {"url": {"count": 700, "sketch": "%%%"}}, "'url' sketch is not base64"),
        (lambda n: n | {"url": {"count": 3, "sketch": n["url"]["sketch"]}}, "'url' does not add up"),
        (lambda n: n | {"connections": "many"}, "'connections' is not a count"),
        (lambda n: [1, 2], "'network' is not an object"),
    ],
)
def test_a_damaged_fingerprint_is_a_one_line_model_error(damage, message: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(dataclasses.replace(make_card(), network=fingerprint(network(range(700)))).to_json())
    data["network"] = damage(data["network"])
    with pytest.raises(ModelError) as error:
        ModelCard.from_json(json.dumps(data), "relevance.json")
    assert str(error.value).startswith("relevance.json is damaged (") and message in str(error.value)
    assert str(error.value).endswith("— retrain with `relevance train`")
