"""The bundled demo corpus: short original wire-style articles (Sept 2023 - Jan 2024).

``articles.jsonl`` holds one article object per line (``id``, ``title``, ``text``,
``published``, ``source``, ``url``), the input format of ``eventwire analyze``. The
articles are original demo prose about real countries and office holders; they are
not news reports and must not be cited as such.
"""

from __future__ import annotations

import json
import pathlib
from importlib import resources

CORPUS_FILE = "articles.jsonl"


def corpus_path() -> pathlib.Path:
    """Path of the bundled ``articles.jsonl``."""
    return pathlib.Path(str(resources.files(__package__).joinpath(CORPUS_FILE)))


def load_corpus() -> list[dict]:
    """Every article of the bundled corpus, in file order (a fresh list each call)."""
    text = resources.files(__package__).joinpath(CORPUS_FILE).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
