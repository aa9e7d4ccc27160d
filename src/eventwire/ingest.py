"""Ingest: articles in, analysed, stored once each, resumable at any moment.

The flow has one writer. Articles are read from the sources; an article whose
content hash is already stored is skipped *before* it is analysed, so a rerun after
a crash costs little; the others are grouped into batches and analysed by a runner
(in this process, or on Dask workers that each load the analyser once). The runner
also turns each analysis into the store's rows (:func:`eventwire.store.store.prepare`:
record rows, MinHash signature, event keys), so what comes back from a worker is
plain tuples, cheap to send, and the writer only does the database's part. The
calling process writes each batch through the store in one transaction, each article
in a savepoint of its own (all or nothing), in input order. Killing the process at
any moment therefore loses at most the batches in flight, which the next run
analyses again; nothing is written twice because the store keeps content hashes
unique.

>>> with open_store("events.db") as store, LocalRunner() as runner:
...     summary = ingest(read_paths(["news/"]), store, runner)

Runners: :class:`LocalRunner` (one process) and :class:`DaskRunner` (a local
``LocalCluster`` or an existing scheduler). Both call :func:`prepare_batch`, so the
records are identical whichever runs them. ``profile`` chooses the NLP profile
(``accurate`` or ``fast``) of the analysers.

Error codes: E601 Dask scheduler unreachable, E602 an article's analysis failed
(reported, the others go on; retried on the next run), E603 an article could not
be stored (likewise), E604 a Dask batch was lost (a worker died): the run stops and
a rerun resumes.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import inspect
import logging
import os
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional, Protocol, Union

from .errors import BadRecord, EventwireError
from .models import Analysis, Article

log = logging.getLogger(__name__)

DEFAULT_BATCH = 16
# Articles per Dask task: each task costs the scheduler and the writer a few
# milliseconds whatever its size, so tasks hold several analysis batches.
DEFAULT_TASK = 64
PROFILE_ENV = "EVENTWIRE_PROFILE"
# Dask's housekeeping ticks (event-loop monitor every 20 ms, system monitor every 0.5 s,
# the workers' statistical profiler every 10 ms, ...) cost each process several percent
# of a core however idle it is; ingest needs none of it.
QUIET_DASK = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
    # Dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536, so glibc hands freed
    # memory back to the system at once; the parse allocates and frees arrays of a few
    # hundred KiB per layer and batch, which then cost page faults every time: about
    # 20% of a worker's CPU. Unset, glibc keeps its adaptive thresholds (a worker
    # stays under 600 MiB). A value in the environment of the caller still wins.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


@dataclass(frozen=True)
class Failure:
    """An article the analyser could not process (its neighbours are not affected)."""

    article_id: str
    message: str


@dataclass
class Summary:
    """Counts of one ingest run. ``duplicates`` counts articles already stored."""

    new: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    bad: int = 0
    failed: int = 0

    @property
    def stored(self) -> int:
        return self.new + self.near_duplicates

    @property
    def seen(self) -> int:
        return self.new + self.duplicates + self.near_duplicates

    def __str__(self) -> str:
        text = (
            f"{self.new} new, {self.duplicates} duplicates, "
            f"{self.near_duplicates} near-duplicates, {self.bad} bad"
        )
        return text + (f", {self.failed} failed" if self.failed else "")

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


BatchResult = tuple[str, list]  # (model name, [Analysis | Prepared | Failure])


@functools.lru_cache(maxsize=2)
def worker_analyzer(model: Optional[str], batch_size: int, profile: Optional[str] = None):
    """The analyser of this process, loaded once (on a Dask worker: once per worker),
    then settled (:func:`settle`)."""
    from .pipeline import Analyzer

    if not profile:
        analyzer = Analyzer(model, batch_size=batch_size)
    elif "profile" in inspect.signature(Analyzer).parameters:
        analyzer = Analyzer(model, batch_size=batch_size, profile=profile)
    else:
        # An analyser without the parameter reads the profile from the environment.
        os.environ[PROFILE_ENV] = profile
        analyzer = Analyzer(model, batch_size=batch_size)
    return settle(analyzer)


WARM_UP = Article(
    id="eventwire-warm-up",
    title="Ministers meet in Geneva",
    text="GENEVA, May 4 - The foreign ministers of France and Kenya met in Geneva on Monday. "
    '"We agreed to talk again next week," the French minister said.',
)


def settle(analyzer):
    """Load what the analyser loads lazily (gazetteer, dictionaries, caches) by analysing
    one short article, then move every object alive into the garbage collector's
    permanent generation (``gc.freeze``).

    A loaded pipeline is some 300,000 long-lived Python objects; without the freeze
    every full collection walks all of them again, about 2.4 ms of CPU per article
    analysed. Objects created later are collected as usual. Returns ``analyzer``.
    """
    try:
        analyzer.analyze(WARM_UP)
    except Exception:  # a warm-up failure only costs the speed-up; the real articles report their own errors
        log.debug("warm-up analysis failed", exc_info=True)
    gc.collect()
    gc.freeze()
    return analyzer


def analyze_batch(
    articles: list[Article], model: Optional[str] = None, batch_size: int = DEFAULT_BATCH, analyzer=None,
    profile: Optional[str] = None,
) -> BatchResult:
    """Analyse a batch; returns ``(model name, records)`` with a :class:`Failure` for any article that breaks.

    The batch goes through ``nlp.pipe`` at once; if that raises, the articles are
    analysed one by one so that only the broken one is lost. Without ``analyzer``
    the process's own (:func:`worker_analyzer`) is used.
    """
    analyzer = analyzer if analyzer is not None else worker_analyzer(model, batch_size, profile)
    try:
        return analyzer.model_name, list(analyzer.analyze_many(articles))
    except Exception:  # one broken article: find it, keep the rest
        log.debug("batch failed, analysing its %d articles one by one", len(articles), exc_info=True)
    out: list[Union[Analysis, Failure]] = []
    for article in articles:
        try:
            out.append(analyzer.analyze(article))
        except Exception as exc:  # the analyser's bug must not stop the run
            log.debug("analysis of %s failed", article.id, exc_info=True)
            out.append(Failure(article.id, f"{exc.__class__.__name__}: {exc}"))
    return analyzer.model_name, out


def prepare_batch(
    articles: list[Article], model: Optional[str] = None, batch_size: int = DEFAULT_BATCH, analyzer=None,
    profile: Optional[str] = None,
) -> BatchResult:
    """:func:`analyze_batch`, then each record turned into the store's rows
    (:class:`~eventwire.store.store.Prepared`): what a worker sends the writer."""
    from .store.store import prepare

    name, results = analyze_batch(articles, model, batch_size, analyzer, profile)
    out: list = []
    for article, result in zip(articles, results):
        if isinstance(result, Failure):
            out.append(result)
            continue
        try:
            out.append(prepare(article, result))
        except Exception as exc:  # a malformed record: this article only
            log.debug("preparing %s failed", article.id, exc_info=True)
            out.append(Failure(article.id, f"{exc.__class__.__name__}: {exc}"))
    return name, out


class Runner(Protocol):
    def map(self, batches: Iterable[list[Article]]) -> Iterator[tuple[list[Article], BatchResult]]:
        """Analyse batches; yield ``(batch, result)`` in the order the batches came."""


class LocalRunner:
    """Analyse in this process (with ``analyzer`` if given, else the process's own)."""

    def __init__(
        self, model: Optional[str] = None, batch_size: int = DEFAULT_BATCH, *, analyzer=None,
        profile: Optional[str] = None,
    ):
        self.model = model
        self.batch_size = batch_size
        self.analyzer = analyzer
        self.profile = profile

    def __enter__(self) -> "LocalRunner":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def close(self) -> None:
        return None

    def map(self, batches: Iterable[list[Article]]) -> Iterator[tuple[list[Article], BatchResult]]:
        for batch in batches:
            yield batch, prepare_batch(batch, self.model, self.batch_size, self.analyzer, self.profile)


class DaskRunner:
    """Analyse on Dask workers: a new ``LocalCluster`` of ``workers`` processes, or the
    scheduler at ``address``. At most ``max_inflight`` batches are submitted and not yet
    collected, so memory stays flat however long the input. Dask's monitoring ticks
    are slowed (:data:`QUIET_DASK`) for the cluster it starts and for its client."""

    def __init__(
        self,
        address: Optional[str] = None,
        *,
        workers: Optional[int] = None,
        model: Optional[str] = None,
        batch_size: int = DEFAULT_BATCH,
        max_inflight: Optional[int] = None,
        memory_limit: str = "auto",
        connect_timeout: float = 10.0,
        profile: Optional[str] = None,
    ):
        if (address is None) == (workers is None):
            raise ValueError("give either a scheduler address or a number of workers")
        self.address = address
        self.workers = workers
        self.model = model
        self.batch_size = batch_size
        self.max_inflight = max_inflight
        self.memory_limit = memory_limit
        self.connect_timeout = connect_timeout
        self.profile = profile
        self.client = None
        self.cluster = None

    def __enter__(self) -> "DaskRunner":
        import dask
        from dask.distributed import Client, LocalCluster

        try:
            with dask.config.set(QUIET_DASK):
                self._start(Client, LocalCluster)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise EventwireError(f"cannot reach the Dask scheduler {self.address or ''}: {exc}", code="E601") from None
        return self

    def _start(self, Client, LocalCluster) -> None:
        if self.address is None:
            env = {PROFILE_ENV: self.profile} if self.profile else {}
            self.cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                memory_limit=self.memory_limit,
                env=env,
            )
            self.client = Client(self.cluster)
        else:
            self.client = Client(self.address, timeout=f"{self.connect_timeout}s")

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def n_workers(self) -> int:
        if self.client is None:
            return self.workers or 1
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, batches: Iterable[list[Article]]) -> Iterator[tuple[list[Article], BatchResult]]:
        if self.client is None:
            raise RuntimeError("DaskRunner must be used as a context manager")
        limit = self.max_inflight or 2 * self.n_workers() + 1
        inflight: deque = deque()
        for batch in batches:
            future = self.client.submit(
                prepare_batch, batch, self.model, self.batch_size, None, self.profile, pure=False
            )
            inflight.append((batch, future))
            while len(inflight) >= limit:
                yield self._collect(inflight.popleft())
        while inflight:
            yield self._collect(inflight.popleft())

    @staticmethod
    def _collect(item) -> tuple[list[Article], BatchResult]:
        batch, future = item
        try:
            result = future.result()
        except Exception as exc:  # a worker died or the scheduler went away: stop, a rerun resumes
            raise EventwireError(f"Dask batch failed ({exc.__class__.__name__}: {exc})", code="E604") from exc
        finally:
            future.release()
        return batch, result


def ingest(
    items: Iterable[Union[Article, BadRecord]],
    store,
    runner: Runner,
    *,
    batch_size: int = DEFAULT_BATCH,
    on_bad: Optional[Callable[[Exception], None]] = None,
    advance: Optional[Callable[[int], None]] = None,
) -> Summary:
    """Read, skip what is stored, analyse, store; returns the counts.

    ``items`` is the stream of :mod:`eventwire.sources`; ``batch_size`` articles go to
    the runner together and are stored in one transaction. ``on_bad`` is called with
    each bad record and each article that could not be analysed or stored; ``advance``
    with the number of items finished, for a progress bar.
    """
    summary = Summary()
    store.tune_for_bulk_writes()
    report = on_bad or (lambda exc: log.warning("%s", exc))
    step = advance or (lambda n: None)
    # Articles in flight by content hash, with later copies of the same text seen meanwhile.
    pending: dict[str, list[Article]] = {}
    # The content hashes of each batch given to the runner, in order (computed once).
    digests: deque[list[str]] = deque()

    def batches() -> Iterator[list[Article]]:
        batch: list[Article] = []
        hashes: list[str] = []
        for item in items:
            if isinstance(item, BadRecord):
                summary.bad += 1
                report(item)
                step(1)
                continue
            digest = item.content_hash
            if digest in pending:
                pending[digest].append(item)
                continue
            if store.has(digest):
                summary.duplicates += 1
                if item.url:
                    store.add_url(digest, item.url)
                step(1)
                continue
            pending[digest] = []
            batch.append(item)
            hashes.append(digest)
            if len(batch) >= batch_size:
                digests.append(hashes)
                yield batch
                batch, hashes = [], []
        if batch:
            digests.append(hashes)
            yield batch

    for batch, (model, results) in runner.map(batches()):
        hashes = digests.popleft()
        todo = [(n, result) for n, result in enumerate(results) if not isinstance(result, Failure)]
        written = store.add_many([r if not isinstance(r, Analysis) else (batch[n], r) for n, r in todo], model=model)
        outcome: dict[int, object] = dict(zip((n for n, _ in todo), written))
        for n, (article, result) in enumerate(zip(batch, results)):
            copies = pending.pop(hashes[n], [])
            stored = False
            if isinstance(result, Failure):
                summary.failed += 1
                report(EventwireError(f"article {article.id}: analysis failed ({result.message})", code="E602"))
            elif isinstance(outcome[n], Exception):
                summary.failed += 1
                exc = outcome[n]
                message = f"article {article.id}: not stored ({exc.__class__.__name__}: {exc})"
                report(EventwireError(message, code="E603"))
            else:
                stored = True
                _count(summary, outcome[n].status)
            for copy in copies:
                if stored:
                    summary.duplicates += 1
                    if copy.url:
                        store.add_url(copy.content_hash, copy.url)
                else:
                    summary.failed += 1
            step(1 + len(copies))
    return summary


def _count(summary: Summary, status: str) -> None:
    if status == "new":
        summary.new += 1
    elif status == "near-duplicate":
        summary.near_duplicates += 1
    else:
        summary.duplicates += 1


def make_runner(
    *, workers: Optional[int] = None, dask: Optional[str] = None, model: Optional[str] = None,
    batch_size: int = DEFAULT_BATCH, profile: Optional[str] = None,
):
    """The runner for the CLI options: ``--dask`` address, ``--workers N`` (N > 1 or given), else local."""
    if dask:
        return DaskRunner(dask, model=model, batch_size=batch_size, profile=profile)
    if workers:
        return DaskRunner(workers=workers, model=model, batch_size=batch_size, profile=profile)
    return LocalRunner(model, batch_size, profile=profile)
