"""Ingest at scale: articles/s with 1 and 2 Dask workers, scaling efficiency, memory.

    python benchmarks/make_corpus.py -n 10000 -o /tmp/corpus.jsonl.gz
    python benchmarks/bench_ingest.py /tmp/corpus.jsonl.gz --workers 1,2 --profile fast \
        --results /tmp/bench-fast.jsonl --json /tmp/bench-fast.json

For each worker count it ingests the whole corpus into a fresh SQLite store through
the full pipeline (read, skip check, analysis and row preparation on the workers,
deduplicating writes by the single writer, as ``eventwire ingest --workers N``) and
reports:

- ``rate``: articles per second over the whole run, cluster start-up included;
- ``steady``: articles per second once every worker has loaded its model (the
  benchmark loads it before the clock starts), the figure that matters for long runs;
- ``efficiency``: steady(N) / (N x steady(1)); ``cpu_efficiency`` the same from the
  CPU costs (see :func:`cpu_rate`): what the machine's cores would give with
  nothing else running, the figure to read on a shared machine;
- ``per_core``: articles per CPU-second of the analysing processes (the workers, or
  this process without Dask; model loading included), which stays meaningful on a
  machine shared with other jobs, where wall-clock rates do not; ``per_core_steady``
  the same once the models are loaded;
  (``per_core_steady`` is the figure to hold against "articles/s per core": each
  worker is one process of one thread);
- ``writer_ms_per_article``: CPU of the writer process (reading, skip checks, the
  Dask client and scheduler, all store writes) per article;
- ``peak_rss_mb``: the largest resident memory of any one worker process (sampled
  every second with psutil, in the writer process), and of the writer (client) process.

``--workers 0`` runs the single-process path (no Dask) for comparison. Each
configuration runs in a fresh Python process. ``--max-seconds`` bounds each
configuration: after that many seconds no new article is read, the ones in flight
are finished and the rates are over what was done. ``--results FILE`` appends each
finished configuration to FILE (JSON lines) and skips the configurations already
there, so an interrupted benchmark is resumed by running the same command again.
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
from typing import Optional

import psutil

from eventwire.ingest import DEFAULT_TASK, DaskRunner, LocalRunner, ingest, worker_analyzer
from eventwire.sources import read_paths
from eventwire.store import open_store


class MemorySampler:
    """Peak RSS per process id, sampled in a background thread."""

    def __init__(self, interval: float = 1.0):
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


def bounded(items, max_seconds):
    """The items, until ``max_seconds`` have passed (None: all of them)."""
    deadline = None if not max_seconds else time.perf_counter() + max_seconds
    for item in items:
        if deadline is not None and time.perf_counter() > deadline:
            return
        yield item


def load_model_here(batch_size: int, profile) -> None:
    """Load this process's analyser (kept by ``worker_analyzer``), so that the clock
    starts with the models loaded; returns nothing (the analyser stays where it is)."""
    worker_analyzer(None, batch_size, profile)


def cpu_of(pids) -> float:
    total = 0.0
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def run_one(corpus: str, workers: int, batch_size: int, task_size: int, db: str, profile=None,
            max_seconds=None) -> dict:
    me = os.getpid()
    own_cpu0 = cpu_of([me])
    start = time.perf_counter()
    with MemorySampler() as mem:
        mem.pids.add(me)
        if workers == 0:
            runner = LocalRunner(batch_size=batch_size, profile=profile)
        else:
            runner = DaskRunner(workers=workers, batch_size=batch_size, profile=profile)
        with open_store(db) as store, runner:
            worker_pids = []
            if workers:
                worker_pids = list(runner.client.run(os.getpid).values())
                mem.pids.update(worker_pids)
                runner.client.run(load_model_here, batch_size, profile)  # load the model on every worker
            else:
                load_model_here(batch_size, profile)
            analysing = worker_pids or [me]
            t0, cpu0, writer0 = time.perf_counter(), cpu_of(analysing), cpu_of([me])
            summary = ingest(bounded(read_paths([corpus]), max_seconds), store, runner,
                             batch_size=task_size if workers else batch_size)
            end = time.perf_counter()
            end_cpu, end_writer = cpu_of(analysing), cpu_of([me])
            # one last sample of the workers before the cluster closes
            time.sleep(2 * mem.interval)
    total = summary.seen + summary.bad + summary.failed
    own = mem.peak.get(me, 0)
    per_worker = [mem.peak.get(p, 0) for p in worker_pids] or [own]
    cpu = sum(mem.cpu.get(p, 0.0) for p in worker_pids) if worker_pids else end_writer - own_cpu0
    steady_cpu = end_cpu - cpu0
    return {
        "workers": workers,
        "profile": profile or "accurate",
        "task_size": task_size if workers else batch_size,
        "articles": total,
        "summary": summary.as_dict(),
        "seconds": round(end - start, 2),
        "startup_seconds": round(t0 - start, 2),
        "rate": round(total / (end - start), 2),
        "steady": round(total / (end - t0), 2),
        "analysis_cpu_s": round(cpu, 1),
        "per_core": round(total / cpu, 2) if cpu else None,  # over all analysing processes
        "per_core_steady": round(total / steady_cpu, 2) if steady_cpu > 0 else None,
        "writer_cpu_s": round(end_writer - own_cpu0, 1),
        "writer_ms_per_article": round(1000 * (end_writer - writer0) / total, 2) if total and workers else None,
        "peak_rss_mb_worker": round(max(per_worker) / 2**20, 1),
        "peak_rss_mb_writer": round(own / 2**20, 1),
        "max_seconds": max_seconds,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="JSONL(.gz) corpus from make_corpus.py")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (0 = no Dask)")
    parser.add_argument("--profile", choices=["accurate", "fast"], help="pipeline profile (default: accurate)")
    parser.add_argument("--batch-size", type=int, default=16, help="articles per spaCy batch")
    parser.add_argument("--task-size", type=int, default=DEFAULT_TASK, help="articles per Dask task and transaction")
    parser.add_argument("--max-seconds", type=float, help="stop reading new articles after this long (per configuration)")
    parser.add_argument("--results", help="JSON lines of finished configurations: appended to, and those there are skipped")
    parser.add_argument("--single", type=int, help=argparse.SUPPRESS)  # internal: run one configuration
    parser.add_argument("--json", help="write the results here too")
    parser.add_argument("--markdown", help="replace the '## Ingest at scale' section of this file (e.g. BENCHMARKS.md)")
    parser.add_argument("--note", default="", help="a sentence to add to the markdown section")
    args = parser.parse_args(argv)
    if args.single is not None:  # one configuration, in this fresh process
        with tempfile.TemporaryDirectory() as tmp:
            res = run_one(args.corpus, args.single, args.batch_size, args.task_size, str(Path(tmp) / "bench.db"),
                          args.profile, args.max_seconds)
        print(json.dumps(res), flush=True)
        return 0
    profile = args.profile or "accurate"
    done: dict[int, dict] = {}
    if args.results and Path(args.results).exists():
        for line in Path(args.results).read_text().splitlines():
            r = json.loads(line)
            if r.get("corpus") == args.corpus and r.get("profile") == profile:
                done[r["workers"]] = r
    results = []
    for n in [int(w) for w in args.workers.split(",")]:
        if n in done:
            print(f"workers {n}: done before ({args.results}), kept", file=sys.stderr, flush=True)
            results.append(done[n])
            continue
        cmd = [sys.executable, __file__, args.corpus, "--single", str(n), "--batch-size", str(args.batch_size),
               "--task-size", str(args.task_size)]
        if args.profile:
            cmd += ["--profile", args.profile]
        if args.max_seconds:
            cmd += ["--max-seconds", str(args.max_seconds)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        res["corpus"] = args.corpus
        res["load_avg"] = [round(x, 1) for x in os.getloadavg()]
        results.append(res)
        print(json.dumps(res), file=sys.stderr, flush=True)
        if args.results:
            with open(args.results, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(res) + "\n")
    base = next((r for r in results if r["workers"] == 1), None)
    for r in results:
        if base and r["workers"] >= 1:
            r["efficiency"] = round(r["steady"] / (r["workers"] * base["steady"]), 3)
            if cpu_rate(base) and cpu_rate(r):
                r["cpu_efficiency"] = round(cpu_rate(r) / (r["workers"] * cpu_rate(base)), 3)
    print(f"{'workers':>7} {'profile':>8} {'articles':>8} {'seconds':>8} {'art/s':>7} {'steady':>7} {'eff':>6} {'cpu eff':>7} "
          f"{'per core':>8} {'writer ms':>9} {'worker MB':>9} {'writer MB':>9}")
    for r in results:
        print(f"{r['workers']:>7} {r.get('profile', 'accurate'):>8} {r['articles']:>8} {r['seconds']:>8} {r['rate']:>7} "
              f"{r['steady']:>7} {r.get('efficiency', ''):>6} {r.get('cpu_efficiency', ''):>7} {r['per_core_steady']!s:>8} "
              f"{r.get('writer_ms_per_article')!s:>9} "
              f"{r['peak_rss_mb_worker']:>9} {r['peak_rss_mb_writer']:>9}")
    load = os.getloadavg()
    print(f"cpus {os.cpu_count()}, load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"cpus": os.cpu_count(), "results": results}, indent=2))
    if args.markdown:
        write_section(Path(args.markdown), markdown(results, argv if argv is not None else sys.argv[1:], args.note))
    return 0


def cpu_rate(r: dict, cores: Optional[int] = None) -> Optional[float]:
    """Articles/s the measured CPU costs allow on ``cores`` free cores: each worker
    on a core of its own at most, and the workers and the writer together within
    the cores. Unlike the wall-clock rate it does not depend on what else ran."""
    cores = cores or os.cpu_count() or 1
    if not r.get("per_core_steady") or r.get("writer_ms_per_article") is None:
        return None
    worker = 1 / r["per_core_steady"]  # CPU-seconds per article in the workers
    writer = r["writer_ms_per_article"] / 1000
    return min(min(r["workers"], cores) / worker, cores / (worker + writer))


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
        "| workers | profile | articles | seconds | articles/s (wall) | steady articles/s | efficiency (wall; CPU) "
        "| articles per worker CPU-second (steady) | writer CPU ms/article | peak RSS per worker (MiB) "
        "| writer RSS (MiB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        name = "no Dask" if r["workers"] == 0 else str(r["workers"])
        lines.append(
            f"| {name} | {r.get('profile', 'accurate')} | {r['articles']} | {r['seconds']} | {r['rate']} | {r['steady']} "
            f"| {r.get('efficiency', '-')}; {r.get('cpu_efficiency', '-')} | {r.get('per_core_steady')} | {r.get('writer_ms_per_article') or '-'} "
            f"| {r['peak_rss_mb_worker']} | {r['peak_rss_mb_writer']} |"
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
