"""Tables of the fixed guide ("vaste begeleider"): the one fact the hub itself registers.

Not versioned like the published picture: a guide belongs to a household id, and household ids
are stable across runs (``matching.stable_ids``), so a re-run leaves the guide where it is. Merges
and splits move or question it (:mod:`hub.store.guides`); ``guide_events`` keeps every change
with who made it, so the history of a family's guides can always be told.
"""

import sqlalchemy as sa

from schemas.store import ID, TS, metadata

guides = sa.Table(
    "guides",
    metadata,
    sa.Column("guide_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("household_id", ID, nullable=False, comment="The household the guide is with now."),
    sa.Column("name", sa.String(200), nullable=False, comment="The professional's name."),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("contact", sa.String(200), nullable=False, comment="Phone or e-mail at work."),
    sa.Column("since", sa.Date, nullable=False),
    sa.Column("until", sa.Date, comment="Last day; empty while the guide stays."),
    sa.Column("end_reason", sa.String(500)),
    sa.Column("pending", sa.String(16),
              comment="split or gone: a steward must decide which household keeps the guide."),
    sa.Column("pending_options", sa.Text, comment="JSON list of household ids to choose from."),
    sa.Column("registered_by", sa.String(100), nullable=False),
    sa.Column("registered_at", TS, nullable=False),
    sa.Column("ended_by", sa.String(100)),
    sa.Column("ended_at", TS),
    sa.Index("ix_guides_household", "household_id"),
    comment="Fixed guides per household, current and past (until set).",
)

guide_events = sa.Table(
    "guide_events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("guide_id", sa.Integer, nullable=False),
    sa.Column("household_id", ID, nullable=False),
    sa.Column("event", sa.String(16), nullable=False,
              comment="set, end, merged, split, gone, decided"),
    sa.Column("detail", sa.Text, comment="JSON: what changed (household ids, id event), no BSN."),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("at", TS, nullable=False),
    sa.Index("ix_guide_events_guide", "guide_id"),
    comment="Every change to a guide, append-only.",
)
