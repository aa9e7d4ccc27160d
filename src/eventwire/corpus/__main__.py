"""``python -m eventwire.corpus`` prints the path of the bundled corpus file."""

from . import corpus_path

print(corpus_path())
