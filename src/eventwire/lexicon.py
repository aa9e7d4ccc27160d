"""Small loaders for the data files shipped in ``eventwire/data``."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import yaml


def data_path(name: str) -> Path:
    """Path of a package data file (``eventwire/data/<name>``)."""
    return Path(str(resources.files("eventwire") / "data" / name))


def load_yaml(name_or_path: str | Path) -> Any:
    path = Path(name_or_path)
    if not path.is_absolute() and not path.exists():
        path = data_path(str(name_or_path))
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def read_tsv(name_or_path: str | Path) -> Iterator[dict[str, str]]:
    """Rows of a tab-separated file with a header line; ``#`` lines are comments."""
    path = Path(name_or_path)
    if not path.is_absolute() and not path.exists():
        path = data_path(str(name_or_path))
    with open(path, encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t")
