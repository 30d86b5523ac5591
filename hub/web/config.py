"""Settings of the web app, from environment variables with safe defaults for 127.0.0.1."""

import os
from dataclasses import dataclass, field
from datetime import timedelta

from hub.access.sessions import SessionPolicy


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class WebConfig:
    """``HUB_WEB_SESSION_IDLE_MINUTES`` (30), ``HUB_WEB_SESSION_HOURS`` (10),
    ``HUB_WEB_SECURE_COOKIES`` (false; set true behind HTTPS), ``HUB_WEB_INDEX_CHECK_SECONDS``
    (5: how often a search checks for a newly published version)."""

    session: SessionPolicy = field(default_factory=SessionPolicy)
    secure_cookies: bool = False
    index_check_seconds: float = 5.0
    cookie_name: str = "hub_session"

    @classmethod
    def from_env(cls) -> "WebConfig":
        return cls(
            session=SessionPolicy(
                idle=timedelta(minutes=float(os.environ.get("HUB_WEB_SESSION_IDLE_MINUTES", 30))),
                lifetime=timedelta(hours=float(os.environ.get("HUB_WEB_SESSION_HOURS", 10))),
            ),
            secure_cookies=_flag("HUB_WEB_SECURE_COOKIES", False),
            index_check_seconds=float(os.environ.get("HUB_WEB_INDEX_CHECK_SECONDS", 5)),
        )
