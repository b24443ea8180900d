"""Two `taizhang serve` processes of the same user run side by side: each keeps its own
gunicorn control socket, and stopping one leaves the other serving and controllable."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return r.status == 200
        except OSError:
            time.sleep(0.2)  # polling a starting server, not hiding a race
    return False


def _appears(path, deadline: float) -> bool:
    while time.monotonic() < deadline and not path.exists():
        time.sleep(0.1)
    return path.exists()


def test_two_servers_keep_their_own_control_sockets(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TAIZHANG_DATABASE_URL"}
    env.update(
        TAIZHANG_HOME=str(tmp_path),
        TAIZHANG_WORKERS="1",
        TAIZHANG_ACCESS_LOG=str(tmp_path / "access.log"),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "taizhang", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        # Two servers importing the whole site at once on a busy two-core machine.
        deadline = time.monotonic() + 60
        assert all(_healthy(port, deadline) for port in ports)
        sockets = [tmp_path / "run" / f"gunicorn-127.0.0.1-{port}.ctl" for port in ports]
        # The arbiter opens its control socket once it serves: wait for both.
        assert all(_appears(path, deadline) for path in sockets)
        servers[0].send_signal(signal.SIGTERM)
        servers[0].wait(timeout=30)
        assert not sockets[0].exists()
        assert sockets[1].exists() and _healthy(ports[1], time.monotonic() + 5)
    finally:
        for server in servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
