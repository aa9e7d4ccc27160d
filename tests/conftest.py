"""Shared fixtures: one spaCy pipeline for the whole session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def analyzer():
    from eventwire.pipeline import Analyzer

    return Analyzer()


@pytest.fixture(scope="session")
def nlp(analyzer):
    """The full eventwire pipeline (spaCy model + paragraph marker + all stages)."""
    return analyzer.nlp


@pytest.fixture(scope="session")
def analyze(analyzer):
    """analyze(text, title="", published="2021-12-15", id="t") -> Analysis"""
    from eventwire.models import Article

    def run(text: str, title: str = "", published: str | None = "2021-12-15", id: str = "t"):
        return analyzer.analyze(Article(text=text, title=title, published=published, id=id))

    return run
