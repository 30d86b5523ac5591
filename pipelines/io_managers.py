"""The linking result's hand-over between assets, as a Dagster IO manager over Parquet.

``linked_persons`` returns its result; ``household_summary`` and ``merged_registration`` take it
as an input. The files are :mod:`pipelines.linkstore`'s (Parquet per frame under
``Settings.linking``, replaced atomically), so the linking step's "unchanged since the published
version" check and the merged check read the same result. Written by hand: dagster-pandas and
its kin need pandas < 3.
"""

from dataclasses import dataclass
from typing import Any

import dagster as dg
import pandas as pd

from pipelines.linkstore import load_link_result, save_decisions, save_link_result
from pipelines.resources import HubResource

LINKING_IO = "linking_io_manager"
"""Resource key of :class:`LinkingIOManager`."""


@dataclass
class Linked:
    """What ``linked_persons`` hands over: the result, the fingerprint of the inputs it was
    computed from and the steward decisions it obeyed (publishing fingerprints the same ones)."""

    result: Any
    """A ``matching.LinkResult``."""
    fingerprint: str | None
    decisions: pd.DataFrame | None
    reused: bool = False
    """True when the result is the saved one (inputs unchanged): nothing is written again."""


class LinkingIOManager(dg.ConfigurableIOManager):
    """Stores a :class:`Linked` under ``Settings.linking``; loads it back as a ``LinkResult``.

    An input may name the columns it needs per frame (``AssetIn(metadata={"columns": {...}})``):
    the household summary needs no explanations, which keeps memory low at a million records.
    """

    hub: HubResource

    def handle_output(self, context: dg.OutputContext, obj: Linked) -> None:
        if obj.reused:
            return
        folder = self.hub.settings().linking
        save_link_result(obj.result, folder, obj.fingerprint)
        save_decisions(obj.decisions, folder)

    def load_input(self, context: dg.InputContext) -> Any:
        columns = (context.definition_metadata or {}).get("columns")
        return load_link_result(self.hub.settings().linking, columns=columns)
