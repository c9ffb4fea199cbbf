"""The benchmark behind `make bench`: Brugwijzer at Flanders scale, served by gunicorn on loopback.

1. Two PostgreSQL databases, made once and reused (bench/generate.py): brugwijzer_bench_small
   (3,000 offers) and brugwijzer_bench (30,000 offers), same schools, organisations and places.
2. For each: the SQL queries per request (bench/probe.py, in-process). Then gunicorn with DEBUG
   off for both at once, and the sequential latency of every endpoint (p50/p95 after a warm-up),
   one request at a time from a plain HTTP client, in passes over every endpoint of both sizes
   (`latencies`: a drift of the machine's speed then shows in the floor and both sizes alike).
3. On the large database: throughput with wrk, per endpoint at light load and for the mix of all
   endpoints at saturation, counting non-2xx answers and socket errors.
4. The table goes to docs/performance.md, with the targets and whether each is met.

Always exits 0 when it could measure: a missed target is marked FAIL in the table and on stdout.
Settings for the server: SECURE_SSL_REDIRECT=0 (plain HTTP on loopback; the switch exists in
portal/settings.py) and BRUGWIJZER_REQUIRE_2FA=0 (the bench accounts have no authenticator;
with it on, the check costs one query per five minutes per session).
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
BASE_DIR = BENCH.parent
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432"
DATABASES = [("small", "brugwijzer_bench_small", 0.1), ("large", "brugwijzer_bench", 1.0)]
OUTPUT = BASE_DIR / "docs" / "performance.md"

CACHE_TABLE = "brugwijzer_bench_cache"
NOTES_MARKER = "<!-- Notes below this line are written by hand; bench/run.py keeps them. -->"
LATENCY_LIMIT_MS = 100
FLOOR_FACTOR = 5
GROWTH_FACTOR = 1.5
SATURATION_MINIMUM = 100
ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "brugwijzer-bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "BRUGWIJZER_REQUIRE_2FA": "0",
    "CONN_MAX_AGE": "60",
    # Several workers share one cache, as docs/deployment.md has it: the database's, so that the
    # benchmark needs nothing but PostgreSQL. With a cache per worker, each would compute the
    # dashboard's numbers itself after every change.
    "CACHE_URL": f"dbcache://{CACHE_TABLE}",
    "LOG_LEVEL": "ERROR",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
}


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def env_for(database: str) -> dict:
    return {**os.environ, **ENV, "DATABASE_URL": f"{PG}/{database}"}


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def manage(database: str, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env_for(database), check=True)


def prepare(database: str, scale: float) -> None:
    """Make the database unless it already holds the data for this scale (its comment says so)."""
    sys.path.insert(0, str(BENCH))
    from generate import marker

    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"
    if exists:
        comment = psql(f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{database}'")
        if comment == marker(scale):
            manage(database, "migrate", "--no-input", "-v0")  # new migrations (indexes) apply to old data
            manage(database, "createcachetable")
            psql(f'TRUNCATE "{CACHE_TABLE}"', database)  # nothing cached by an earlier run (or version of the code)
            say(f"{database}: reusing ({comment})")
            return
        say(f"{database}: holds something else ({comment or 'no marker'}), recreating")
        psql(f'DROP DATABASE "{database}"')
    psql(f'CREATE DATABASE "{database}"')
    started = time.monotonic()
    manage(database, "migrate", "--no-input", "-v0")
    manage(database, "load_reference_data")
    manage(database, "createcachetable")
    subprocess.run([PYTHON, str(BENCH / "generate.py"), "--scale", str(scale)], env=env_for(database), check=True)
    say(f"{database}: generated in {time.monotonic() - started:.0f} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving portal.wsgi on 127.0.0.1, stopped on exit."""

    def __init__(self, database: str, workers: int):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--backlog",
                "2048",
            ],
            cwd=BASE_DIR,
            env=env_for(database),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the workers too
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {self.log.name}")
            try:
                if request(self.port, "/healthz", {})[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop(keep_log=True)
        raise SystemExit(f"gunicorn did not answer within 60 s; see {self.log.name}")

    def stop(self, keep_log: bool = False) -> None:
        """Stop the master, then any worker still busy with a long request (same process group)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()
        if not keep_log:
            Path(self.log.name).unlink(missing_ok=True)


def request(port: int, path: str, headers: dict, timeout: float = 120) -> tuple[int, float]:
    """(status, seconds) of one GET on a new connection, body read to the end."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, time.perf_counter() - started


def headers_for(item: dict, sessions: dict) -> dict:
    headers = {"Accept-Language": "nl-BE", **item.get("headers", {})}
    if item.get("user"):
        headers["Cookie"] = f"sessionid={sessions[str(item['user'])]}"
    return headers


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def latencies(servers: dict, plan: dict, *, count: int, warmup: int, budget: float, passes: int) -> dict:
    """Sequential requests, one at a time, for every database and endpoint: label → name → row.

    The machine's speed drifts (on a shared VM by a third within minutes), so the requests are not
    made endpoint after endpoint, database after database: each of `passes` passes makes a block of
    about count/passes requests to every endpoint of both databases in turn. A drift then shows up
    in the floor and in both sizes alike, not in one endpoint's or one size's numbers. Before the
    passes, up to `warmup` unmeasured requests per endpoint. Each endpoint has `budget` seconds in
    all, spread over the passes (at least one request per pass). An item with `bump` has the data
    version advanced before each request (outside the measured time)."""
    passes = max(5, passes)
    block = max(1, -(-count // passes))
    runs = []
    for label, (items, sessions, database) in plan.items():
        for item in items:
            before = _bumper(database) if item.get("bump") else (lambda: None)
            runs.append((label, item, headers_for(item, sessions), before))
    for label, item, headers, before in runs:
        warm_until = time.monotonic() + budget / 3
        for index in range(warmup):
            if index and time.monotonic() > warm_until:
                break
            before()
            request(servers[label].port, item["path"], headers)
    times = {(label, item["name"]): [] for label, item, _h, _b in runs}
    errors = dict.fromkeys(times, 0)
    for _pass in range(passes):
        for label, item, headers, before in runs:
            measured = times[(label, item["name"])]
            deadline = time.monotonic() + budget / passes
            done = 0
            while done < block and len(measured) < count and (done == 0 or time.monotonic() < deadline):
                before()
                status, seconds = request(servers[label].port, item["path"], headers)
                errors[(label, item["name"])] += status != 200
                measured.append(seconds * 1000)
                done += 1
    rows: dict = {label: {} for label in plan}
    for (label, name), values in times.items():
        rows[label][name] = {
            "n": len(values),
            "p50": statistics.median(values),
            "p95": percentile(values, 0.95),
            "errors": errors[(label, name)],
        }
    return rows


def _bumper(database: str):
    """A function that advances bridge.data_version, as any change to the data behind it does."""
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=database)
    connection.autocommit = True
    cursor = connection.cursor()
    return lambda: cursor.execute("SELECT nextval('bridge_data_version')")


# --- wrk ------------------------------------------------------------------------------------------

LUA = """
local requests = {%s}
local i = 0
request = function()
  i = i %% #requests + 1
  local r = requests[i]
  return wrk.format("GET", r[1], r[2])
end
"""


def lua_script(items: list[dict], sessions: dict) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    entries = []
    for item in items:
        headers = ", ".join(f"[{quote(k)}] = {quote(v)}" for k, v in headers_for(item, sessions).items())
        entries.append(f"{{{quote(item['path'])}, {{{headers}}}}}")
    path = Path(tempfile.mkstemp(prefix="bench-", suffix=".lua")[1])
    path.write_text(LUA % ", ".join(entries))
    return str(path)


def wrk(port: int, items: list[dict], sessions: dict, *, connections: int, seconds: int) -> dict:
    script = lua_script(items, sessions)
    threads = max(1, min(2, connections))
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "--latency",
            "-s",
            script,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(script).unlink()
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    socket_errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        socket_errors = sum(int(value) for value in m.groups())
    p99 = m.group(1) if (m := re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE)) else "?"
    return {"rps": rps, "requests": total, "non2xx": non2xx, "socket_errors": socket_errors, "p99": p99}


def drain(port: int, settle: float = 3, limit: float = 240) -> None:
    """Let the requests a wrk run left behind finish (wrk stops at its deadline, not the requests
    it started): wait until the server answers a health check quickly, then a few seconds more."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if request(port, "/healthz", {}, timeout=limit)[1] < 0.5:
                break
        except OSError:
            pass
        time.sleep(1)
    time.sleep(settle)


def ensure_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    say("wrk is not installed: no throughput numbers (apt-get install wrk; make bench installs it as root)")
    return False


# --- the report -----------------------------------------------------------------------------------


def machine(load_at_start: tuple[float, float, float]) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ", load average at start {:.2f} {:.2f} {:.2f}".format(*load_at_start)
    return f"{os.cpu_count()} cores ({cpu}){memory}{load}"


def versions() -> str:
    import django
    import gunicorn

    postgres = psql("SHOW server_version")
    wrk_version = ""
    if shutil.which("wrk"):
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, gunicorn {gunicorn.__version__}, "
        f"PostgreSQL {postgres}{', ' + wrk_version if wrk_version else ''}"
    )


def mark(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def report(
    results: dict, args, started: datetime.datetime, workers: int, load_at_start: tuple[float, float, float]
) -> tuple[str, list[str]]:
    small, large = results["small"], results["large"]
    floor_p95 = large["latency"]["floor"]["p95"]
    failures: list[str] = []
    lines = [
        "# Performance at Flanders scale",
        "",
        "Measured by `make bench` (bench/run.py, see bench/README.md); the next run overwrites this file.",
        "",
        f"- Run: {started:%Y-%m-%d %H:%M} UTC, {args.requests} sequential requests per endpoint after "
        f"up to {args.warmup} warm-up requests (fewer when an endpoint exceeds its {args.budget:g} s budget; "
        f"n says how many were measured), in {max(5, args.passes)} passes that each take a block of every "
        "endpoint at both sizes in turn, so that a drift in the machine's speed shows in all of them alike.",
        f"- Machine: {machine(load_at_start)}.",
        f"- Software: {versions()}.",
        f"- Server: gunicorn, {workers} sync workers on 127.0.0.1 for each database, DEBUG off, CONN_MAX_AGE=60, "
        "one cache shared by the workers (in the database, `dbcache://`); the client runs on the same machine.",
        f"- Data: large = {large['offers']:,} offers ({large['public_offers']:,} public), {large['needs']:,} needs; "
        f"small = {small['offers']:,} offers, {small['needs']:,} needs; both 3,900 schools, 2,500 organisations, "
        "3,585 locations, every municipality (bench/generate.py).",
        "",
        "## Latency at light load (one request at a time)",
        "",
        f"Targets: p95 at most {FLOOR_FACTOR}× the floor's p95 and under {LATENCY_LIMIT_MS} ms (large); "
        f"p95 at 30,000 offers at most {GROWTH_FACTOR}× p95 at 3,000 offers; the same number of queries at both.",
        "",
        "| Endpoint | p50 small | p95 small | p50 large | p95 large | n | × floor | large/small "
        "| queries small / large | latency | growth | queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for item in large["endpoints"]:
        name = item["name"]
        s, la = small["latency"][name], large["latency"][name]
        q_small = next(i["queries"] for i in small["endpoints"] if i["name"] == name)
        q_large = item["queries"]
        factor = la["p95"] / floor_p95 if floor_p95 else 0
        growth = la["p95"] / s["p95"] if s["p95"] else 0
        ok_latency = la["p95"] < LATENCY_LIMIT_MS and (name == "floor" or factor <= FLOOR_FACTOR)
        ok_growth = growth <= GROWTH_FACTOR
        ok_queries = q_small == q_large
        ok_status = la["errors"] == 0 and s["errors"] == 0
        for ok, what in (
            (ok_latency, "latency"),
            (ok_growth, "growth"),
            (ok_queries, "queries"),
            (ok_status, "errors"),
        ):
            if not ok:
                failures.append(f"{name}: {what}")
        lines.append(
            f"| {item['label']} `{item['path'].split('?')[0]}` | {s['p50']:.1f} | {s['p95']:.1f} | {la['p50']:.1f} "
            f"| {la['p95']:.1f} | {la['n']} | {factor:.1f} | {growth:.2f} | {q_small} / {q_large} "
            f"| {mark(ok_latency)}{'' if ok_status else ' (errors!)'} | {mark(ok_growth)} | {mark(ok_queries)} |"
        )
    lines += ["", "Times in milliseconds. Requests:", ""]
    lines += [f"- {item['name']}: `GET {item['path']}`" for item in large["endpoints"]]
    if "load" in large:
        lines += [
            "",
            "## Throughput (large database, wrk)",
            "",
            "Socket errors include wrk's 60 s timeouts. The saturation run passes with no errors and at least "
            f"{SATURATION_MINIMUM} answers.",
            "",
            "| Load | Connections | Requests/s | Requests | p99 | non-2xx | socket errors | no errors |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for label, row in large["load"]:
            ok = row["non2xx"] == 0 and row["socket_errors"] == 0
            if "saturation" in label:
                # A run in which hardly anything finished says nothing about errors: that fails too.
                ok = ok and row["requests"] >= SATURATION_MINIMUM
                if not ok:
                    failures.append(f"{label}: errors, or fewer than {SATURATION_MINIMUM} requests answered")
            verdict = mark(ok) if row["requests"] else "none answered in time"
            lines.append(
                f"| {label} | {row['connections']} | {row['rps']:.1f} | {row['requests']} | {row['p99']} "
                f"| {row['non2xx']} | {row['socket_errors']} | {verdict} |"
            )
    lines += ["", "## Result", ""]
    lines += [f"- FAIL: {failure}" for failure in failures] or ["- Every target met."]
    return "\n".join(lines) + "\n", failures


def main() -> int:
    parser = argparse.ArgumentParser(description="Brugwijzer at Flanders scale (writes docs/performance.md).")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per endpoint")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--budget", type=float, default=30, help="seconds per endpoint for the sequential run")
    parser.add_argument("--passes", type=int, default=10, help="passes over all endpoints of both sizes (at least 5)")
    parser.add_argument("--load-seconds", type=int, default=8, help="wrk duration per light-load run")
    parser.add_argument("--saturation-seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default 2 × cores + 1)")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args()
    # Stopped from outside (kill, make interrupted): still stop gunicorn, in the finally below.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    started = datetime.datetime.now(datetime.UTC)
    load_at_start = os.getloadavg()
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    for _label, database, scale in DATABASES:
        prepare(database, scale)
    say("collectstatic (the manifest storage needs it with DEBUG off)")
    manage(DATABASES[0][1], "collectstatic", "--no-input", "-v0")
    has_wrk = ensure_wrk()
    results = {}
    for label, database, _scale in DATABASES:
        say(f"{database}: counting queries")
        probe = subprocess.run(
            [PYTHON, str(BENCH / "probe.py")], env=env_for(database), check=True, capture_output=True, text=True
        )
        results[label] = json.loads(probe.stdout.strip().splitlines()[-1])
        for item in results[label]["endpoints"]:
            if item["status"] != 200:
                say(f"  {label} {item['name']}: status {item['status']} in-process")
    servers = {}
    try:
        for label, database, _scale in DATABASES:
            servers[label] = Server(database, workers)
        say(f"latency: {args.passes} passes over both databases")
        plan = {
            label: (results[label]["endpoints"], results[label]["sessions"], database)
            for label, database, _s in DATABASES
        }
        rows = latencies(servers, plan, count=args.requests, warmup=args.warmup, budget=args.budget, passes=args.passes)
        for label, _database, _scale in DATABASES:
            data = results[label]
            data["latency"] = rows[label]
            for item in data["endpoints"]:
                row = rows[label][item["name"]]
                say(
                    f"  {label} {item['name']:<17} p50 {row['p50']:8.1f} ms  p95 {row['p95']:8.1f} ms  "
                    f"n={row['n']}  queries={item['queries']}  errors={row['errors']}"
                )
        for label, _database, _scale in DATABASES:
            if label != "large":
                servers.pop(label).stop()  # wrk runs against the large database alone
        if has_wrk:
            data, server = results["large"], servers["large"]
            data["load"] = []
            # The dashboard only in the last run: its slow requests outlive a run and would hold
            # workers in the next (its light-load numbers are the sequential ones above). The mix
            # without it shows how the other pages hold up whatever the dashboard does.
            # An item that bumps the data version between requests cannot run under wrk: its
            # numbers are the sequential ones.
            steady = [item for item in data["endpoints"] if not item.get("bump")]
            others = [item for item in steady if item["name"] != "dashboard"]
            runs = [(f"light load: {item['name']}", [item], 4, args.load_seconds) for item in others]
            runs.append(("saturation: all but the dashboard", others, 64, args.saturation_seconds))
            runs.append(("saturation: all endpoints in turn", steady, 64, args.saturation_seconds))
            for run_label, items, connections, seconds in runs:
                drain(server.port)
                row = wrk(server.port, items, data["sessions"], connections=connections, seconds=seconds)
                row["connections"] = connections
                data["load"].append((run_label, row))
                say(
                    f"  wrk {run_label:<40} c={connections:<3} {row['rps']:7.1f} req/s  "
                    f"non-2xx={row['non2xx']} socket errors={row['socket_errors']}"
                )
    finally:
        for server in servers.values():
            server.stop()
    text, failures = report(results, args, started, workers, load_at_start)
    output = Path(args.output)
    previous = output.read_text() if output.exists() else ""
    if NOTES_MARKER in previous:  # the notes written by hand below the table survive a new run
        text += "\n" + previous[previous.index(NOTES_MARKER) :]
    output.write_text(text)
    say(f"wrote {args.output}")
    print(text)
    if failures:
        say(f"{len(failures)} target(s) missed: " + "; ".join(failures))
    else:
        say("every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
