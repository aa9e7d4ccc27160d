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
- ``per_core``: articles per CPU-second of the analysing processes (the workers, or
  this process without Dask; model loading included), which stays meaningful on a
  machine shared with other jobs, where wall-clock rates do not; ``per_core_steady``
  the same after the first batch (model loading excluded);
- ``peak_rss_mb``: the largest resident memory of any one worker process (sampled
  every 0.2 s with psutil), and of the writer (client) process.

``--workers 0`` runs the single-process path (no Dask) for comparison. Each
configuration runs in a fresh Python process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
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
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid in list(self.pids):
                try:
                    proc = psutil.Process(pid)
                    rss = proc.memory_info().rss
                    times = proc.cpu_times()
                except psutil.Error:
                    continue
                self.peak[pid] = max(self.peak.get(pid, 0), rss)
                self.cpu[pid] = times.user + times.system
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

    analysing: list[int] = []  # pids whose CPU time is the analysis
    first_cpu = []

    def cpu_of(pids) -> float:
        total = 0.0
        for pid in pids:
            try:
                t = psutil.Process(pid).cpu_times()
            except psutil.Error:
                continue
            total += t.user + t.system
        return total

    def advance(n):
        done[0] += n
        if not first_batch_at:
            first_batch_at.append((time.perf_counter(), done[0]))
            first_cpu.append(cpu_of(analysing))

    own_cpu = psutil.Process().cpu_times()
    own_cpu0 = own_cpu.user + own_cpu.system
    start = time.perf_counter()
    with MemorySampler() as mem:
        mem.pids.add(os.getpid())
        runner = LocalRunner(batch_size=batch_size) if workers == 0 else DaskRunner(workers=workers, batch_size=batch_size)
        with open_store(db) as store, runner:
            worker_pids = []
            if workers:
                worker_pids = list(runner.client.run(os.getpid).values())
                mem.pids.update(worker_pids)
            analysing.extend(worker_pids or [os.getpid()])
            summary = ingest(read_paths([corpus]), store, runner, batch_size=batch_size, advance=advance)
            end = time.perf_counter()
            end_cpu = cpu_of(analysing)
            # one last sample of the workers before the cluster closes
            time.sleep(2 * mem.interval)
    total = summary.seen + summary.bad + summary.failed
    t0, n0 = first_batch_at[0] if first_batch_at else (start, 0)
    steady = (total - n0) / (end - t0) if end > t0 and total > n0 else float("nan")
    own = mem.peak.get(os.getpid(), 0)
    per_worker = [mem.peak.get(p, 0) for p in worker_pids] or [own]
    own_cpu = psutil.Process().cpu_times()
    writer_cpu = own_cpu.user + own_cpu.system - own_cpu0
    cpu = sum(mem.cpu.get(p, 0.0) for p in worker_pids) if worker_pids else writer_cpu
    return {
        "workers": workers,
        "articles": total,
        "summary": summary.as_dict(),
        "seconds": round(end - start, 2),
        "rate": round(total / (end - start), 2),
        "steady": round(steady, 2),
        "analysis_cpu_s": round(cpu, 1),
        "per_core": round(total / cpu, 2) if cpu else None,
        "per_core_steady": round((total - n0) / (end_cpu - first_cpu[0]), 2) if first_cpu and end_cpu > first_cpu[0] else None,
        "writer_cpu_s": round(writer_cpu, 1),
        "peak_rss_mb_worker": round(max(per_worker) / 2**20, 1),
        "peak_rss_mb_writer": round(own / 2**20, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="JSONL(.gz) corpus from make_corpus.py")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (0 = no Dask)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--single", type=int, help=argparse.SUPPRESS)  # internal: run one configuration
    parser.add_argument("--json", help="write the results here too")
    parser.add_argument("--markdown", help="replace the '## Ingest at scale' section of this file (e.g. BENCHMARKS.md)")
    parser.add_argument("--note", default="", help="a sentence to add to the markdown section")
    args = parser.parse_args(argv)
    if args.single is not None:  # one configuration, in this fresh process
        with tempfile.TemporaryDirectory() as tmp:
            res = run_one(args.corpus, args.single, args.batch_size, str(Path(tmp) / "bench.db"))
        print(json.dumps(res), flush=True)
        return 0
    results = []
    for n in [int(w) for w in args.workers.split(",")]:
        cmd = [sys.executable, __file__, args.corpus, "--single", str(n), "--batch-size", str(args.batch_size)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(res)
        print(json.dumps(res), file=sys.stderr, flush=True)
    base = next((r for r in results if r["workers"] == 1), None)
    for r in results:
        if base and r["workers"] >= 1:
            r["efficiency"] = round(r["steady"] / (r["workers"] * base["steady"]), 3)
    print(f"{'workers':>7} {'articles':>8} {'seconds':>8} {'art/s':>7} {'steady':>7} {'eff':>6} "
          f"{'per core':>8} {'worker MB':>9} {'writer MB':>9}")
    for r in results:
        print(f"{r['workers']:>7} {r['articles']:>8} {r['seconds']:>8} {r['rate']:>7} {r['steady']:>7} "
              f"{r.get('efficiency', ''):>6} {r['per_core_steady']!s:>8} {r['peak_rss_mb_worker']:>9} {r['peak_rss_mb_writer']:>9}")
    load = os.getloadavg()
    print(f"cpus {os.cpu_count()}, load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"cpus": os.cpu_count(), "results": results}, indent=2))
    if args.markdown:
        write_section(Path(args.markdown), markdown(results, argv if argv is not None else sys.argv[1:], args.note))
    return 0


SECTION = "## Ingest at scale"


def markdown(results: list[dict], argv: list[str], note: str) -> str:
    load = os.getloadavg()
    lines = [
        SECTION,
        "",
        "Full pipeline (read, skip check, spaCy + all stages, deduplicating store writes) on the",
        "synthetic corpus of `benchmarks/make_corpus.py` (about 500 words an article), SQLite store.",
        "",
        "```",
        "python benchmarks/make_corpus.py -n N -o /tmp/corpus.jsonl.gz",
        "python benchmarks/bench_ingest.py " + " ".join(argv),
        "```",
        "",
        "| workers | articles | seconds | articles/s (wall) | steady articles/s | efficiency | articles per CPU-second (steady) | peak RSS per worker (MiB) | writer RSS (MiB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        name = "no Dask" if r["workers"] == 0 else str(r["workers"])
        lines.append(
            f"| {name} | {r['articles']} | {r['seconds']} | {r['rate']} | {r['steady']} | {r.get('efficiency', '-')} "
            f"| {r['per_core']} ({r.get('per_core_steady')}) | {r['peak_rss_mb_worker']} | {r['peak_rss_mb_writer']} |"
        )
    lines += [
        "",
        f"Machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end of the run.",
    ]
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's section of ``path`` (or append it); other sections stay as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1:] and "\n" + text[end + 1:] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
