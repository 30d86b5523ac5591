"""Validation of staging and of the merged output with Great Expectations.

Public surface: :func:`validate_persons`, :func:`validate_registrations`, :func:`validate_merged`
(pure: DataFrames in, :class:`ValidationOutcome` out). Reading a partner's staging and writing
quarantine and Data Docs joins this layer with the connectors' one, so it sits above both
(:func:`pipelines.validation.validate_partner`). GX itself is imported only when a validation runs.
"""

from expectations.outcome import RuleResult, ValidationOutcome
from expectations.rules import BLOCKING, ROW, Rule, merged_rules, person_rules, registration_rules
from expectations.validate import (
    MergedInputs,
    validate_merged,
    validate_persons,
    validate_registrations,
)

__all__ = [
    "BLOCKING",
    "ROW",
    "MergedInputs",
    "Rule",
    "RuleResult",
    "ValidationOutcome",
    "merged_rules",
    "person_rules",
    "registration_rules",
    "validate_merged",
    "validate_persons",
    "validate_registrations",
]
