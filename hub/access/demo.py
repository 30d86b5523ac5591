"""Demo accounts, one per role, for the demo store (never for real data)."""

from dataclasses import dataclass

import sqlalchemy as sa

from hub.access.errors import AccessError
from hub.access.passwords import generate_password
from hub.access.users import create_user, set_active, set_password

DEMO_ACCOUNTS = (
    ("demo-staff", "staff", None, "Demo staff (Veilig Thuis)"),
    ("demo-blijf", "staff", "blijf_groep", "Demo staff (Blijf Groep)"),
    ("demo-steward", "steward", None, "Demo data steward"),
    ("demo-admin", "admin", None, "Demo administrator"),
    ("demo-privacy", "privacy_officer", None, "Demo privacy officer"),
    ("demo-rst", "rst_coordinator", None, "Demo RST coordinator"),
    ("demo-manager", "manager", None, "Demo pilot manager"),
    ("demo-outside", "outside_professional", None, "Demo local team (outside the pilot)"),
)
"""Username, role, partner, display name. ``demo-blijf`` may reveal Blijf Groep's secret
addresses; ``demo-staff`` only sees that one exists."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    partner: str | None
    password: str


def ensure_demo_users(engine: sa.Engine) -> list[DemoLogin]:
    """Create the demo accounts, or give existing ones a fresh password; returns the log-ins."""
    logins = []
    for username, role, partner, display_name in DEMO_ACCOUNTS:
        password = generate_password()
        try:
            create_user(engine, username, password, role, partner=partner,
                        display_name=display_name)
        except AccessError:
            set_password(engine, username, password)
            set_active(engine, username, True)
        logins.append(DemoLogin(username, role, partner, password))
    return logins
