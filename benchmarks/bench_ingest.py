"""Ingest at scale: articles/s with 1 and 2 Dask workers, scaling efficiency, memory.

    python benchmarks/make_corpus.py -n 10000 -o /tmp/corpus.jsonl.gz
    python benchmarks/bench_ingest.py /tmp/corpus.jsonl.gz --workers 1,2 --json /tmp/bench.json

For each worker count it ingests the whole corpus into a fresh SQLite store through
the full pipeline (read, skip check, analysis on the workers, deduplicating writes by
the single writer) and reports:

- ``rate``: articles per second over the whole run, cluster start-up included;
- ``steady``: articles per second after the first batch came back (model loading
  excluded), the figure that matters for long runs;
- ``efficiency``: steady(N) / (N x steady(1));
- ``peak_rss_mb``: the largest resident memory of any one worker process (sampled
  every 0.2 s with psutil), and of the writer (client) process.

``--workers 0`` runs the single-process path (no Dask) for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from eventwire.ingest import DaskRunner, LocalRunner, ingest
from eventwire.sources import read_paths
from eventwire.store import open_store


class MemorySampler:
    """Peak RSS per process id, sampled in a background thread."""

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.pids: set[int] = set()
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid in list(self.pids):
                try:
                    rss = psutil.Process(pid).memory_info().rss
                except psutil.Error:
                    continue
                self.peak[pid] = max(self.peak.get(pid, 0), rss)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_one(corpus: str, workers: int, batch_size: int, db: str) -> dict:
    first_batch_at = []
    done = [0]

    def advance(n):
        done[0] += n
        if not first_batch_at:
            first_batch_at.append((time.perf_counter(), done[0]))

    start = time.perf_counter()
    with MemorySampler() as mem:
        mem.pids.add(os.getpid())
        runner = LocalRunner(batch_size=batch_size) if workers == 0 else DaskRunner(workers=workers, batch_size=batch_size)
        with open_store(db) as store, runner:
            worker_pids = []
            if workers:
                worker_pids = list(runner.client.run(os.getpid).values())
                mem.pids.update(worker_pids)
            summary = ingest(read_paths([corpus]), store, runner, batch_size=batch_size, advance=advance)
            end = time.perf_counter()
            # one last sample of the workers before the cluster closes
            time.sleep(2 * mem.interval)
    total = summary.seen + summary.bad + summary.failed
    t0, n0 = first_batch_at[0] if first_batch_at else (start, 0)
    steady = (total - n0) / (end - t0) if end > t0 and total > n0 else float("nan")
    own = mem.peak.get(os.getpid(), 0)
    per_worker = [mem.peak.get(p, 0) for p in worker_pids] or [own]
    return {
        "workers": workers,
        "articles": total,
        "summary": summary.as_dict(),
        "seconds": round(end - start, 2),
        "rate": round(total / (end - start), 2),
        "steady": round(steady, 2),
        "peak_rss_mb_worker": round(max(per_worker) / 2**20, 1),
        "peak_rss_mb_writer": round(own / 2**20, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="JSONL(.gz) corpus from make_corpus.py")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (0 = no Dask)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(w) for w in args.workers.split(",")]:
            res = run_one(args.corpus, n, args.batch_size, str(Path(tmp) / f"bench-{n}.db"))
            results.append(res)
            print(json.dumps(res), file=sys.stderr, flush=True)
    base = next((r for r in results if r["workers"] == 1), None)
    for r in results:
        if base and r["workers"] >= 1:
            r["efficiency"] = round(r["steady"] / (r["workers"] * base["steady"]), 3)
    print(f"{'workers':>7} {'articles':>8} {'seconds':>8} {'art/s':>7} {'steady':>7} {'eff':>5} {'worker MB':>9} {'writer MB':>9}")
    for r in results:
        print(f"{r['workers']:>7} {r['articles']:>8} {r['seconds']:>8} {r['rate']:>7} {r['steady']:>7} "
              f"{r.get('efficiency', ''):>5} {r['peak_rss_mb_worker']:>9} {r['peak_rss_mb_writer']:>9}")
    if args.json:
        Path(args.json).write_text(json.dumps({"cpus": os.cpu_count(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
