"""Stable person and household IDs: what the store hands to matching for the next run.

Matching keeps IDs stable when it knows the previous assignment of every record (docs/contracts.md);
the store's published version is that memory. The events matching returns (new, merge, split) are
recorded by :func:`hub.store.publish.publish` with the run and their evidence.
"""

import pandas as pd
import sqlalchemy as sa

from hub.store.versions import current_version_id
from schemas.store import source_records

ASSIGNMENT_COLUMNS = ["source", "source_record_id", "person_id", "household_id"]


def previous_assignments(engine: sa.Engine) -> pd.DataFrame:
    """The published assignment of every record (empty before the first publish)."""
    with engine.connect() as conn:
        version = current_version_id(conn)
        if version is None:
            return pd.DataFrame({c: pd.Series(dtype="str") for c in ASSIGNMENT_COLUMNS})
        t = source_records
        rows = conn.execute(
            sa.select(*[t.c[c] for c in ASSIGNMENT_COLUMNS]).where(t.c.version_id == version)
            .order_by(t.c.source, t.c.source_record_id)
        ).all()
    frame = pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)
    return frame.astype({c: "str" for c in ASSIGNMENT_COLUMNS})
