"""Demo step after ``make demo``'s run: the RST registers fixed guides for some families.

Guides belong to households, whose ids exist only once matching has run, so they cannot be part
of the generated partner files; this step reads the published store instead. About two in three
households whose help runs in the pilot (from :data:`hub.demo.cases.PILOT_START`) get a guide,
5 to 120 days after their first case in the pilot; a few families had one before. Deterministic
for a seed; households that already have (or had) a guide are left alone. Synthetic names only.
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from hub import guide_actions
from hub.access.roles import Role, User
from hub.demo.cases import PILOT_START
from hub.monitor.source import read_input
from hub.store import guides as store_guides

DEMO_RST = User(id=0, username="demo-rst", display_name="Demo RST", role=Role.RST_COORDINATOR)
GUIDE_SHARE_IN_PILOT = 0.65
GUIDE_SHARE_BEFORE = 0.08
NAMES = ("Anouk Visser", "Bram de Boer", "Chantal Mulder", "Dennis Bakker", "Esra Yilmaz",
         "Fleur van Dijk", "Gerrit Smit", "Hanna el Idrissi", "Ivo Jansen", "Joyce Peters")
ORGANISATIONS = ("Regionaal Veiligheidsteam Zaanstreek-Waterland", "Sociaal wijkteam Zaanstad",
                 "Sociaal wijkteam Purmerend", "Jeugdbescherming Regio Amsterdam")


def register_demo_guides(engine: sa.Engine, seed: int = 7, today: date | None = None) -> int:
    """Register the demo guides; returns how many were added."""
    today = today or date.today()
    cases = read_input(engine).cases
    known = {g.household_id for g in store_guides.list_guides(engine, include_ended=True)}
    dated = cases[cases["start_date"].notna()]
    pilot = pd.Timestamp(PILOT_START)
    first_in_pilot = dated[dated["start_date"] >= pilot].groupby("household_id")["start_date"].min()
    first_ever = dated.groupby("household_id")["start_date"].min()
    rng = np.random.default_rng([seed, 20261204, 14])
    added = 0
    for household in sorted(first_ever.index):
        draw, delay, who, where = rng.random(), int(rng.integers(5, 121)), rng.integers(
            len(NAMES)), rng.integers(len(ORGANISATIONS))
        if household in known:
            continue
        if household in first_in_pilot.index and draw < GUIDE_SHARE_IN_PILOT:
            start = first_in_pilot[household]
        elif draw > 1 - GUIDE_SHARE_BEFORE:
            start = first_ever[household]
        else:
            continue
        since = min(start.date() + timedelta(days=delay), today)
        name = NAMES[who]
        contact = f"{name.split()[0].lower()}@rst.example.org"
        guide_actions.set_guide(engine, DEMO_RST, household, name=name,
                                organisation=ORGANISATIONS[where], contact=contact, since=since)
        added += 1
    return added
