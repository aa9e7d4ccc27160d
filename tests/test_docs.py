"""Every command is documented in the README, and the Quickstart has exactly two commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eventwire.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_documented(name):
    assert f"eventwire {name}" in README, f"README does not document `eventwire {name}`"


def test_quickstart_has_two_commands_and_ci_runs_the_test_one():
    section = re.search(r"^## Quickstart\n(.*?)^## ", README, re.S | re.M).group(1)
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["EVALUATION.md", "BENCHMARKS.md", "dev/README.md"])
def test_measurement_documents_exist(path):
    assert (ROOT / path).is_file()
