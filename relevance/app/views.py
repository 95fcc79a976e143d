"""What the page is sent about a person and about the labelling session: plain JSON values, nothing else.

Apart from relevance.app.state so that the session stays one idea; the profile link is the report's own (an https
LinkedIn address, or a LinkedIn search when the export's is anything else).
"""

from __future__ import annotations

from typing import Any

from relevance.app.jobs import report_tools
from relevance.dates import shown_day
from relevance.labeller import Status
from relevance.records import Connection


def person(connection: Connection) -> dict[str, Any]:
    """A connection as the card and the removal list show it."""
    href, is_search = report_tools().profile_link(connection)
    return {
        "id": connection.id,
        "name": connection.name,
        "position": connection.position,
        "headline": connection.headline,
        "company": connection.company,
        "location": connection.location,
        "industry": connection.industry,
        "connected_on": shown_day(connection.connected_on),
        "href": href,
        "is_search": is_search,
    }


def status(status: Status) -> dict[str, Any]:
    """Where the labelling stands."""
    # int() and float(): the session counts with numpy, and JSON takes Python numbers only.
    return {
        "yes": int(status.yes),
        "no": int(status.no),
        "skipped": int(status.skipped),
        "remaining": int(status.remaining),
        "quality": None if status.quality is None else float(status.quality),
        "hint": status.hint or "",
    }
