"""Speaker names folded for matching, whichever way an article referred to a person."""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources
from typing import Optional

_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


@functools.lru_cache(maxsize=1)
def honorifics() -> frozenset[str]:
    """Courtesy titles (data/store/honorifics.txt) that are not part of a name."""
    text = (resources.files("eventwire") / "data" / "store" / "honorifics.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def fold_words(name: str) -> list[str]:
    """Lower-case, accent-free words of a name without courtesy titles."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    titles = honorifics()
    return [w.strip(".") for w in _WORD.findall(text) if w.strip(".") not in titles]


def fold_name(name: Optional[str]) -> Optional[str]:
    """``"Mr Sergei  LAVROV"`` -> ``"sergei lavrov"``; None for None or an empty name."""
    if name is None:
        return None
    return " ".join(fold_words(name)) or None


def sub_phrases(words: list[str]) -> list[str]:
    """Every contiguous run of words: the names an article may have used for a person."""
    return [" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)]
