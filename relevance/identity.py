"""A stable id for each connection, so labels carry over from one export of a network to the next."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from urllib.parse import unquote, urlsplit

# pl.linkedin.com, www.linkedin.com, m.linkedin.com ... are one site.
_SUBDOMAIN = re.compile(r"^(?:[a-z]{2,3}|www|m|mobile)\.(?=linkedin\.)")


def normalise_url(url: str) -> str:
    """The profile URL in one canonical spelling: `linkedin.com/in/<slug>`.

    Drops the scheme, `www`/country subdomains, the query string, fragment and trailing slash, decodes
    percent-encoding and folds case (LinkedIn's profile slugs are case-insensitive). Returns "" for "".
    """
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = _SUBDOMAIN.sub("", parts.netloc.casefold())
    path = unquote(parts.path).rstrip("/").casefold()
    return f"{host}{path}"


def connection_id(url: str, first_name: str, last_name: str, connected_on: date | None) -> str:
    """The profile URL when there is one; otherwise a hash of name and connection day.

    Older exports have no URL column, and the name plus the day of connecting is what stays the same
    when the same network is exported again.
    """
    if normalised := normalise_url(url):
        return normalised
    day = connected_on.isoformat() if connected_on else ""
    key = "\x1f".join((first_name.strip().casefold(), last_name.strip().casefold(), day))
    return "nourl:" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
