"""Login throttling: per client and per account-and-client with backoff, never a lock-out of
the account's owner (issue 16, section 5); failed logins store no typed unknown name."""

import sqlalchemy as sa
from fastapi.testclient import TestClient
from web_helpers import CSRF
from web_store import PASSWORD

from hub.access.throttle import LoginThrottle, ThrottlePolicy
from hub.web.app import create_app
from hub.web.config import WebConfig
from schemas.access import audit_log


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_spraying_many_accounts_from_one_client_is_throttled() -> None:
    clock = Clock()
    throttle = LoginThrottle(ThrottlePolicy(per_client=10), clock)
    for i in range(10):
        assert throttle.wait_seconds("10.0.0.9", f"user{i}") == 0
        throttle.failed("10.0.0.9", f"user{i}")
    assert throttle.wait_seconds("10.0.0.9", "user19") > 0
    assert throttle.wait_seconds("10.0.0.7", "user19") == 0  # another machine is not affected
    clock.now += 15 * 60
    assert throttle.wait_seconds("10.0.0.9", "user19") == 0  # the window slid on


def test_one_account_from_one_client_backs_off_exponentially() -> None:
    clock = Clock()
    throttle = LoginThrottle(ThrottlePolicy(per_client=100, free_per_pair=5, base_delay=30),
                             clock)
    for _ in range(5):
        throttle.failed("10.0.0.9", "anna")
    assert throttle.wait_seconds("10.0.0.9", "anna") == 30
    throttle.failed("10.0.0.9", "anna")
    assert throttle.wait_seconds("10.0.0.9", "anna") == 60
    assert throttle.wait_seconds("10.0.0.8", "anna") == 0  # anna at her own desk
    throttle.succeeded("10.0.0.9", "anna")
    assert throttle.wait_seconds("10.0.0.9", "anna") == 0


def _client(app, host: str) -> TestClient:
    return TestClient(app, client=(host, 50000), follow_redirects=False)


def _attempt(client: TestClient, username: str, password: str):
    token = CSRF.search(client.get("/login").text).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def test_the_web_login_throttles_a_sprayer_but_not_the_owner(filled_engine) -> None:
    app = create_app(filled_engine, WebConfig())
    sprayer, owner = _client(app, "192.0.2.66"), _client(app, "192.0.2.10")
    answers = [_attempt(sprayer, f"user{i}", "Winter2026!") for i in range(20)]
    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert all(a.status_code == 429 and int(a.headers["Retry-After"]) > 0 for a in answers[10:])
    assert _attempt(sprayer, "staff", PASSWORD).status_code == 429  # even with the password
    for _ in range(8):  # someone keeps trying staff's account from the sprayer's machine ...
        _attempt(_client(app, "192.0.2.67"), "staff", "wrong password!")
    assert _attempt(owner, "staff", PASSWORD).status_code == 303  # ... staff still gets in


def test_a_failed_login_stores_no_typed_name_that_is_no_account(filled_engine) -> None:
    app = create_app(filled_engine, WebConfig())
    client = _client(app, "192.0.2.5")
    _attempt(client, "MyS3cretPassw0rd", "oops")  # a password typed into the name field
    _attempt(client, "staff", "wrong password!")
    with filled_engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).where(audit_log.c.action == "login_failed")
                            .order_by(audit_log.c.seq)).all()
    text = " ".join(str(v) for row in rows for v in row).lower()
    assert "mys3cretpassw0rd" not in text
    assert [r.actor for r in rows] == ["?", "staff"]
    assert "typed" in rows[0].detail and "192.0.2.5" in rows[1].detail
