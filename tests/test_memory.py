"""A command's process takes its memory in ordinary pages unless the person chose numpy's huge pages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# A command run as the console script runs it, then what numpy's switch was and what the processes it starts see.
PROBE = """
import os, numpy
from relevance.cli import app
app(["cache", "path"], standalone_mode=False)
core = getattr(numpy, "_core", None) or numpy.core
print(core.multiarray._set_madvise_hugepage(True), os.environ.get("NUMPY_MADVISE_HUGEPAGE"))
"""

# What numpy does by itself in a new process.
DEFAULT = """
import numpy
core = getattr(numpy, "_core", None) or numpy.core
print(core.multiarray._set_madvise_hugepage(False))
"""


@pytest.mark.slow
@pytest.mark.parametrize(("chosen", "expected"), [(None, "False 0"), ("1", "True 1"), ("0", "False 0")])
def test_a_command_turns_numpys_huge_pages_off_unless_asked_for(chosen: str | None, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if chosen is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = chosen
    if chosen is None:  # numpy's own default where the kernel offers them: on, which is what the command changes
        before = subprocess.run([sys.executable, "-c", DEFAULT], env=env, capture_output=True, text=True, check=True)
        if before.stdout.strip() != "True":
            pytest.skip("numpy asks for no huge pages here (a Linux kernel before 4.6)")
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == expected
