"""Where a person's name links to: their LinkedIn profile, never anywhere else."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from relevance.records import Connection

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def profile_link(connection: Connection) -> tuple[str, bool]:
    """(href, is_search): the LinkedIn profile URL, else a LinkedIn people search for the name.

    Only https links to linkedin.com pass: a crafted export must not smuggle in a javascript: URL, or send
    the person somewhere else while they think they are opening a profile.
    """
    url = connection.url.strip()
    if url and not _SCHEME.match(url):
        url = "https://" + url  # exports often drop the scheme: linkedin.com/in/jane
    parts = urlsplit(url)
    host = (parts.hostname or "").casefold()
    if parts.scheme in ("http", "https") and (host == "linkedin.com" or host.endswith(".linkedin.com")):
        return parts._replace(scheme="https").geturl(), False
    if connection.name:
        return "https://www.linkedin.com/search/results/people/?keywords=" + quote(connection.name, safe=""), True
    return "", False
