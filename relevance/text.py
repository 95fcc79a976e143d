"""Text from a file, made safe to show on a terminal: no escape sequences, no control characters.

A connection's title is whatever its owner typed, and an export can be edited by anyone: ``\\x1b]0;…\\x07``
retitles the terminal window, ``\\x1b[2J`` clears it, a right-to-left override reorders what is read.
rich's ``escape()`` only handles rich's own markup, so everything shown goes through `printable` too.
"""

from __future__ import annotations

import re

# ESC or the one-byte CSI, and what follows: a CSI sequence, an OSC / DCS / PM / APC string up to its
# terminator (or the end), or a two-character escape.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
# C0 and C1 controls, DEL, and the bidirectional overrides and isolates that reorder what is shown.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without escape sequences or control characters; tabs and line breaks become one space."""
    if text.isprintable():  # the usual case, and a fast one
        return text
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", _SEQUENCE.sub("", text)))
