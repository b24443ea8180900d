"""The login throttle: per (username, source) and per username over all sources, with a
doubling wait; the same answer for unknown and known names; exact under parallel
attempts; one source's wait does not stop the owner elsewhere."""

import contextlib
import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from conftest import PASSWORD
from taizhang.accounts.models import LoginThrottle
from taizhang.accounts.services import login_failed
from taizhang.core.models import AuditEntry


def attempt(client, username, password, source="10.0.0.1"):
    response = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=source
    )
    return response, response.content.decode()


def test_attempts_count_down_then_wait_with_the_same_words_for_unknown_names(
    client, users, settings
):
    settings.LOGIN_MAX_FAILURES = 3
    for name in ("allowed", "nobody-here"):
        said = [attempt(client, name, "Wrong-pass-1")[1] for _ in range(3)]
        assert "用户名或密码错误，还可尝试 2 次" in said[0], name
        assert "用户名或密码错误，还可尝试 1 次" in said[1], name
        assert "尝试次数过多，请 1 分钟后再试" in said[2], name
        # Waiting: even the right password is refused, with the same words.
        response, text = attempt(client, name, PASSWORD)
        assert response.status_code == 200 and "尝试次数过多，请 1 分钟后再试" in text
    assert "_auth_user_id" not in client.session


def test_the_wait_doubles_and_is_capped_and_ends(client, users, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_BACKOFF_MINUTES = 1
    settings.LOGIN_BACKOFF_MAX_MINUTES = 4
    start = dt.datetime.now(dt.UTC)
    waits = []
    for minute in (0, 2, 5, 10, 15):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            attempt(client, "allowed", "Wrong-pass-1")
            waits.append(attempt(client, "allowed", "Wrong-pass-1")[1])
    assert "请 1 分钟后再试" in waits[0]
    assert "请 2 分钟后再试" in waits[1]
    assert "请 4 分钟后再试" in waits[2]
    assert "请 4 分钟后再试" in waits[3]  # capped
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        response, _ = attempt(client, "allowed", PASSWORD)
    assert response.status_code == 302
    assert not LoginThrottle.objects.filter(username="allowed", locked_until__isnull=False).exists()


def test_one_source_waiting_does_not_stop_the_owner_from_another(client, users, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        attempt(client, "allowed", "Wrong-pass-1", source="203.0.113.9")
    assert "尝试次数过多" in attempt(client, "allowed", PASSWORD, source="203.0.113.9")[1]
    response, _ = attempt(client, "allowed", PASSWORD, source="10.1.1.1")
    assert response.status_code == 302 and response.url == "/"


def test_distributed_guessing_waits_on_the_username_from_every_source(client, users, settings):
    settings.LOGIN_MAX_FAILURES_ALL_SOURCES = 6
    for n in range(6):
        attempt(client, "allowed", "Wrong-pass-1", source=f"198.51.100.{n}")
    response, text = attempt(client, "allowed", PASSWORD, source="10.9.9.9")
    assert response.status_code == 200 and "尝试次数过多" in text


def test_success_starts_the_count_over(client, users, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        attempt(client, "allowed", "Wrong-pass-1")
    assert attempt(client, "allowed", PASSWORD)[0].status_code == 302
    client.post(reverse("logout"))
    text = attempt(client, "allowed", "Wrong-pass-1")[1]
    assert f"还可尝试 {settings.LOGIN_MAX_FAILURES - 1} 次" in text


def test_failures_for_unknown_names_are_audited_with_the_name_truncated(client, users):
    long_name = "x" * 40 + "Secret-typed-here-1"
    attempt(client, long_name, "Wrong-pass-1", source="192.0.2.7")
    entry = AuditEntry.objects.get(action="login", object_key="xxx…")
    assert entry.after["source"] == "192.0.2.7" and entry.after["result"] == "密码错误"
    attempt(client, "allowed", "Wrong-pass-1")  # a known name is recorded whole
    assert AuditEntry.objects.filter(action="login", object_key="allowed").exists()


def test_the_source_behind_trusted_proxies(client, users, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(
            reverse("login"),
            {"username": "allowed", "password": "Wrong-pass-1"},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50",
        )
    assert LoginThrottle.objects.filter(username="allowed", source="203.0.113.50").exists()
    # Another client behind the same proxy is not held up.
    response = client.post(
        reverse("login"),
        {"username": "allowed", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert response.status_code == 302


def test_a_security_administrator_lifts_a_wait(client, users, district, settings):
    from taizhang.accounts.services import user_create

    security = user_create(
        actor=None, username="sec", password=PASSWORD, role="security", org=district.orgs["QSH"]
    )
    for _ in range(settings.LOGIN_MAX_FAILURES):
        attempt(client, "allowed", "Wrong-pass-1")
    client.force_login(users.admin)
    assert client.get(reverse("security")).status_code == 403  # not the system administrator
    client.force_login(security)
    page = client.get(reverse("security")).content.decode()
    assert "allowed" in page and "10.0.0.1" in page
    client.post(reverse("security-unlock"), {"username": "allowed"})
    assert AuditEntry.objects.filter(
        action="accounts.throttle.cleared", object_key="allowed", actor=security
    ).exists()
    client.logout()
    assert attempt(client, "allowed", PASSWORD)[0].status_code == 302


@pytest.mark.django_db(transaction=True)
def test_parallel_failures_are_each_counted(users, settings):
    settings.LOGIN_MAX_FAILURES = 1000
    settings.LOGIN_MAX_FAILURES_ALL_SOURCES = 1000
    threads, per_thread, errors = 6, 5, []
    # The race is PostgreSQL's (row locks under READ COMMITTED). The suite's in-memory
    # SQLite database shares one cache between threads and answers "table is locked"
    # instead of waiting, so there the threads take turns (a SQLite file serializes
    # writers itself: transaction_mode IMMEDIATE).
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def guess(n):
        try:
            for _ in range(per_thread):
                with turns:
                    login_failed(username="allowed", source=f"10.0.0.{n % 2}")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=guess, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    counts = dict(
        LoginThrottle.objects.filter(username="allowed").values_list("source", "failures")
    )
    half = threads // 2 * per_thread
    assert counts == {"10.0.0.0": half, "10.0.0.1": half, "*": threads * per_thread}
    assert AuditEntry.objects.filter(action="login", object_key="allowed").count() == 30


def test_counters_nobody_touched_for_a_day_are_dropped(client, users):
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        attempt(client, "guessed-name", "Wrong-pass-1")
    assert LoginThrottle.objects.filter(username="guessed-name").count() == 2
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        assert attempt(client, "allowed", PASSWORD)[0].status_code == 302
    assert not LoginThrottle.objects.filter(username="guessed-name").exists()
