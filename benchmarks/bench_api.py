"""The API under load: a store of >= 100,000 events, 50 concurrent clients, 60 seconds.

    python benchmarks/bench_api.py --client wrk --workers 2 --cache-seconds 300   # wrk (least client CPU)
    python benchmarks/bench_api.py --client raw --workers 1 --cache-seconds 300   # the Python client
    python benchmarks/bench_api.py --cpu 20 --seconds 10                          # + server CPU per request kind
    python benchmarks/bench_api.py --mix lookups             # index lookups only: the API's own cost

1. Builds a store of synthetic articles through ``Store.add`` (hand-built Analysis
   records with random actors, CAMEO codes, dates and quotes; no spaCy). The store is
   kept in ``--db`` and reused when it already holds enough events.
2. Starts ``eventwire serve`` in a subprocess on 127.0.0.1 and a free port (uvicorn
   with httptools and uvloop when installed; ``--workers`` processes, which share
   their answer cache; its start-up line in the server log says which).
3. Runs ``--clients`` concurrent clients, each sending requests one after another with
   no pause (a closed loop), for ``--seconds``: a mix of event filters, quote
   searches, ties, actor profiles, articles and the network. Every request goes to
   127.0.0.1 only; the run is bounded in time (and, for the Python clients, in number
   of requests). The clients (``--client``):

   - ``wrk``: the C load generator (Debian package ``wrk``), ``--wrk-threads``
     threads, one keep-alive connection per client, 30 s timeout. The requests are
     ``--wrk-targets`` targets drawn from the same mix with the same random
     generator, written one a line to a file that a generated Lua script reads; each
     thread walks the list from its own starting point, one target per request. The
     script's ``done()`` writes the summary as one JSON line: requests, p50/p90/p95/p99
     and mean latency from wrk's own histogram, cache hits (``X-Cache: hit``, counted
     by ``response()``), and errors: connect, read, write, timeouts and statuses
     over 399 (``non-2xx/3xx``). wrk keeps no per-endpoint latencies, so none are
     reported. wrk's output is kept beside ``--out`` (``.wrk.txt``); its CPU time
     is measured (``client_cores_used``). It takes ~0.04 cores where the Python
     clients took 0.05-0.5.
   - ``raw`` (default): 50 asyncio loops with a minimal keep-alive HTTP/1.1 client;
     per-endpoint p50/p95 and cache-miss latency.
   - ``httpx``: httpx.AsyncClient (several ms of client CPU per request).

4. Prints p50/p95/p99 latency, throughput, errors, cache hits, the share of a CPU core
   the server got and its CPU time per request (all kinds together), overall and per
   endpoint (Python clients), and writes them as JSON (``--out``; the server's stderr
   goes next to it). ``--cpu N`` first measures the server's CPU time per request of
   each kind, N of each, one at a time, with a fresh query string each (no cache hits;
   needs psutil; its resolution is the 10 ms clock tick over N requests).

The server answers the dashboard's default views (``eventwire.api.app.WARM_TARGETS``:
the default ties, the actor list, the network, the first pages of articles and
quotes) before it reports healthy, as it does for any user; of the mix, the
``network`` and ``ties_default`` requests hit those answers. Everything else starts
cold. A store built by an older eventwire is migrated when it is opened here (the
build step opens it for writing), so the schema's summaries are there.

The load generator runs on the same machine as the server: on a 2-core machine every
core it uses is taken from the server. Results and what they mean: BENCHMARKS.md,
"API under load".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from eventwire.models import Actor, ActorRef, Analysis, Article, Event, PlaceRef, Quote, Speaker, Tone
from eventwire.store import DedupConfig, open_store
from eventwire.store import dedup

COUNTRIES = (
    "RUS CHN USA UKR GBR FRA DEU IND PAK IRN ISR TUR SAU EGY JPN KOR PRK BRA ZAF NGA "
    "ETH KEN MEX CAN AUS POL BLR SYR IRQ AFG VEN COL IDN PHL VNM"
).split()
SECTORS = ("GOV", "GOV", "GOV", "MIL", "OPP", "")
# code, goldstein, quad class, PLOVER type, verb
CODES = [
    ("010", 0.0, 1, None, "commented on"), ("020", 3.0, 1, "REQUEST", "appealed to"),
    ("036", 4.0, 1, "CONSULT", "agreed to meet"), ("040", 1.0, 1, "CONSULT", "held talks with"),
    ("042", 1.9, 1, "CONSULT", "visited"), ("051", 3.4, 1, "SUPPORT", "praised"),
    ("057", 8.0, 1, "AGREE", "signed an accord with"), ("061", 6.4, 2, "COOPERATE", "expanded trade with"),
    ("062", 7.4, 2, "COOPERATE", "held drills with"), ("070", 7.0, 2, "AID", "sent aid to"),
    ("081", 5.0, 2, "CONCEDE", "eased restrictions on"), ("090", -2.0, 2, "ACCUSE", "investigated"),
    ("100", -5.0, 3, "REQUEST", "demanded concessions from"), ("111", -2.0, 3, "ACCUSE", "criticised"),
    ("112", -2.0, 3, "ACCUSE", "accused"), ("120", -4.0, 3, "REJECT", "rejected a proposal by"),
    ("130", -4.4, 3, "THREATEN", "threatened"), ("141", -6.5, 3, "PROTEST", "protested against"),
    ("154", -7.2, 4, "MOBILIZE", "massed troops near"), ("163", -8.0, 4, "SANCTION", "imposed an embargo on"),
    ("173", -5.0, 4, "COERCE", "detained citizens of"), ("190", -10.0, 4, "ASSAULT", "clashed with"),
]
WORDS = (
    "security border trade energy sanctions talks peace treaty gas oil grain missile drills summit "
    "sovereignty partnership cooperation pressure dialogue stability conflict ceasefire elections "
    "investment pipeline navy airspace refugees aid loans debt technology cyber nuclear inspectors"
).split()
CITIES = [("Capital %d" % n, 10.0 + n, 20.0 + n) for n in range(40)]
START = dt.date(2021, 1, 1)


def synthetic(n: int, events_per_article: int, rng: random.Random) -> tuple[Article, Analysis]:
    """One synthetic article with its record (offsets consistent with its text)."""
    day = START + dt.timedelta(days=rng.randrange(730))
    # Some pairs are far more active than others, as in real news.
    hub = rng.choice(COUNTRIES[:6])
    parts, actors, events, quotes = [], {}, [], []
    pos = 0

    def add(text: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        parts.append(text)
        pos += len(text)
        return start, pos

    def actor(country: str) -> tuple[str, str, str]:
        sector = rng.choice(SECTORS)
        code = country + sector
        name = f"{country} {sector or 'state'} official {rng.randrange(40)}"
        if (name, code) not in actors:
            actors[(name, code)] = (f"a{len(actors) + 1}", country, sector, [])
        return name, code, actors[(name, code)][0]

    add(f"REPORT {n} - ")
    for _ in range(events_per_article):
        a = hub if rng.random() < 0.6 else rng.choice(COUNTRIES)
        b = rng.choice([c for c in COUNTRIES if c != a])
        if rng.random() < 0.5:
            a, b = b, a
        code, goldstein, quad, plover, verb = rng.choice(CODES)
        (sname, scode, sid), (tname, tcode, tid) = actor(a), actor(b)
        city, lat, lon = rng.choice(CITIES)
        date = (day - dt.timedelta(days=rng.randrange(3))).isoformat()
        extra = " ".join(rng.choice(WORDS) for _ in range(6))
        s_start = pos
        sm = add(sname)
        add(f" {verb} ")
        tm = add(tname)
        add(f" in {city} over {extra}.")
        span = (s_start, pos)
        add(" ")
        actors[(sname, scode)][3].append(sm)
        actors[(tname, tcode)][3].append(tm)
        modality = "hypothetical" if rng.random() < 0.03 else "asserted"
        events.append(Event(
            ActorRef(sname, scode, sid, a), ActorRef(tname, tcode, tid, b), code, code[:2], plover, None,
            goldstein, quad, date, "text", PlaceRef(city, None, lat, lon), rng.random() < 0.03, modality,
            "".join(parts)[span[0]:span[1]], span, "synthetic",
        ))
    for _ in range(2):
        (sname, scode, sid) = actor(rng.choice(COUNTRIES))
        words = " ".join(rng.choice(WORDS) for _ in range(12))
        add("\n\n\"")
        q = add(f"We will discuss {words} with our partners")
        add("\", said ")
        m = add(sname)
        add(".")
        actors[(sname, scode)][3].append(m)
        quotes.append(Quote("".join(parts)[q[0]:q[1]], "direct", q, "said", Speaker(sname, scode, sid, sname, m)))
    text = "".join(parts)
    record_actors = tuple(
        Actor(aid, name, code, country, sector or None, "person", tuple(mentions))
        for (name, code), (aid, country, sector, mentions) in actors.items()
    )
    article = Article(text=text, id=f"bench-{n}", title=f"Synthetic report {n}", published=day.isoformat(),
                      source=f"wire-{n % 7}")
    analysis = Analysis(article.id, article.title, article.published, "en", record_actors, tuple(quotes),
                        tuple(events), (), (), Tone(0.0, 0.0, 0.0))
    return article, analysis


@functools.lru_cache(maxsize=4)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    return dedup.lsh_params(threshold, num_perm)


@dataclasses.dataclass(frozen=True)
class CachedDedupConfig(DedupConfig):
    """The store's settings, with the LSH band layout computed once (it takes ~0.2 s)."""

    def lsh_params(self) -> tuple[int, int]:
        return _lsh_params(self.near_dup_threshold, self.num_perm)


def build(db: str, events: int, per_article: int, seed: int) -> dict:
    rng = random.Random(seed)
    with open_store(db, config=CachedDedupConfig()) as store:
        have = store.counts()["events"]
        if have >= events:
            return {"built": False, "events": have, "seconds": 0.0}
        start = time.perf_counter()
        n = store.counts()["articles"]
        while have < events:
            article, analysis = synthetic(n, per_article, rng)
            store.add(article, analysis, model="bench")
            have += len(analysis.events)
            n += 1
            if n % 1000 == 0:
                print(f"  {n} articles, {have} events, {time.perf_counter() - start:.0f} s", file=sys.stderr)
        counts = store.counts()
        return {"built": True, "events": counts["events"], "articles": counts["articles"],
                "clusters": counts["event_clusters"], "seconds": round(time.perf_counter() - start, 1)}


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(db: str, port: int, workers: int, cache_seconds: float, log_path: Path):
    cmd = [sys.executable, "-c", "from eventwire.cli import main; main()", "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--cache-seconds", str(cache_seconds)]
    env = {k: v for k, v in os.environ.items() if k != "EVENTWIRE_API_TOKEN"}
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start; see {log_path}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def lookup_mix(rng: random.Random, pairs, article_pks: int):
    """Requests answered through indexes only: what the API layer itself costs."""
    pk = rng.randrange(1, article_pks + 1)
    return rng.choice([
        ("article", f"/api/articles/{pk}", {}),
        ("article_events", "/api/events", {"article": pk, "mentions": "true"}),
        ("article_quotes", "/api/quotes", {"article": pk}),
        ("articles", "/api/articles", {"offset": rng.randrange(0, 1000)}),
    ])


def request_mix(rng: random.Random, pairs: list[tuple[str, str]], article_pks: int):
    """One request: (name, path, params), drawn from what a dashboard user does."""
    a, b = rng.choice(pairs)
    country = rng.choice(COUNTRIES)
    month = f"{rng.choice((2021, 2022))}-{rng.randrange(1, 13):02d}"
    choices = [
        (14, ("events_actor", "/api/events", {"actor": country, "limit": 50})),
        (8, ("events_dyad_root", "/api/events", {"dyad": f"{a},{b}", "root": rng.choice(["04", "11", "19", "05,06"])})),
        (8, ("events_month_quad", "/api/events", {"since": month, "until": month, "quad_class": rng.randrange(1, 5)})),
        (4, ("events_csv", "/api/events", {"actor": country, "limit": 100, "format": "csv"})),
        (14, ("quotes_search", "/api/quotes", {"q": " ".join(rng.sample(WORDS, 2))})),
        (6, ("quotes_speaker", "/api/quotes", {"speaker": f"official {rng.randrange(40)}", "speaker_code": country})),
        (10, ("ties", "/api/ties", {"a": a, "b": b, "interval": "week", "top": 0})),
        (6, ("ties_period", "/api/ties/period", {"a": a, "b": b,
                                                 "start": (START + dt.timedelta(weeks=rng.randrange(104), days=-START.weekday())).isoformat()})),
        (8, ("actor", f"/api/actors/{country}", {})),
        (16, ("article", f"/api/articles/{rng.randrange(1, article_pks + 1)}", {})),
        (3, ("articles", "/api/articles", {"offset": rng.randrange(0, 1000)})),
        (2, ("network", "/api/network", {})),
        (1, ("ties_default", "/api/ties", {})),
    ]
    total = sum(w for w, _ in choices)
    pick = rng.uniform(0, total)
    for weight, item in choices:
        pick -= weight
        if pick <= 0:
            return item
    return choices[-1][1]


MIXES = {"dashboard": request_mix, "lookups": lookup_mix}


def server_cpu(base: str, pid: int, pairs, article_pks: int, per_endpoint: int, seed: int) -> dict:
    """Server CPU time per request of each kind, one request at a time (load-independent)."""
    import httpx
    import psutil

    proc = psutil.Process(pid)
    rng = random.Random(seed)
    cpu_now = functools.partial(tree_cpu, proc)
    kinds: dict[str, list] = defaultdict(list)
    while min((len(v) for v in kinds.values()), default=0) < per_endpoint or len(kinds) < 12:
        for mix in (request_mix, lookup_mix):
            name, path, params = mix(rng, pairs, article_pks)
            if len(kinds[name]) < per_endpoint:
                kinds[name].append((path, params))
        if sum(len(v) for v in kinds.values()) > 50 * per_endpoint:
            break
    out = {}
    with httpx.Client(base_url=base, timeout=60) as http:
        http.get("/api/health")
        for name, requests in sorted(kinds.items()):
            cpu0, wall0 = cpu_now(), time.perf_counter()
            for path, params in requests:
                # A fresh query string each time: the answer cache must not serve these.
                http.get(path, params={**params, "_": rng.random()})
            n = len(requests)
            out[name] = {"n": n, "cpu_ms": round((cpu_now() - cpu0) / n * 1000, 1),
                         "wall_ms": round((time.perf_counter() - wall0) / n * 1000, 1)}
    return out


def tree_cpu(proc) -> float:
    """CPU seconds (user + system) of a process and its live children (uvicorn workers)."""
    import psutil

    total = sum(proc.cpu_times()[:2])
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += sum(child.cpu_times()[:2])
    return total


async def load(base: str, clients: int, seconds: float, max_requests: int, seed: int, pairs, article_pks,
               mix=request_mix):
    import httpx

    results: list[tuple[str, float, int, bool]] = []
    errors: dict[str, int] = defaultdict(int)
    deadline = time.monotonic() + seconds
    # Reuse a connection only if it has been idle under 2 s: uvicorn closes idle ones
    # after 5 s, and a request sent on a connection being closed fails with ReadError.
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0)

    async with httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) as http:

        async def client(k: int):
            rng = random.Random(seed * 1000 + k)
            while time.monotonic() < deadline and len(results) < max_requests:
                name, path, params = mix(rng, pairs, article_pks)
                t0 = time.perf_counter()
                hit = False
                try:
                    r = await http.get(path, params=params)
                    status = r.status_code
                    hit = r.headers.get("x-cache") == "hit"
                    if status != 200:
                        errors[f"{name}: HTTP {status}"] += 1
                except httpx.HTTPError as exc:
                    status = 0
                    errors[f"{name}: {type(exc).__name__}"] += 1
                results.append((name, time.perf_counter() - t0, status, hit))

        started = time.perf_counter()
        await asyncio.gather(*(client(k) for k in range(clients)))
        wall = time.perf_counter() - started
    return results, dict(errors), wall


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams (GET only, to 127.0.0.1).

    httpx costs the client several milliseconds of CPU per request; on a 2-core
    machine the load generator then takes the CPU the server is being measured on.
    This one parses only the status line, the headers it needs and the body length.
    """

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.reader = self.writer = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def get(self, target: str) -> tuple[int, dict[bytes, bytes], bytes]:
        return await asyncio.wait_for(self._get(target), self.timeout)

    async def _get(self, target: str):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\nAccept: */*\r\n\r\n".encode("latin-1"))
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if b":" in line:
                k, v = line.split(b":", 1)
                headers[k.strip().lower()] = v.strip()
        if b"content-length" in headers:
            body = await self.reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                parts.append(chunk[:-2])
            body = b"".join(parts)
        else:
            body = await self.reader.read()
            await self.close()
        if headers.get(b"connection", b"").lower() == b"close":
            await self.close()
        return status, headers, body


async def load_raw(base: str, clients: int, seconds: float, max_requests: int, seed: int, pairs, article_pks,
                   mix=request_mix):
    """:func:`load` with :class:`RawConnection` clients (one keep-alive connection each)."""
    from urllib.parse import urlencode, urlsplit

    url = urlsplit(base)
    results: list[tuple[str, float, int, bool]] = []
    errors: dict[str, int] = defaultdict(int)
    deadline = time.monotonic() + seconds

    async def client(k: int):
        rng = random.Random(seed * 1000 + k)
        conn = RawConnection(url.hostname, url.port, 30.0)
        try:
            while time.monotonic() < deadline and len(results) < max_requests:
                name, path, params = mix(rng, pairs, article_pks)
                target = path + ("?" + urlencode(params) if params else "")
                t0 = time.perf_counter()
                hit = False
                try:
                    status, headers, _ = await conn.get(target)
                    hit = headers.get(b"x-cache") == b"hit"
                    if status != 200:
                        errors[f"{name}: HTTP {status}"] += 1
                except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
                    status = 0
                    errors[f"{name}: {type(exc).__name__}"] += 1
                    await conn.close()
                results.append((name, time.perf_counter() - t0, status, hit))
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return results, dict(errors), time.perf_counter() - started


WRK_SCRIPT = r"""-- Generated by benchmarks/bench_api.py: rotate through a list of request targets.
-- Arguments (after --): the file of targets (one a line) and the number of threads.
local started = 0
local threads = {}

function setup(thread)
  thread:set("tid", started)
  started = started + 1
  table.insert(threads, thread)
end

function init(args)
  targets = {}
  for line in io.lines(args[1]) do
    targets[#targets + 1] = line
  end
  -- Each thread starts at its own place in the list: the threads send different requests.
  pos = math.floor(#targets * tid / tonumber(args[2]))
  hits = 0
  answered = 0
end

function request()
  pos = pos % #targets + 1
  return wrk.format("GET", targets[pos])
end

function response(status, headers, body)
  answered = answered + 1
  if headers["x-cache"] == "hit" or headers["X-Cache"] == "hit" then
    hits = hits + 1
  end
end

function done(summary, latency, requests)
  local h, n = 0, 0
  for _, t in ipairs(threads) do
    h = h + t:get("hits")
    n = n + t:get("answered")
  end
  local e = summary.errors
  io.write(string.format(
    "EVENTWIRE_WRK {\"requests\": %d, \"answered\": %d, \"duration_us\": %d, \"bytes\": %d, " ..
    "\"p50_us\": %d, \"p90_us\": %d, \"p95_us\": %d, \"p99_us\": %d, \"mean_us\": %.1f, \"max_us\": %d, " ..
    "\"cache_hits\": %d, \"connect\": %d, \"read\": %d, \"write\": %d, \"status\": %d, \"timeout\": %d}\n",
    summary.requests, n, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max, h, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def wrk_targets(count: int, seed: int, pairs, article_pks: int, mix=request_mix) -> list[str]:
    """``count`` request targets drawn from ``mix`` like the Python clients draw them."""
    from urllib.parse import urlencode

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        _, path, params = mix(rng, pairs, article_pks)
        out.append(path + ("?" + urlencode(params) if params else ""))
    return out


def parse_wrk(text: str) -> dict:
    """The JSON line the script's ``done()`` writes, as bench_api's summary fields."""
    for line in text.splitlines():
        if line.startswith("EVENTWIRE_WRK "):
            raw = json.loads(line[len("EVENTWIRE_WRK "):])
            break
    else:
        raise RuntimeError("wrk printed no summary:\n" + text[-2000:])
    wall = raw["duration_us"] / 1e6
    errors = {k: raw[k] for k in ("connect", "read", "write", "timeout") if raw[k]}
    if raw["status"]:
        errors["HTTP non-2xx/3xx"] = raw["status"]
    return {
        "requests": raw["requests"],
        "seconds": round(wall, 1),
        "throughput_rps": round(raw["requests"] / wall, 1) if wall else None,
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p90_ms": round(raw["p90_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "mean_ms": round(raw["mean_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "cache_hits": raw["cache_hits"],
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "bytes": raw["bytes"],
    }


def run_wrk(base: str, clients: int, seconds: float, threads: int, targets: list[str], workdir: Path,
            wrk: str = "wrk") -> tuple[dict, float, str]:
    """Run wrk with the generated script; its summary, its CPU seconds and its output."""
    import resource

    threads = max(1, min(threads, clients))
    script = workdir / "bench_api_wrk.lua"
    listing = workdir / "bench_api_wrk_targets.txt"
    script.write_text(WRK_SCRIPT)
    listing.write_text("\n".join(targets) + "\n")
    cmd = [wrk, "-t", str(threads), "-c", str(clients), "-d", f"{max(1, int(round(seconds)))}s", "--timeout", "30s",
           "--latency", "-s", str(script), base, "--", str(listing), str(threads)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}")
    return parse_wrk(done.stdout), cpu, done.stdout


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(q / 100 * len(values) + 0.5)) - 1))
    return values[k]


def summarise(results, errors, wall) -> dict:
    lat = [r[1] * 1000 for r in results]
    by = defaultdict(list)
    for name, elapsed, _, _ in results:
        by[name].append(elapsed * 1000)
    misses = [r[1] * 1000 for r in results if not r[3]]
    return {
        "requests": len(results),
        "seconds": round(wall, 1),
        "throughput_rps": round(len(results) / wall, 1) if wall else None,
        "p50_ms": round(pct(lat, 50), 1),
        "p95_ms": round(pct(lat, 95), 1),
        "p99_ms": round(pct(lat, 99), 1),
        "mean_ms": round(statistics.fmean(lat), 1) if lat else None,
        "cache_hits": sum(1 for r in results if r[3]),
        "p95_ms_cache_misses": round(pct(misses, 95), 1),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "endpoints": {
            name: {"n": len(v), "p50_ms": round(pct(v, 50), 1), "p95_ms": round(pct(v, 95), 1)}
            for name, v in sorted(by.items())
        },
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/tmp/eventwire-bench/bench_api.db", help="Store to build or reuse.")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--per-article", type=int, default=8)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--max-requests", type=int, default=2_000_000, help="Stop after this many requests.")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    ap.add_argument("--cache-seconds", type=float, default=5.0, help="The server's --cache-seconds (0: no cache).")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cpu", type=int, default=0, metavar="N",
                    help="First measure the server's CPU time per request kind, N requests each, one at a time.")
    ap.add_argument("--mix", choices=sorted(MIXES), default="dashboard",
                    help="dashboard: what the dashboard asks for; lookups: index lookups only (the API's own cost).")
    ap.add_argument("--client", choices=("raw", "httpx", "wrk"), default="raw",
                    help="raw: a minimal asyncio HTTP/1.1 client (little CPU); httpx: httpx.AsyncClient; "
                    "wrk: the wrk load generator (C, least CPU) with a generated Lua script.")
    ap.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (--client wrk).")
    ap.add_argument("--wrk-targets", type=int, default=200_000,
                    help="Request targets drawn from the mix for wrk to rotate through (--client wrk).")
    ap.add_argument("--out", default="/tmp/eventwire-bench/bench_api.json")
    args = ap.parse_args(argv)

    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    print(f"store {args.db}: building to {args.events} events ...", file=sys.stderr)
    built = build(args.db, args.events, args.per_article, args.seed)
    print(f"store: {built}", file=sys.stderr)
    with open_store(args.db, readonly=True) as store:
        counts = store.counts()
        from eventwire.store import queries

        pairs = [(r["a"], r["b"]) for r in queries.top_relations(store, limit=200)]
    port = free_port()
    load_before = os.getloadavg()
    cpu = None
    with server(args.db, port, args.workers, args.cache_seconds, Path(args.out).with_suffix(".server.log")) as proc:
        base = f"http://127.0.0.1:{port}"
        if args.cpu:
            cpu = server_cpu(base, proc.pid, pairs, counts["articles"], args.cpu, args.seed)
            print(json.dumps(cpu, indent=1), file=sys.stderr)
        import psutil

        server_proc = psutil.Process(proc.pid)
        cpu_before = tree_cpu(server_proc)
        if args.client == "wrk":
            targets = wrk_targets(args.wrk_targets, args.seed, pairs, counts["articles"], MIXES[args.mix])
            cpu_before = tree_cpu(server_proc)
            summary, client_cpu, wrk_out = run_wrk(base, args.clients, args.seconds, args.wrk_threads, targets,
                                                   Path(args.out).parent)
            wall = summary["seconds"]
            server_share = (tree_cpu(server_proc) - cpu_before) / wall
            client_share = client_cpu / wall
            Path(args.out).with_suffix(".wrk.txt").write_text(wrk_out)
        else:
            client_cpu0 = time.process_time()
            results, errors, wall = asyncio.run(
                (load_raw if args.client == "raw" else load)(base, args.clients, args.seconds, args.max_requests, args.seed, pairs, counts["articles"], MIXES[args.mix])
            )
            # How much CPU the server got during the run (1.0 = one core all the time).
            server_share = (tree_cpu(server_proc) - cpu_before) / wall
            client_share = (time.process_time() - client_cpu0) / wall
            summary = summarise(results, errors, wall)
        server_cpu_total = server_share * wall
    load_after = os.getloadavg()
    summary.update(
        server_cpu_ms_per_request=round(server_cpu_total / summary["requests"] * 1000, 2) if summary["requests"] else None,
        store={k: counts[k] for k in ("articles", "events", "event_clusters", "quotes")},
        server_cpu_per_request=cpu, server_cores_used=round(server_share, 2), client=args.client,
        client_cores_used=round(client_share, 2), build=built, mix=args.mix, clients=args.clients, workers=args.workers, cache_seconds=args.cache_seconds, cpus=os.cpu_count(),
        loadavg_before=[round(x, 2) for x in load_before], loadavg_after=[round(x, 2) for x in load_after],
        when=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
