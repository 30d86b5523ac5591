"""The Parquet hand-overs between assets, as Dagster IO managers.

:class:`ValidatedIOManager`: ``<partner>/staged`` returns the rows that passed validation;
``linked_persons`` takes every partner's as an input. The files are :mod:`pipelines.validated`'s
(owner-only, replaced atomically, under ``Settings.validated``); a partner not validated in this run
hands over its last good data, a partner never validated hands over nothing (``None``).

:class:`LinkingIOManager`: ``linked_persons`` returns its result; ``household_summary`` and
``merged_registration`` take it as an input. The files are :mod:`pipelines.linkstore`'s (Parquet
per frame under ``Settings.linking``, replaced atomically), so the linking step's "unchanged since
the published version" check and the merged check read the same result.

Written by hand: dagster-pandas and its kin need pandas < 3.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import dagster as dg
import pandas as pd
import pyarrow as pa

from pipelines.linkstore import load_link_result, save_decisions, save_link_result
from pipelines.resources import HubResource
from pipelines.validated import (
    read_validated_table,
    write_held_back,
    write_validated,
    write_validated_info,
)

VALIDATED_IO = "validated_io_manager"
"""Resource key of :class:`ValidatedIOManager`."""

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


@dataclass
class Validated:
    """What ``<partner>/staged`` hands over: the rows that passed, and which were held back."""

    persons: pd.DataFrame
    registrations: pd.DataFrame
    held_back: pd.DataFrame
    """The staged person records validation held back (only their ids are written)."""
    extracted_at: datetime
    """When the validated data was extracted: its freshness once published."""
    run_id: str


class ValidatedRows:
    """A partner's last validated rows, as ``linked_persons`` and ``<partner>/increment``
    receive them: Arrow tables, turned into DataFrames on first use (an increment takes only
    the rows that changed from the tables; 400,000 rows as a DataFrame cost most of a second)."""

    def __init__(self, persons: pa.Table, registrations: pa.Table | None) -> None:
        self.persons_table = persons
        self.registrations_table = registrations

    @cached_property
    def persons(self) -> pd.DataFrame:
        return self.persons_table.to_pandas()

    @cached_property
    def registrations(self) -> pd.DataFrame | None:
        table = self.registrations_table
        return None if table is None else table.to_pandas()


class ValidatedIOManager(dg.ConfigurableIOManager):
    """Stores a :class:`Validated` under ``Settings.validated/<partner>/``; loads it back as
    :class:`ValidatedRows` (``None`` for a partner that never passed validation).

    ``None`` as output (a failing blocking rule) writes nothing: the last good data stays in use.
    The partner is the first part of the asset key (``<partner>/staged``).
    """

    hub: HubResource

    def handle_output(self, context: dg.OutputContext, obj: Validated | None) -> None:
        if obj is None:
            return
        settings = self.hub.settings()
        partner = context.asset_key.path[0]
        write_validated(settings, partner, "persons", obj.persons)
        write_validated(settings, partner, "registrations", obj.registrations)
        write_held_back(settings, partner, obj.held_back)
        write_validated_info(settings, partner, obj.extracted_at, obj.run_id)

    def load_input(self, context: dg.InputContext) -> ValidatedRows | None:
        settings = self.hub.settings()
        partner = context.asset_key.path[0]
        persons = read_validated_table(settings, partner, "persons")
        if persons is None:
            return None
        return ValidatedRows(persons, read_validated_table(settings, partner, "registrations"))
