"""Candidate pairs and blocking recall, for benchmarks and for tuning blocking rules.

Blocking decides which pairs are ever compared: a true pair no rule generates can never be
linked, whatever the scoring does. :func:`candidate_pairs` returns the pairs the configured rules
generate (as record keys, with the rules that found each pair); :func:`blocking_recall` the share
of true pairs among them, given each record's true entity.
"""

import numpy as np
import pandas as pd

from matching.blocking import block
from matching.config import LinkConfig
from matching.standardise import prepare

PAIR_COLUMNS = ["left_source", "left_record_id", "right_source", "right_record_id", "rules"]


def candidate_pairs(persons: pd.DataFrame, config: LinkConfig | None = None) -> pd.DataFrame:
    """The candidate pairs of ``link(persons, config=config)``, one row per pair.

    Columns: left_source, left_record_id, right_source, right_record_id (left sorts before
    right) and ``rules``: the blocking rules that generated the pair, joined by ','.
    """
    config = config or LinkConfig()
    p = prepare(persons)
    left, right, _, per_rule = block(p, config.blocking_rules, config.max_block_size,
                                     config.block_window)
    codes = left * p.n + right
    found = np.zeros((codes.size, len(per_rule)), dtype=bool)
    for column, rule_codes in enumerate(per_rule.values()):
        found[np.searchsorted(codes, rule_codes), column] = True
    names = np.array(list(per_rule), dtype=object)
    rules = [",".join(names[row]) for row in found]
    source = p.frame["source"].to_numpy()
    record = p.frame["source_record_id"].to_numpy()
    return pd.DataFrame({"left_source": source[left], "left_record_id": record[left],
                         "right_source": source[right], "right_record_id": record[right],
                         "rules": rules}, columns=PAIR_COLUMNS).astype("str")


def blocking_recall(persons: pd.DataFrame, true_entity: pd.Series,
                    config: LinkConfig | None = None) -> float:
    """Share of true pairs (two records with one ``true_entity``, aligned with ``persons``'
    rows) that some blocking rule generates; NaN when there are no true pairs."""
    config = config or LinkConfig()
    if len(true_entity) != len(persons):
        from foundation.errors import ConfigError

        raise ConfigError("true_entity needs one value per person row", field="true_entity")
    p = prepare(persons)
    left, right, _, _ = block(p, config.blocking_rules, config.max_block_size,
                              config.block_window)
    keys = (persons["source"].astype("str").str.strip() + "\x1f"
            + persons["source_record_id"].astype("str").str.strip())
    row = pd.Index(p.keys).get_indexer(keys)
    entity = pd.factorize(true_entity.reset_index(drop=True))[0]
    order = np.argsort(entity, kind="stable")
    groups = np.split(row[order], np.flatnonzero(np.diff(entity[order])) + 1)
    true_codes = []
    for members in groups:
        if members.size > 1:
            members = np.sort(members)
            a, b = np.triu_indices(members.size, 1)
            true_codes.append(members[a] * p.n + members[b])
    if not true_codes:
        return float("nan")
    wanted = np.concatenate(true_codes)
    return float(np.isin(wanted, left * p.n + right).mean())
