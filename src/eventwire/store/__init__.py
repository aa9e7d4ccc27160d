"""The store: articles and their records in SQLite (default) or PostgreSQL.

```python
from eventwire.store import open_store
with open_store("events.db") as store:          # or "postgresql://user@host/db"
    res = store.add(article, analysis, model="en_core_web_sm-3.8.0")
    res.status                                   # "new" | "duplicate" | "near-duplicate"
```

Reads go through :mod:`eventwire.store.queries`.
"""

from .dedup import DedupConfig
from .store import ADD_STATUSES, AddResult, Store, open_store

__all__ = ["ADD_STATUSES", "AddResult", "DedupConfig", "Store", "open_store"]
