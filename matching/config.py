"""Parameters of a link run, stored with every link as ``config_version`` for traceability."""

import hashlib
import json
from dataclasses import asdict, dataclass, field

ENGINE_VERSION = "1"

WEIGHT_BIN_EDGES = (float("-inf"), *(float(x) for x in range(-10, 21, 2)), float("inf"))
"""Match-weight bins for pictures of the weight distribution (Dagster metadata, the steward
overview): even width 2 from -10 to 20, open at both ends."""

DEFAULT_BLOCKING_RULES = (
    "bsn",
    "surname_birth_date",
    "first_name_birth_date",
    "first_name_surname_year",
    "first_name_surname_day",
    "address_first_initial",
    "address_birth_date",
    "surname_birth_year_initial",
    "house_surname_initial",
    "first_name_surname",
    "names_swapped",
    "surname_birth_year_sex",
    "first_name_birth_month_day",
    "reporter_surname_initial",
    "first_name_surname_prefix",
    "birth_date_initial",
    "surname_day_initial",
    "surname_initial",
    "birth_date_name_initials",
    "bsn_typo",
)
"""Blocking rules of :mod:`matching.blocking`; their union gives the candidate pairs."""


@dataclass(frozen=True)
class LinkConfig:
    """Thresholds, blocking rules and seeds of the matching engine.

    Weights are log2 Bayes factors including the prior (Splink's convention), so
    ``match_probability = 1 / (1 + 2 ** -match_weight)``.
    """

    match_weight: float = 4.0
    """Pairs at or above this weight link automatically (about 94 % probability)."""
    review_weight: float = 1.0
    """Pairs between this and ``match_weight`` that end in different persons go to review."""
    review_per_group: int = 3
    """At most this many candidates per review group (the person a decision would change)."""
    cannot_weight: float = -12.0
    """Pairs scoring below this can never be inside one person, even through a chain."""
    ambiguity_margin: float = 4.0
    """A record that links a conflicting person (a twin) within this many bits of its own
    person's best link is left on its own and sent to review."""
    distinct_bsn_margin: float = 10.0
    """Two different valid BSNs keep a pair apart unless it scores this many bits above
    ``match_weight`` (one BSN mistyped into another valid one, all else equal)."""
    household_context: bool = True
    """Run the household-context pass (:mod:`matching.context`) after the first clustering."""
    context_min_shared: int = 2
    """Persons two dossiers must share (mother and father) before their other members are
    linked through them."""
    context_max_dossier: int = 12
    """Dossiers with more rows are no family context (an institution's list)."""
    context_max_dossiers_per_person: int = 20
    """A person in more dossiers (a professional) gives no family context."""
    institution_max_residents: int = 60
    """An address with more persons than this is an institution, whatever their surnames."""
    histogram_limit: float = 40.0
    """``stats['weight_histogram']`` covers [-limit, limit] (weights outside are clipped)."""
    histogram_bins: int = 16
    distinct_within_reference: bool = True
    """Two rows of one partner's family/dossier reference are two people (a dossier lists a
    person once), so they never link."""
    blocking_rules: tuple[str, ...] = DEFAULT_BLOCKING_RULES
    max_block_size: int = 40
    """Blocks larger than this (very common values) are compared only within ``block_window``."""
    block_window: int = 8
    """In an oversized block each record meets its next this-many neighbours (sorted
    neighbourhood), so work stays linear and a chain still connects one person's records."""
    em_iterations: int = 40
    em_prior_pairs: float = 50.0
    """Dirichlet prior of EM: pseudo-matches spread as :data:`matching.defaults.DEFAULT_M`, so a
    level the data cannot identify falls back towards the default instead of to 0."""
    em_sample_pairs: int = 500_000
    """Candidate pairs drawn (seeded) for EM; patterns are counted, so this stays cheap."""
    min_records_to_estimate: int = 2000
    """Below this many records u comes from :mod:`matching.defaults` instead of sampling."""
    em_min_pairs: int = 300
    """An EM session (one blocking rule) with fewer candidate pairs is skipped."""
    u_sample_pairs: int = 200_000
    """Random record pairs drawn (seeded) to estimate u probabilities."""
    seed: int = 20261122
    tf_adjustment: bool = True
    tf_min_u: float = 1e-5
    twin_penalty: float = -25.0
    """Added when birth date and surname agree but given names clearly differ (twins, triplets)."""
    sibling_penalty: float = -10.0
    """Added when surname agrees but complete birth dates clearly differ and no BSN agrees."""
    family_guards: bool | None = None
    """The twin and sibling guards and contested (relative's) BSNs. None: on when the data holds
    families, i.e. records that are clearly two people of one family (see
    :func:`matching.scoring.holds_families`); True or False: always or never."""
    decision_weight: float = 10.0
    """m/u shift that steward decisions give the levels of the pairs they judged."""
    institution_min_surnames: int = 4
    """An address shared by this many distinct surname families is an institution, not a home."""
    institutional_addresses: tuple[str, ...] = field(default_factory=tuple)
    """Known shelters, group homes, asylum centres and postal addresses as 'postcode number'
    (e.g. '1561QW 7'): never household evidence, whoever is registered there."""

    def version(self) -> str:
        """A short hash of the engine version and every parameter."""
        payload = json.dumps({"engine": ENGINE_VERSION, **asdict(self)}, sort_keys=True)
        return f"m{ENGINE_VERSION}-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
