"""Load benchmark of issue #6: the 50-row people list under concurrent connections.

    .venv/bin/python bench/load.py [--duration 10] [--connections 4] [--postgres] [--markdown]

Builds the demo district in a temporary TAIZHANG_HOME (SQLite, or with --postgres a
throw-away PostgreSQL server started like scripts/with-postgres.sh), serves it with
`taizhang serve` on 127.0.0.1 and drives it with wrk when installed, else with the Python
load generator below. /healthz is measured in the same run: on a shared, noisy machine
the ratio of a list's requests/s to /healthz is what carries over between runs.
Nothing is ANALYZEd: the lists are measured right after the bulk load, as users meet them.

Exit status: 0 measured (targets met or not: they are reported, not asserted),
1 some answers were not 200, 2 the benchmark could not run."""

import argparse
import contextlib
import glob
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAIZHANG = ROOT / ".venv" / "bin" / "taizhang"
HOST = "127.0.0.1"
PASSWORD = "Bench2024load"
# key: (username, role, org). The district office sees all 30,000 people, the 党支部 27.
USERS = {
    "district": ("bench-district", "office", "QSH"),
    "branch": ("bench-branch", "org_admin", "QSH-01-Z01-01"),
}
PAGE = "/ledgers/people/?page_size=50"
API = "/api/v1/people/?page_size=50"
TARGET_RATE = 150  # requests/s for each list
TARGET_P99_MS = 100
# "A branch user's at least as fast": compared with this slack, or noise decides it.
NOISE = 0.05
# Below this /healthz rate the Python generator, not the server, may be what is measured.
GENERATOR_FLOOR = 300
REQUEST_TIMEOUT = 30  # seconds, any single HTTP request
# Tables of the people list whose planner statistics matter on PostgreSQL.
PG_TABLES = ("orgs_person", "orgs_organization")


class BenchError(Exception):
    """A step failed; its message is shown instead of a traceback."""


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def tail(text: str | bytes, lines: int = 20) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join(text.strip().splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(command: list, what: str, timeout: float, env=None, capture=True) -> str:
    """Run a command to completion; a failure or a hang becomes a BenchError."""
    try:
        done = subprocess.run(
            [str(part) for part in command],
            env=env,
            timeout=timeout,
            text=True,
            # pg_ctl's server outlives it: give it no pipe to hold open.
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what} did not finish within {timeout:.0f} s") from None
    except OSError as error:
        raise BenchError(f"{what} could not start: {error}") from None
    if done.returncode != 0:
        output = tail((done.stderr or "") + (done.stdout or "")) if capture else ""
        raise BenchError(f"{what} failed (exit {done.returncode})\n{output}".rstrip())
    return done.stdout or ""


# --- PostgreSQL ---------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """A PostgreSQL program from PATH, else from Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    if not candidates:
        raise BenchError(f"{name} not found: install PostgreSQL (scripts/system-deps.sh)")
    return max(candidates, key=lambda p: [int(n) for n in re.findall(r"\d+", p)])


@dataclass
class Postgres:
    url: str
    psql: list
    data: Path

    @property
    def postmaster(self) -> int | None:
        """The server's pid (first line of postmaster.pid); its children are the backends."""
        with contextlib.suppress(OSError, ValueError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return None

    def query(self, sql: str) -> list[list[str]]:
        out = run([*self.psql, "-At", "-F", "\t", "-c", sql], "psql", timeout=30)
        return [line.split("\t") for line in out.splitlines() if line]

    def analyzed_at(self) -> dict[str, float | None]:
        """Epoch seconds each table in PG_TABLES last got planner statistics, or None."""
        names = ", ".join(f"'{t}'" for t in PG_TABLES)
        rows = self.query(
            "SELECT relname, extract(epoch FROM greatest(last_analyze, last_autoanalyze))"
            f" FROM pg_stat_user_tables WHERE relname IN ({names})"
        )
        found = {name: float(at) if at else None for name, at in rows}
        return {t: found.get(t) for t in PG_TABLES}


@contextlib.contextmanager
def postgres():
    """A server in a temp dir on 127.0.0.1, as scripts/with-postgres.sh starts it."""
    # PostgreSQL refuses to run as root: its programs then run as the postgres user.
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    initdb, pg_ctl, psql = pg_tool("initdb"), pg_tool("pg_ctl"), pg_tool("psql")
    workdir = Path(tempfile.mkdtemp(prefix="taizhang-pg-"))
    data, port = workdir / "data", free_port()
    try:
        workdir.chmod(0o755)
        if as_pg:
            shutil.chown(workdir, user="postgres")
        log(f"PostgreSQL: initdb in {workdir}")
        run(
            [*as_pg, initdb, "-D", data, "-U", "postgres", "--auth=trust"]
            + ["--encoding=UTF8", "--locale=C.UTF-8"],
            "initdb",
            timeout=120,
        )
        options = (
            f"-p {port} -k {workdir} -c listen_addresses={HOST}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        try:
            run(
                [*as_pg, pg_ctl, "-D", data, "-l", workdir / "log", "-w", "-t", "60"]
                + ["-o", options, "start"],
                "pg_ctl start",
                timeout=90,
                capture=False,
            )
        except BenchError as error:
            log_text = (
                (workdir / "log").read_text(errors="replace") if (workdir / "log").exists() else ""
            )
            raise BenchError(f"{error}\n{tail(log_text)}") from None
        client = [*as_pg, psql, "-q", "-h", HOST, "-p", str(port), "-U", "postgres"]
        run([*client, "-c", "CREATE DATABASE taizhang"], "CREATE DATABASE", timeout=30)
        version = run([*client, "-At", "-c", "SHOW server_version"], "psql", timeout=30)
        log(f"PostgreSQL {version.strip()} on {HOST}:{port}")
        yield Postgres(
            url=f"postgresql://postgres@{HOST}:{port}/taizhang",
            psql=[*client, "-d", "taizhang"],
            data=data,
        )
    finally:
        if (data / "postmaster.pid").exists():
            stop_postgres(as_pg, pg_ctl, data)
        shutil.rmtree(workdir, ignore_errors=True)


def stop_postgres(as_pg: list, pg_ctl: str, data: Path) -> None:
    for mode in ("fast", "immediate"):
        try:
            run([*as_pg, pg_ctl, "-D", data, "-m", mode, "-t", "30", "stop"], "pg_ctl stop", 45)
            log("PostgreSQL stopped")
            return
        except BenchError as error:
            log(f"{error}; trying again")
    log(f"PostgreSQL in {data} may still be running: stop it by hand")


# --- the site -------------------------------------------------------------------------


def site_env(home: Path, database_url: str | None) -> dict:
    """This process's environment without any TAIZHANG_* setting of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["TAIZHANG_HOME"] = str(home)
    if database_url:
        env["TAIZHANG_DATABASE_URL"] = database_url
    return env


def taizhang(env: dict, *args: str, timeout: float, password: str | None = None) -> str:
    if password:
        env = {**env, "TAIZHANG_PASSWORD": password}
    return run([TAIZHANG, *args], f"`taizhang {' '.join(args)}`", timeout, env=env)


def build_demo(env: dict) -> float:
    """init + demo, as a user would; returns the seconds `taizhang demo` took."""
    log("taizhang init")
    taizhang(env, "init", timeout=300)
    log("taizhang demo")
    start = time.perf_counter()
    taizhang(env, "demo", timeout=900)
    return time.perf_counter() - start


def create_users(env: dict) -> dict[str, str]:
    """The two users of USERS; returns an API token per key."""
    tokens = {}
    for key, (name, role, org) in USERS.items():
        taizhang(
            env, "createuser", name, "--role", role, "--org", org, timeout=60, password=PASSWORD
        )
        tokens[key] = taizhang(env, "token", name, timeout=60).strip().splitlines()[-1]
    return tokens


@contextlib.contextmanager
def serving(env: dict, port: int, workers: int, log_path: Path):
    """`taizhang serve` in its own process group (gunicorn master + workers)."""
    command = [TAIZHANG, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    with open(log_path, "wb") as server_log:
        # Access log and errors go to a file: a pipe nobody reads would stall the server.
        server = subprocess.Popen(
            command, env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_healthy(server, port, log_path, timeout=60)
        log(f"taizhang serve on {HOST}:{port}, {workers} workers: pids {worker_pids(server.pid)}")
        yield server
    finally:
        stop_group(server)


def wait_healthy(server: subprocess.Popen, port: int, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(
                f"taizhang serve exited ({server.returncode}):\n{tail(log_path.read_bytes())}"
            )
        with contextlib.suppress(OSError, http.client.HTTPException):
            if fetch(port, "GET", "/healthz", timeout=2)[0] == 200:
                return
        time.sleep(0.2)
    raise BenchError(
        f"/healthz did not answer 200 within {timeout:.0f} s:\n{tail(log_path.read_bytes())}"
    )


def stop_group(server: subprocess.Popen) -> None:
    """SIGTERM (gunicorn's graceful stop) to master and workers, SIGKILL if they hang."""
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        try:
            server.wait(grace)
            log("taizhang serve stopped")
            return
        except subprocess.TimeoutExpired:
            log(f"taizhang serve still running {grace} s after {sig.name}")
    log(f"could not stop taizhang serve (process group {server.pid})")


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers are the direct children of `taizhang serve`."""
    return children(master)


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process still running."""
    ticks, seconds = os.sysconf("SC_CLK_TCK"), {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


@dataclass
class Probe:
    """CPU spent by the server's workers and by PostgreSQL: where a window's time went."""

    workers: list[int]
    postmaster: int | None = None

    def sample(self) -> tuple[dict[int, float], dict[int, float]]:
        db = cpu_by_pid([self.postmaster, *children(self.postmaster)]) if self.postmaster else {}
        return cpu_by_pid(self.workers), db

    @staticmethod
    def spent(before, after) -> tuple[list[float], float | None]:
        """CPU seconds per worker, and of PostgreSQL (None on SQLite), between samples."""
        (workers0, db0), (workers1, db1) = before, after
        workers = [workers1.get(pid, 0.0) - workers0.get(pid, 0.0) for pid in workers0]
        # A backend that ended inside the window is missed: at worst an underestimate.
        db = sum(s - db0.get(pid, 0.0) for pid, s in db1.items()) if db1 else None
        return workers, db


# --- HTTP ------------------------------------------------------------------------------


def fetch(port: int, method: str, path: str, headers=None, body=None, timeout=REQUEST_TIMEOUT):
    """One request on a fresh connection: (status, headers, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def set_cookies(headers) -> dict[str, str]:
    jar = {}
    for line in headers.get_all("Set-Cookie") or []:
        name, _, rest = line.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items() if value)


def log_in(port: int, username: str) -> str:
    """Log in through the login form as a browser does; returns its Cookie header."""
    status, headers, body = fetch(port, "GET", "/login/")
    jar = set_cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or "csrftoken" not in jar or not token:
        raise BenchError(f"GET /login/ answered {status} without a CSRF cookie and token")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token[1].decode(), "username": username, "password": PASSWORD}
    )
    form_headers = {
        "Cookie": cookie_header(jar),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    status, headers, body = fetch(port, "POST", "/login/", form_headers, form)
    jar.update(set_cookies(headers))  # login rotates the CSRF token
    if status != 302 or not jar.get("sessionid"):
        raise BenchError(f"logging in as {username} failed: POST /login/ answered {status}")
    # A session's first request records when it was last seen (a session write): make
    # it now rather than inside the measurement.
    status, headers, _ = fetch(port, "GET", "/", {"Cookie": cookie_header(jar)})
    jar.update(set_cookies(headers))
    if status != 200:
        raise BenchError(f"GET / as {username} answered {status} right after logging in")
    return cookie_header(jar)


def expect_200(port: int, path: str, headers: dict) -> bytes:
    """The request works before it is measured: a 302 to /login/ is no benchmark."""
    status, response_headers, body = fetch(port, "GET", path, headers)
    if status != 200:
        where = response_headers.get("Location", "")
        raise BenchError(f"GET {path} answered {status} {where}, not 200:\n{tail(body, 5)}")
    return body


# --- load generators ----------------------------------------------------------------------


@dataclass
class Load:
    """What one target did during the measured window."""

    requests: int
    seconds: float
    p50: float  # ms
    p99: float  # ms
    failures: Counter = field(default_factory=Counter)  # status or error -> count
    client_cpu: float = 0.0  # CPU seconds of the load generator
    worker_cpu: list[float] = field(default_factory=list)  # CPU seconds per server worker
    db_cpu: float | None = None  # CPU seconds of PostgreSQL (None on SQLite)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return sum(self.failures.values())


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def connection_loop(port, path, headers, start, window, latencies, failures) -> None:
    """One keep-alive connection sending `path` back to back until the window ends."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    begin, end = window
    time.sleep(max(0.0, start - time.perf_counter()))
    try:
        while (sent := time.perf_counter()) < end:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()  # the next request opens a new connection
                status = type(error).__name__
            done = time.perf_counter()
            # Requests finishing in the window count: steady state, warm-up excluded.
            if begin <= done <= end:
                latencies.append((done - sent) * 1000)
                if status != 200:
                    failures[status] += 1
    finally:
        connection.close()


def python_load(port, path, headers, connections, duration, warmup, probe: Probe) -> Load:
    """N threads, each a persistent http.client connection, after a warm-up."""
    start = time.perf_counter() + 0.2  # every thread starts at once
    window = (start + warmup, start + warmup + duration)
    shares = [([], Counter()) for _ in range(connections)]
    threads = [
        threading.Thread(
            target=connection_loop, args=(port, path, headers, start, window, *share), daemon=True
        )
        for share in shares
    ]
    for thread in threads:
        thread.start()
    # The main thread samples CPU at the edges of the measured window.
    time.sleep(max(0.0, window[0] - time.perf_counter()))
    client0, server0 = time.process_time(), probe.sample()
    time.sleep(max(0.0, window[1] - time.perf_counter()))
    client1, server1 = time.process_time(), probe.sample()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT + 5)
    if any(thread.is_alive() for thread in threads):
        raise BenchError(f"GET {path}: a request hung for over {REQUEST_TIMEOUT} s")
    latencies = sorted(ms for share in shares for ms in share[0])
    worker_cpu, db_cpu = Probe.spent(server0, server1)
    return Load(
        requests=len(latencies),
        seconds=duration,
        p50=percentile(latencies, 50),
        p99=percentile(latencies, 99),
        failures=sum((share[1] for share in shares), Counter()),
        client_cpu=client1 - client0,
        worker_cpu=worker_cpu,
        db_cpu=db_cpu,
    )


# wrk counts only 4xx/5xx as errors; a lost session answers 302 to the login page, so
# every answer but 200 is counted here. Figures are printed exactly, in microseconds.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non200 = 0 end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("non200") end
  local e = summary.errors
  io.write(string.format(
    "LOAD requests=%.0f duration_us=%.0f p50_us=%.0f p99_us=%.0f non200=%.0f socket=%.0f\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    bad, e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_load(port, path, headers, connections, duration, warmup, probe, script: Path) -> Load:
    """wrk: a warm-up run, then the measured run with --latency and WRK_SCRIPT."""
    url = f"http://{HOST}:{port}{path}"
    base = ["wrk", "-t", str(min(connections, os.cpu_count() or 1)), "-c", str(connections)]
    base += ["--timeout", f"{REQUEST_TIMEOUT}s"]
    for name, value in headers.items():
        base += ["-H", f"{name}: {value}"]
    if warmup > 0:
        run([*base, "-d", f"{warmup}s", url], "wrk warm-up", timeout=warmup + 60)
    children0, server0 = resource.getrusage(resource.RUSAGE_CHILDREN), probe.sample()
    out = run([*base, "-d", f"{duration}s", "--latency", "-s", script, url], "wrk", duration + 60)
    children1, server1 = resource.getrusage(resource.RUSAGE_CHILDREN), probe.sample()
    found = re.search(r"^LOAD (.*)$", out, re.M)
    if not found:
        raise BenchError(f"unexpected wrk output:\n{tail(out)}")
    figures = {k: float(v) for k, v in (pair.split("=") for pair in found[1].split())}
    worker_cpu, db_cpu = Probe.spent(server0, server1)
    failures = Counter({"not 200": int(figures["non200"]), "socket error": int(figures["socket"])})
    return Load(
        requests=int(figures["requests"]),
        seconds=figures["duration_us"] / 1e6,
        p50=figures["p50_us"] / 1000,
        p99=figures["p99_us"] / 1000,
        failures=+failures,  # drop zero counts
        client_cpu=(children1.ru_utime + children1.ru_stime)
        - (children0.ru_utime + children0.ru_stime),
        worker_cpu=worker_cpu,
        db_cpu=db_cpu,
    )


# --- the run ------------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    path: str
    headers: dict
    user: str | None = None  # a USERS key; None for /healthz, the reference
    kind: str = ""  # "page" or "API"
    load: Load | None = None
    stats: str = ""  # PostgreSQL: state of the planner statistics during the window


def targets_for(port: int, tokens: dict[str, str]) -> tuple[list[Target], dict[str, int]]:
    """/healthz and the four lists, each checked to answer 200; also rows in each scope."""
    targets, scope = [Target("/healthz", "/healthz", {})], {}
    for key, (name, role, org) in USERS.items():
        cookie = {"Cookie": log_in(port, name)}
        bearer = {"Authorization": f"Bearer {tokens[key]}"}
        who = f"{key} ({role}@{org})"
        targets.append(Target(f"{who} page", PAGE, cookie, key, "page"))
        targets.append(Target(f"{who} API", API, bearer, key, "API"))
        expect_200(port, PAGE, cookie)
        scope[key] = json.loads(expect_200(port, API, bearer))["count"]
    return targets, scope


def stats_state(before: dict, after: dict) -> str:
    """Whether PG_TABLES had planner statistics before/after a measured window."""
    if all(after.values()) and not all(before.values()):
        return "analyzed during"
    if all(after.values()):
        return "analyzed"
    return "none"


def measure(args, port: int, server_pid: int, targets: list[Target], pg, workdir: Path) -> str:
    """Loads every target in turn; returns the name of the generator used."""
    probe = Probe(worker_pids(server_pid), pg.postmaster if pg else None)
    use_wrk = args.generator == "wrk" or (args.generator == "auto" and shutil.which("wrk"))
    if use_wrk:
        script = workdir / "load.lua"
        script.write_text(WRK_SCRIPT)
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
        generator = (version.split(" [")[0] or "wrk").strip()
    else:
        generator = "Python (one thread and keep-alive http.client connection per connection)"
    log(f"load generator: {generator}")
    for target in targets:
        log(
            f"{target.label}: {args.warmup} s warm-up + {args.duration} s, {args.connections} connections"
        )
        before = pg.analyzed_at() if pg else None
        common = (port, target.path, target.headers, args.connections, args.duration, args.warmup)
        if use_wrk:
            target.load = wrk_load(*common, probe, script)
        else:
            target.load = python_load(*common, probe)
        if pg:
            target.stats = stats_state(before, pg.analyzed_at())
        load = target.load
        log(
            f"  {load.rate:.0f} req/s, p50 {load.p50:.1f} ms, p99 {load.p99:.1f} ms, errors {load.errors}"
        )
        if load.errors:
            log(f"  !!! {load.errors} answers were not 200: {dict(load.failures)}")
    return generator


def verdict(target: Target, district: dict[str, Load]) -> str:
    if target.user is None:
        return "reference"
    load, misses = target.load, []
    if load.rate < TARGET_RATE:
        misses.append(f"req/s < {TARGET_RATE}")
    if load.p99 > TARGET_P99_MS:
        misses.append(f"p99 > {TARGET_P99_MS} ms")
    if load.errors:
        misses.append("errors")
    if target.user == "branch" and load.rate < district[target.kind].rate * (1 - NOISE):
        misses.append("slower than district")
    return "yes" if not misses else "**no**: " + ", ".join(misses)


def table(targets: list[Target], postgres: bool) -> list[str]:
    healthz = targets[0].load.rate
    district = {t.kind: t.load for t in targets if t.user == "district"}
    head = "| target | req/s | p50 ms | p99 ms | errors | ratio to /healthz | meets target "
    head += "| server CPU % per worker | generator CPU % |"
    rule = "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |"
    if postgres:
        head += " PostgreSQL CPU % | planner stats |"
        rule += " ---: | --- |"
    lines = [head, rule]
    for t in targets:
        load = t.load
        cpu = " / ".join(f"{100 * s / load.seconds:.0f}" for s in load.worker_cpu)
        row = (
            f"| {t.label} `{t.path}` | {load.rate:.0f} | {load.p50:.1f} | {load.p99:.1f}"
            f" | {load.errors} | {load.rate / healthz:.2f} | {verdict(t, district)}"
            f" | {cpu} | {100 * load.client_cpu / load.seconds:.0f} |"
        )
        if postgres:
            row += f" {100 * (load.db_cpu or 0) / load.seconds:.0f} | {t.stats} |"
        lines.append(row)
    return lines


def report(args, context: dict, targets: list[Target]) -> None:
    database = context["database"]
    notes = [
        f"- Load generator: {context['generator']}; {args.connections} connections,"
        f" {args.warmup} s warm-up then {args.duration} s per target, one target at a time.",
        f"- Server: `taizhang serve` with {args.workers} workers (4 threads each) on"
        f" {database}, {os.cpu_count()} cores shared with the load generator;"
        f" load average before the run {context['loadavg']}.",
        f"- Demo built right before (`taizhang demo`: {context['demo']:.1f} s), no ANALYZE;"
        f" rows in scope: district {context['scope']['district']:,},"
        f" branch {context['scope']['branch']:,}.",
        f"- Target for each list: ≥ {TARGET_RATE} req/s and p99 ≤ {TARGET_P99_MS} ms;"
        f" branch at least as fast as district (req/s within {NOISE:.0%}).",
        "- CPU columns: % of one core over the measured window (server: per gunicorn worker,"
        " uneven when the keep-alive connections land unevenly on the workers).",
    ]
    if context["postgres"]:
        notes.append(
            "- Planner stats: whether orgs_person and orgs_organization had been analyzed"
            " (by autovacuum) before and after each window."
        )
    healthz = targets[0].load.rate
    if "Python" in context["generator"] and healthz < GENERATOR_FLOOR:
        notes.append(
            f"- **Warning**: /healthz reached only {healthz:.0f} req/s (< {GENERATOR_FLOOR}):"
            " the Python load generator may be the bottleneck."
        )
    errors = sum(t.load.errors for t in targets)
    if errors:
        notes.append(f"- **{errors} answers were not 200** (see the errors column).")
    if context.get("analyzed"):
        notes.append(f"- Planner statistics (autovacuum): {context['analyzed']}.")
    out = []
    if args.markdown:
        out += [f"## Under load ({time.strftime('%Y-%m-%d')}, {database}, `bench/load.py`)", ""]
    out += table(targets, context["postgres"]) + [""] + notes
    print("\n".join(out))


def describe_analyzed(pg: Postgres, demo_end: float) -> str:
    at = pg.analyzed_at()
    return "; ".join(
        f"{t} {'never analyzed' if a is None else f'analyzed {a - demo_end:+.0f} s after demo'}"
        for t, a in at.items()
    )


def benchmark(args, workdir: Path) -> int:
    home = workdir / "home"
    home.mkdir()
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(postgres()) if args.postgres else None
        env = site_env(home, pg.url if pg else None)
        context = {
            "postgres": bool(pg),
            "database": "PostgreSQL" if pg else "SQLite",
            "loadavg": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
        }
        context["demo"] = build_demo(env)
        demo_end = time.time()
        tokens = create_users(env)
        port = free_port()
        server = stack.enter_context(serving(env, port, args.workers, workdir / "server.log"))
        targets, context["scope"] = targets_for(port, tokens)
        context["generator"] = measure(args, port, server.pid, targets, pg, workdir)
        if pg:
            context["analyzed"] = describe_analyzed(pg, demo_end)
    report(args, context, targets)
    return 1 if any(t.load.errors for t in targets) else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="measured seconds per target")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before measuring")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="of taizhang serve")
    parser.add_argument("--postgres", action="store_true", help="on a throw-away PostgreSQL")
    parser.add_argument("--markdown", action="store_true", help="a section for docs/benchmarks.md")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()
    if args.duration < 1 or args.connections < 1 or args.warmup < 0 or args.workers < 1:
        parser.error("--duration, --connections and --workers must be ≥ 1, --warmup ≥ 0")
    if args.generator == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    return args


def main() -> int:
    args = parse_args()
    if not TAIZHANG.exists():
        print(f"{TAIZHANG} is missing: run `make install-test` first", file=sys.stderr)
        return 2

    # A SIGTERM or hang-up unwinds like Ctrl-C, so every `finally` stops what it started.
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    workdir = Path(tempfile.mkdtemp(prefix="taizhang-load-"))
    try:
        return benchmark(args, workdir)
    except BenchError as error:
        print(f"bench/load.py: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
