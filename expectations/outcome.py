"""What a validation produced: per-rule counts, failing rows, passed rows and the GX result."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from expectations.rules import BLOCKING, Rule
from foundation.privacy import mask_frame, mask_text


@dataclass(frozen=True)
class RuleResult:
    """The verdict of one rule on one frame; ``failed_rows`` are positions in the frame."""

    rule: str
    severity: str
    field: str | None
    reason: str
    evaluated: int
    failed_rows: tuple[int, ...]
    error: str | None = None
    """Set when GX could not evaluate the rule (e.g. a missing column): counted as blocking."""
    scope: str = "row"
    """The rule's scope (:data:`expectations.rules.ROW_SCOPE` or ``SET_SCOPE``)."""

    @property
    def failed(self) -> int:
        return len(self.failed_rows)

    @property
    def success(self) -> bool:
        return self.error is None and not self.failed_rows

    @property
    def blocks(self) -> bool:
        """True when this result stops publishing."""
        return self.error is not None or (self.severity == BLOCKING and bool(self.failed_rows))


@dataclass
class ValidationOutcome:
    """Validation of one dataset: rows that continue, rows held back and why, blocking failures."""

    suite: str
    dataset: str
    partner: str | None
    frame: pd.DataFrame
    """The validated rows as given (original index), without derived columns."""
    rules: list[RuleResult]
    gx_results: list[Any] = field(default_factory=list)
    kept: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """Per row, True where its row-rule verdicts were kept from an earlier validation because
    its content did not change (:func:`expectations.validate.validate_persons` with
    ``earlier``); GX judged the other rows, and every row for the set rules. Empty: none kept."""

    @property
    def kept_rows(self) -> int:
        return int(self.kept.sum())

    @property
    def blocking_failures(self) -> list[RuleResult]:
        return [r for r in self.rules if r.blocks]

    @property
    def blocked(self) -> bool:
        """True when a blocking rule failed: nothing downstream may be published."""
        return bool(self.blocking_failures)

    def _row_failures(self) -> set[int]:
        return {i for r in self.rules if r.severity != BLOCKING for i in r.failed_rows}

    @cached_property
    def passed(self) -> pd.DataFrame:
        """Rows that failed no row-level rule (blocking rules decide publishing, not rows).

        Computed once: the pipeline asks several times, and at 400,000 rows each answer copied
        them anew (an outcome is not changed after it is made)."""
        keep = np.ones(len(self.frame), dtype=bool)
        keep[self.quarantined_positions] = False
        return self.frame.iloc[keep]

    def _blocking_rows(self) -> set[int]:
        return {i for r in self.rules if r.severity == BLOCKING for i in r.failed_rows}

    @cached_property
    def quarantined_positions(self) -> list[int]:
        """Positions of every row held back by any rule."""
        return sorted(self._row_failures() | self._blocking_rows())

    def counts(self) -> pd.DataFrame:
        """One row per rule: severity, evaluated, failed, success (no personal values)."""
        return pd.DataFrame(
            [
                {
                    "suite": self.suite,
                    "partner": self.partner,
                    "rule": r.rule,
                    "severity": r.severity,
                    "evaluated": r.evaluated,
                    "failed": r.failed,
                    "success": r.success,
                    "error": r.error,
                }
                for r in self.rules
            ]
        )

    def failing_sample(self, rule: str, limit: int = 5) -> pd.DataFrame:
        """A few rows failing ``rule``, masked (BSN, confidential address) for display."""
        result = next(r for r in self.rules if r.rule == rule)
        rows = self.frame.iloc[list(result.failed_rows[:limit])]
        return mask_frame(rows)


def rule_result(rule: Rule, gx_result: Any | None, evaluated: int, error: str | None = None
                ) -> RuleResult:
    """Turn one GX ExpectationValidationResult into a :class:`RuleResult`."""
    failed: tuple[int, ...] = ()
    if gx_result is not None:
        info = gx_result.exception_info or {}
        if info.get("raised_exception"):
            message = str(info.get("exception_message") or "expectation raised")
            error = f"could not be evaluated: {mask_text(message.splitlines()[0][:200])}"
        elif not gx_result.success:
            indices = (gx_result.result or {}).get("unexpected_index_list") or []
            failed = tuple(sorted({int(i) for i in indices}))
            if not failed:
                error = "failed without naming rows"
    return RuleResult(rule=rule.name, severity=rule.severity, field=rule.field, reason=rule.reason,
                      evaluated=evaluated, failed_rows=failed, error=error, scope=rule.scope)
