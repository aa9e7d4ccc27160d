"""``python -m eventwire.corpus`` writes the path of the bundled corpus file (for scripts)."""

import sys

from . import corpus_path

sys.stdout.write(f"{corpus_path()}\n")
