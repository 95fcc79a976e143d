"""How a command's process gets its memory: in ordinary pages, not numpy's transparent huge pages.

numpy asks Linux for huge pages (madvise) for every array of 4 MB or more. Where the kernel grants them on request
and its defrag policy is "madvise" (Linux's defaults since 4.6), a fault that finds no free huge page compacts
memory there and then while the process waits (a process's first 57 MB array, filled: 0.32 s with huge pages, 0.03 s
without, on a machine whose memory was full of cached files). A command of relevance lives seconds and fills each of
its big arrays once: it waits for the compaction and never gains from the pages. Measured on a 2-core Debian
machine, with the same code (three runs each way): `relevance train` on 500 answers of a 30,000-row network spent
1.9-2.0 s in the kernel with huge pages and 0.6 s without, the whole command 5.7-7.1 s and 4.1-4.8 s; warm
`relevance score` 2.45-2.93 s and 2.26-2.54 s, with e5 3.55-4.81 s and 2.65-3.29 s.

numpy's own switch, NUMPY_MADVISE_HUGEPAGE, is read when numpy is imported, and `relevance` has imported it by
the time a command starts: so the command turns numpy's behaviour off in its own process, and sets the variable
for the processes it starts (the app's training). A person who set the variable keeps their choice.
"""

from __future__ import annotations

import os

VARIABLE = "NUMPY_MADVISE_HUGEPAGE"


def ordinary_pages() -> None:
    """For a command's process: no huge pages for numpy's arrays, here and in the processes it starts, unless
    NUMPY_MADVISE_HUGEPAGE says otherwise."""
    if os.environ.setdefault(VARIABLE, "0") != "0":
        return
    import numpy as np

    for core in ("_core", "core"):  # numpy 2, numpy 1.26
        switch = getattr(getattr(getattr(np, core, None), "multiarray", None), "_set_madvise_hugepage", None)
        if switch is not None:
            switch(False)
            return
