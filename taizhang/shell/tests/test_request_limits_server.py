"""Against the real server (`taizhang serve`, gunicorn): a request claiming a 300 MB
body with a few bytes sent is answered 413 at once and nothing reaches the temp dir —
anonymous, and signed in with an API token; a chunked body is not spooled either."""

import http.client
import json
import socket
import stat
import subprocess
import time
import urllib.request

import pytest

from .site import TAIZHANG, fresh_site

CLAIMED = 300 * 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    with fresh_site(tmp_path) as site:
        site.run("init")
        site.run("demo", "--scale", "0.02")
        token = site.run("token", "office").stdout.strip()
        port = _free_port()
        process = subprocess.Popen(
            [TAIZHANG, "serve", "--port", str(port), "--workers", "1"],
            # Its access log is a file in its home (created under the command's umask).
            env={**site.env, "TAIZHANG_ACCESS_LOG": str(site.home / "access.log")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except OSError:
                    assert process.poll() is None, process.stderr.read().decode()
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.1)
            yield port, token, site.spool, site.home / "access.log"
        finally:
            process.terminate()
            process.wait(timeout=30)


def _send(port: int, path: str, headers: dict, body: bytes) -> tuple[int, str, float]:
    """Send the headers and a few bytes of the body, never the rest; read the answer."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("POST", path)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders(message_body=body)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, text, time.monotonic() - started


MULTIPART = {"Content-Type": "multipart/form-data; boundary=----x"}


def _spooled(spool) -> list:
    return [p for p in spool.rglob("*") if p.is_file()]


def test_a_300_mb_claim_is_answered_413_at_once_and_nothing_is_spooled(server):
    port, token, spool, log = server
    part = b'------x\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK'

    status, body, seconds = _send(port, "/login/", {**MULTIPART, "Content-Length": CLAIMED}, part)
    assert (status, seconds < 5) == (413, True)
    assert "提交的内容过大" in body
    assert _spooled(spool) == []

    bearer = {"Authorization": f"Bearer {token}"}
    status, body, seconds = _send(
        port, "/api/v1/people/", {**MULTIPART, "Content-Length": CLAIMED, **bearer}, part
    )
    assert (status, seconds < 5) == (413, True)
    assert json.loads(body)["errors"][0]["message"].startswith("提交的内容过大")
    assert _spooled(spool) == []
    # The server's log is private like everything else it writes.
    assert log.exists() and stat.S_IMODE(log.stat().st_mode) == 0o600


def test_a_chunked_body_is_not_spooled(server):
    port, _, spool, _ = server
    chunk = b"x" * 100_000
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk)
    headers = {**MULTIPART, "Transfer-Encoding": "chunked"}
    status, _, seconds = _send(port, "/login/", headers, body)
    # Django reads no body without a length: the form is empty (the CSRF check refuses
    # it), or a reader past the limit is refused; either way nothing is spooled.
    assert status in (403, 413) and seconds < 5
    assert _spooled(spool) == []
