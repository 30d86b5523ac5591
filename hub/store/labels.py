"""Vectorised "which labels does each group have" as comma-joined text (e.g. sources, roles).

A Python join per group took most of a million-record publish. With a handful of distinct labels,
each group's set is a bit mask (OR-ed with ``numpy.bitwise_or.at``), and only the few distinct
masks are turned into text.
"""

import numpy as np
import pandas as pd


def joined_labels(keys: pd.Series | list[pd.Series], labels: pd.Series,
                  order: list[str] | None = None) -> pd.Series:
    """Per group (``keys``), its distinct non-missing ``labels`` joined by commas.

    Labels follow ``order`` when given (unknown labels after it, alphabetically), else alphabetical.
    Groups without any label are absent from the result.
    """
    present = labels.notna().to_numpy()
    key_list = keys if isinstance(keys, list) else [keys]
    names = [k.name or f"key{i}" for i, k in enumerate(key_list)]
    frame = pd.DataFrame({n: k.to_numpy()[present] for n, k in zip(names, key_list, strict=True)})
    label_codes, uniques = pd.factorize(labels[present].astype("str"))
    known = sorted(str(u) for u in uniques)
    if order is not None:
        known = [x for x in order if x in set(known)] + [x for x in known if x not in order]
    if len(known) > 62:
        raise ValueError("too many distinct labels for a bit mask")
    rank = {label: i for i, label in enumerate(known)}
    bit_of_code = np.array([rank[str(u)] for u in uniques], dtype=np.int64)
    bits = np.left_shift(np.int64(1), bit_of_code[label_codes])
    grouper = frame.groupby(names, sort=False)
    codes = grouper.ngroup().to_numpy()
    masks = np.zeros(grouper.ngroups, dtype=np.int64)
    np.bitwise_or.at(masks, codes, bits)
    text_of = {
        int(m): ",".join(label for i, label in enumerate(known) if (int(m) >> i) & 1)
        for m in np.unique(masks)
    }
    index = grouper.size().index
    return pd.Series(pd.Series(masks).map(text_of).to_numpy(), index=index, dtype="str")
