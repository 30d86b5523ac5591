"""``linked_persons`` and ``household_summary``: every partner's records linked into persons and
households, once, for the whole proeftuin.

Households are formed inside ``matching.link`` (its household step also feeds the person
clustering's household-context pass and is not part of matching's public API), so
``linked_persons`` produces persons and households together; ``household_summary`` reports on the
households it built and carries the blocking check of the merged output before publishing."""

import json
import re
from typing import Any

import dagster as dg
import pandas as pd

from foundation.ids import has_id
from pipelines.catalog import load_catalog
from pipelines.io_managers import LINKING_IO, Linked, ValidatedRows
from pipelines.keys import (
    HOUSEHOLD_SUMMARY,
    LINKED_PERSONS,
    OWNER,
    REGISTRATION_GROUP,
    staged_key,
)
from pipelines.linkstore import load_link_result, saved_info
from pipelines.memory import release_memory
from pipelines.metadata import histogram_markdown, weight_histogram
from pipelines.resources import HubResource
from pipelines.store_io import (
    input_fingerprint,
    output_is_published,
    previous_assignment,
    steward_decisions,
)
from pipelines.validated import combine_validated


def link_stats_metadata(stats: dict, links: pd.DataFrame, review: pd.DataFrame,
                        thresholds: dict[str, float] | None = None) -> dict:
    """Match statistics for the UI: pairs compared, auto-matched, sent for review, weights."""
    weights = pd.concat(
        [links.get("match_weight", pd.Series(dtype="float64")),
         review.get("match_weight", pd.Series(dtype="float64"))],
        ignore_index=True,
    )
    histogram = weight_histogram(weights)
    return {
        "pairs_compared": int(stats.get("compared", 0)),
        "auto_matched": int(stats.get("auto_matched", 0)),
        "sent_for_review": int(len(review)),
        "persons": int(stats.get("persons", 0)),
        "households": int(stats.get("households", 0)),
        "pairs_per_blocking_rule": dg.MetadataValue.json(
            json.loads(json.dumps(stats.get("pairs", stats.get("pairs_per_rule", {})), default=int))
        ),
        "match_weight_distribution": dg.MetadataValue.md(
            histogram_markdown(histogram, thresholds=thresholds)),
    }


def staged_input(partner: str) -> str:
    """The name of ``linked_persons``' input that receives the partner's validated rows."""
    return "staged_" + re.sub(r"\W", "_", partner)


def build_linking_assets(partners: list[str]) -> list[dg.AssetsDefinition]:
    """The linking assets; ``linked_persons`` takes every partner's validated rows as inputs."""

    @dg.asset(
        key=LINKED_PERSONS,
        ins={staged_input(p): dg.AssetIn(staged_key(p)) for p in partners},
        io_manager_key=LINKING_IO,
        group_name=REGISTRATION_GROUP,
        owners=[OWNER],
        kinds={"python", "parquet"},
        description=(
            "Every validated person record of every partner linked to one hub person (P-...), "
            "with stable IDs across runs and the stewards' must-link / cannot-link decisions "
            "applied. Unsure pairs go to the review queue. Uses each partner's last good data."
        ),
    )
    def linked_persons(context: dg.AssetExecutionContext, hub: HubResource,
                       **staged: ValidatedRows | None) -> dg.Output[Linked]:
        # lazy: matching (scipy, rapidfuzz) costs about 0.9 s to import: only when linking runs
        from matching import LinkConfig, link

        settings = hub.settings()
        folder = settings.linking
        # every partner's last validated rows (None: never passed validation), by the IO manager
        handed = [rows for rows in staged.values() if rows is not None]
        persons = combine_validated(settings, [r.persons for r in handed], "persons")
        registrations = combine_validated(settings, [r.registrations for r in handed],
                                          "registrations")
        del handed, staged
        decisions = steward_decisions(settings)
        previous = None
        config = LinkConfig()
        fingerprint = input_fingerprint(persons, registrations, decisions, config.version())
        saved = saved_info(folder)
        reused = (saved is not None and saved.get("input_hash") == fingerprint
                  and output_is_published(settings))
        if reused:
            # The published version was linked from exactly these inputs: nothing to redo.
            context.log.info("inputs unchanged since the published version: linking skipped")
            result = load_link_result(folder)
        else:
            context.log.info(
                f"linking {len(persons)} person records of {persons['source'].nunique()} partners"
            )
            previous = previous_assignment(settings)
            result = link(persons, previous=previous, decisions=decisions, config=config)
        del persons, registrations
        release_memory()
        return dg.Output(
            Linked(result, fingerprint, decisions, reused=reused),
            metadata={
                "dagster/row_count": int(len(result.assignments)),
                **link_stats_metadata(result.stats, result.links, result.review, {
                    "review": config.review_weight, "automatic match": config.match_weight}),
                "inputs_unchanged": reused,
                "config_version": str(result.config_version),
                # reused: the published assignment is the one linked from these inputs
                "previous_assignments": int(len(previous if previous is not None
                                                else result.assignments)),
                "steward_decisions": int(len(decisions)) if decisions is not None else 0,
            }
        )

    @dg.asset(
        key=HOUSEHOLD_SUMMARY,
        ins={"linked": dg.AssetIn(LINKED_PERSONS, metadata={"columns": {
            "links": ["person_id"], "review": ["match_weight"], "events": ["kind"]}})},
        group_name=REGISTRATION_GROUP,
        owners=[OWNER],
        kinds={"python", "parquet"},
        description=(
            "A report on the households (H-...) linked_persons formed while linking: count, "
            "sizes, households known to several partners, links between separated parents' "
            "households. Computes no households itself; carries the blocking check of the "
            "merged output, so a failure keeps the previous version published."
        ),
    )
    def household_summary(context: dg.AssetExecutionContext, linked: Any) -> dg.MaterializeResult:
        result = linked  # a matching.LinkResult, read with only the columns named above
        assignments = result.assignments
        housed = assignments[has_id(assignments["household_id"])]  # reporters are in none
        members = housed.drop_duplicates(["household_id", "person_id"])
        sizes = members.groupby("household_id").size()
        partners_per_household = housed.groupby("household_id")["source"].nunique()
        size_table = sizes.clip(upper=8).value_counts().sort_index()
        lines = ["| members | households |", "|---:|---:|"]
        lines += [
            f"| {'8+' if size == 8 else size} | {count} |" for size, count in size_table.items()
        ]
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": int(len(sizes)),
                "households": int(len(sizes)),
                "persons_in_households": int(len(members)),
                "households_known_to_several_partners": int((partners_per_household > 1).sum()),
                "household_links": int(len(result.household_links)),
                "household_sizes": dg.MetadataValue.md("\n".join(lines)),
            }
        )

    return [linked_persons, household_summary]


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=build_linking_assets([p.key for p in load_catalog()]))
