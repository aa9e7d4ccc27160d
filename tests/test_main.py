"""``python -m eventwire`` runs the same command line as the ``eventwire`` script."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args, expect", [(["--version"], "eventwire, version"), (["--help"], "Commands:")])
def test_module_entry_point(args, expect):
    result = subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert expect in result.stdout


def test_module_entry_point_reports_bad_command():
    result = subprocess.run([sys.executable, "-m", "eventwire", "no-such-command"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "No such command" in result.stderr
