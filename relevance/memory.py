"""How a command's process gets its memory: in ordinary pages, not numpy's transparent huge pages.

numpy asks Linux for huge pages (madvise) for every array of 4 MB or more. Where the kernel's defrag policy is
"madvise" (Linux's default since 4.6), a huge page that is not free at hand is made there and then, by compacting
memory while the process waits; on a machine whose memory is full of cached files, that is most of them. A command of
relevance lives seconds and fills each of its big arrays once, so it waits for the compaction and never gains
from the pages. Measured on a 2-core Debian machine (`relevance train`, 500 answers, a 30,000-row network; three
runs each way): system time 1.9-2.0 s with huge pages, 0.6 s without; the whole command 5.7-7.1 s and 4.1-4.8 s.
`relevance score` warm: 2.45-2.93 s and 2.26-2.54 s.

numpy's own switch, NUMPY_MADVISE_HUGEPAGE, is read when numpy is imported; `relevance` has imported it by the
time a command starts, so the command sets the variable (for the processes it starts: the app's training) and
turns the behaviour off in its own process. A person who sets the variable keeps their choice.
"""

from __future__ import annotations

import os

VARIABLE = "NUMPY_MADVISE_HUGEPAGE"


def ordinary_pages() -> bool:
    """For a command's process: no huge pages for numpy's arrays, here and in the processes it starts, unless
    NUMPY_MADVISE_HUGEPAGE says otherwise. Whether they are off now (False also where numpy has no switch)."""
    if os.environ.setdefault(VARIABLE, "0") != "0":
        return False
    import numpy as np

    core = getattr(np, "_core", None) or getattr(np, "core", None)  # numpy 2, numpy 1.26
    switch = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    if switch is None:
        return False
    switch(False)
    return True
