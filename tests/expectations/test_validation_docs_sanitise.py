"""What goes to Data Docs carries counts and rules, never the failing values themselves."""

import json

from validation_cases import TODAY, frame, person

from expectations.data_docs import VALUE_KEYS, sanitise
from expectations.validate import validate_persons

SECRET = "15QX"  # a malformed (say, confidential) postcode: GX keeps the failing values


def test_sanitised_result_has_no_values_and_the_original_is_untouched() -> None:
    outcome = validate_persons(frame([person(0), person(1, postcode=SECRET)]), "vt",
                               today=TODAY)
    (result,) = outcome.gx_results
    before = json.dumps(result.to_json_dict(), default=str)
    assert SECRET in before

    clean = sanitise(result)
    text = json.dumps(clean.to_json_dict(), default=str)
    assert SECRET not in text
    assert all(key not in (item.result or {}) for item in clean.results for key in VALUE_KEYS)
    failed = [item for item in clean.results if not item.success]
    assert failed and all("unexpected_count" in item.result for item in failed)
    assert json.dumps(result.to_json_dict(), default=str) == before
