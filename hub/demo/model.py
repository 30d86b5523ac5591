"""Shared constants of the synthetic population and the :class:`Population` it returns.

The generator is split in stages (households, cases, corruption, frames; one module each) that
share these constants and small array helpers.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from hub.demo.region import (
    OUTSIDE_PLACES,
    SCOPE_MUNICIPALITIES,
)

PARTNERS = ("veilig_thuis", "rvdk", "blijf_groep", "jbra", "wss", "ldh", "jgb")
REFERENCE_DATE = date(2026, 11, 1)
EXTRACTED_AT = pd.Timestamp("2026-11-01T06:00:00", tz="UTC")

VT, RVDK, BLIJF, JBRA, WSS, LDH, JGB = range(7)
MOTHER, FATHER, STEP, CHILD, REPORTER = range(5)
PARTNER_WEIGHTS = np.array([10.0, 3.0, 1.6, 3.0, 1.4, 1.6, 2.4])
PARTNERS_PER_HOUSEHOLD = (0.64, 0.25, 0.08, 0.03)  # 1, 2, 3 or 4 partners
VT_MELDINGEN = (0.85, 0.11, 0.04)  # 1, 2 or 3 meldingen per household
TEAM = 40  # case workers per partner
REPORTER_SHARE = 0.40  # meldingen with a reporter row
HAS_CONFIDENTIAL_FLAG = (BLIJF, RVDK)
HAS_MUNICIPALITY = (VT, RVDK, JBRA, LDH)
ADDRESS_KEYS = ("street", "house_number", "house_letter", "house_number_suffix", "postcode", "city",
                "municipality_code")

# inclusion probability per partner (rows) and member type:
# mother, father, step-parent, child, separated father
INCLUDE = np.array(
    [
        [0.85, 0.55, 0.40, 0.50, 0.35],  # veilig_thuis
        [0.95, 0.85, 0.35, 0.65, 0.75],  # rvdk
        [1.00, 0.15, 0.10, 0.60, 0.05],  # blijf_groep
        [0.85, 0.70, 0.35, 0.60, 0.65],  # jbra
        [0.85, 0.70, 0.35, 0.60, 0.65],  # wss
        [0.80, 0.45, 0.25, 0.35, 0.20],  # ldh
        [0.85, 0.70, 0.35, 0.60, 0.65],  # jgb
    ]
)

CASE_TYPES = {
    VT: (("melding", "advies"), (0.8, 0.2)),
    RVDK: (("beschermingsonderzoek", "onderzoek"), (0.7, 0.3)),
    BLIJF: (("opvang", "ambulante_hulp"), (0.6, 0.4)),
    JBRA: (("ots", "voorlopige_ots", "voogdij", "jeugdreclassering"), (0.6, 0.1, 0.1, 0.2)),
    WSS: (("ots", "voogdij", "jeugdreclassering"), (0.6, 0.2, 0.2)),
    LDH: (("jeugdreclassering", "ambulante_hulp", "opvang"), (0.4, 0.45, 0.15)),
    JGB: (("ots", "voorlopige_ots", "voogdij", "jeugdreclassering"), (0.6, 0.1, 0.15, 0.15)),
}
END_REASONS = (
    "doel bereikt", "overgedragen aan wijkteam", "verhuisd buiten regio", "meerderjarig geworden",
    "beëindigd door kinderrechter", "overgedragen aan andere GI", "geen zorgen vastgesteld",
)
MAIL_DOMAINS = (
    "veiligthuiszw.nl", "justitie.nl", "blijfgroep.nl", "jbra.nl", "wsg.nl", "legerdesheils.nl",
    "jeugdengezinsbeschermers.nl",
)
POSTCODE_LETTERS = np.array(list("ABCDEGHJKLMNPRSTVWXZ"))
HOUSE_NUMBER_SUFFIXES = np.array(["1", "2", "3", "hs", "bis", "A", "zw"], dtype=object)


@dataclass
class Population:
    """Synthetic registrations of a region plus the ground truth behind them.

    ``persons`` and ``registrations`` hold the canonical columns (schemas.canonical) as the
    partners hold the data, errors included. ``truth`` has one row per person row: the true person
    and household and flags that name the hard case a row belongs to. ``truth`` is for tests and
    benchmarks only; the pipeline never reads it.
    """

    persons: pd.DataFrame
    registrations: pd.DataFrame
    truth: pd.DataFrame
    households: int
    seed: int
    profile: str


def zipf_draw(rng: np.random.Generator, size: int, n: int, exponent: float = 0.9) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    return rng.choice(size, size=n, p=weights / weights.sum())


def arrow_frame(columns: dict[str, object]) -> pd.DataFrame:
    """Build a DataFrame through Arrow: fast, and strings come out as pandas' ``str`` dtype.

    A value is an array (strings) or ``(array, pyarrow type)``.
    """
    arrays = {}
    for name, value in columns.items():
        values, type_ = value if isinstance(value, tuple) else (value, pa.string())
        if type_ == pa.int32():
            values = pd.array(values, dtype="Int32")
        arrays[name] = pa.array(values, type=type_, from_pandas=True)
    return pa.table(arrays).to_pandas(types_mapper={pa.int32(): pd.Int32Dtype()}.get)


def hex_hashes(hashes: np.ndarray) -> pd.Series:
    """uint64 hashes as 16-character hex strings."""
    return pd.Series([f"{h:016x}" for h in hashes.tolist()], dtype="str")


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Identifiers like TP00000042 as an object array (works for empty input too)."""
    return np.array([f"{prefix}{x:0{width}d}" for x in numbers.tolist()], dtype=object)


def non_ascii(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the strings with a character outside ASCII (fast, through Arrow)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    mask = pd.Series(values, dtype="str").str.contains(r"[^\x00-\x7f]", regex=True)
    return mask.fillna(False).to_numpy(dtype=bool)


def days_to_iso(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]")).astype(object)


OUTSIDE_CODES = {p.municipality_code for p in OUTSIDE_PLACES} - set(SCOPE_MUNICIPALITIES)
