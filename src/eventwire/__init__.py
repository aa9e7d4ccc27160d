"""eventwire: political event data from news, traceable to the sentence."""

__version__ = "0.1.0"

from .models import (  # noqa: E402,F401
    Actor,
    ActorRef,
    Analysis,
    Article,
    Event,
    Place,
    PlaceRef,
    Quote,
    Speaker,
    TimeExpr,
    Tone,
)


def __getattr__(name):  # lazy: importing the package must not load spaCy
    if name == "Analyzer":
        from .pipeline import Analyzer

        return Analyzer
    raise AttributeError(name)
