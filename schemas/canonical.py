"""The canonical record schemas every stage of the hub speaks.

Partners deliver in their own shapes; connectors map them onto these two schemas, validation checks
them, matching links them and the store publishes them. Each field carries its documentation in the
pyarrow field metadata (key ``doc``) so that Parquet files explain themselves.

Birth dates are kept as ISO 8601 strings of reduced precision (``2014-03-07``, ``2014-03`` or
``2014``) because partners often know only a year or a month: turning that into 1 January would
invent a fact and create false matches.
"""

import re

import pyarrow as pa

from foundation.privacy import CONFIDENTIAL_ADDRESS_FIELDS

PARTIAL_DATE_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")

SEXES = ("M", "V", "X")

ROLES = (
    "child",
    "parent_with_custody",
    "parent_without_custody",
    "step_parent",
    "foster_parent",
    "guardian",
    "partner",
    "ex_partner",
    "alleged_perpetrator",
    "victim",
    "household_member",
    "reporter",
)
"""Canonical roles. A ``reporter`` is never a household member."""

HOUSEHOLD_ROLES = tuple(r for r in ROLES if r != "reporter")

CASE_TYPES = (
    "advies",
    "melding",
    "onderzoek",
    "beschermingsonderzoek",
    "ots",
    "voorlopige_ots",
    "voogdij",
    "jeugdreclassering",
    "opvang",
    "ambulante_hulp",
)

CASE_STATUSES = ("aangemeld", "lopend", "afgesloten")


MAX_LENGTHS: dict[str, int] = {
    "source_record_id": 64, "source_household_ref": 64, "case_id": 64, "person_record_ids": 64,
    "bsn": 20, "first_names": 200, "surname_prefix": 20, "surname": 200, "birth_date": 10,
    "sex": 1, "street": 200, "house_letter": 5, "house_number_suffix": 10, "postcode": 10,
    "city": 100, "municipality_code": 10, "role": 40, "case_type": 40, "status": 20,
    "end_reason": 500, "case_worker_name": 200, "case_worker_contact": 200,
}
"""Maximum length in characters of each canonical text field (of each id in a list field).

Declared here once and stored in the field metadata (``max_length``); the connectors quarantine
a longer value with the field named, so a 10 MB cell never reaches staging, the store or a page.
"""


def _f(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    metadata = {"doc": doc}
    if name in MAX_LENGTHS:
        metadata["max_length"] = str(MAX_LENGTHS[name])
    return pa.field(name, type_, nullable=nullable, metadata=metadata)


LINEAGE_FIELDS = [
    _f("extracted_at", pa.timestamp("us", tz="UTC"), "When the connector read the row.", False),
    _f("origin", pa.string(), "File, table or endpoint the row came from.", False),
    _f(
        "origin_row",
        pa.int64(),
        "Row number (1-based, data rows) or record index in origin.",
        False,
    ),
    _f(
        "content_hash",
        pa.string(),
        "SHA-256 of the canonical content, for change detection.",
        False,
    ),
]

PERSON_SCHEMA = pa.schema(
    [
        _f(
            "source",
            pa.string(),
            "Partner key, e.g. veilig_thuis (see connectors/partners.yaml).",
            False,
        ),
        _f("source_record_id", pa.string(), "The partner's own id of this person record.", False),
        _f("bsn", pa.string(), "BSN as delivered (may be mistyped or missing; never a key)."),
        _f("first_names", pa.string(), "Given names as delivered, space separated."),
        _f("surname_prefix", pa.string(), "Tussenvoegsel, e.g. 'van der'."),
        _f("surname", pa.string(), "Surname without tussenvoegsel; may be a double name."),
        _f(
            "birth_date", pa.string(), "ISO date of reduced precision: YYYY-MM-DD, YYYY-MM or YYYY."
        ),
        _f("sex", pa.string(), "M, V or X; empty when unknown."),
        _f("street", pa.string(), "Street name."),
        _f("house_number", pa.int32(), "House number."),
        _f("house_letter", pa.string(), "Huisletter, e.g. 'a'."),
        _f("house_number_suffix", pa.string(), "Huisnummertoevoeging, e.g. '2' or 'bis'."),
        _f("postcode", pa.string(), "Dutch postcode, normalised to 1234AB."),
        _f("city", pa.string(), "Woonplaats."),
        _f("municipality_code", pa.string(), "CBS municipality code, 4 digits (e.g. 0479)."),
        _f(
            "address_confidential",
            pa.bool_(),
            "True when the address is secret (shelter, safety): never shown, matched or copied.",
            False,
        ),
        _f("source_household_ref", pa.string(), "The partner's family, dossier or case group id."),
        _f("role", pa.string(), "Canonical role (schemas.canonical.ROLES)."),
        *LINEAGE_FIELDS,
    ]
)

REGISTRATION_SCHEMA = pa.schema(
    [
        _f("source", pa.string(), "Partner key.", False),
        _f("case_id", pa.string(), "The partner's own case, melding or dossier id.", False),
        _f(
            "person_record_ids",
            pa.list_(pa.string()),
            "source_record_ids of the persons this case concerns.",
            False,
        ),
        _f("case_type", pa.string(), "Canonical case type (schemas.canonical.CASE_TYPES)."),
        _f("status", pa.string(), "aangemeld, lopend or afgesloten."),
        _f("start_date", pa.date32(), "Start of the registration."),
        _f("end_date", pa.date32(), "End of the registration, empty while running."),
        _f("end_reason", pa.string(), "Why it ended, as the partner words it."),
        _f("case_worker_name", pa.string(), "Responsible professional."),
        _f("case_worker_contact", pa.string(), "Phone or e-mail of the professional."),
        *LINEAGE_FIELDS,
    ]
)

PERSON_COLUMNS = PERSON_SCHEMA.names
REGISTRATION_COLUMNS = REGISTRATION_SCHEMA.names


SENSITIVE_FIELDS = ("bsn", *CONFIDENTIAL_ADDRESS_FIELDS)


def max_lengths(schema: pa.Schema) -> dict[str, int]:
    """``{field name: maximum length}`` for the fields of a schema that have one."""
    return {f.name: int(f.metadata[b"max_length"]) for f in schema
            if f.metadata and b"max_length" in f.metadata}


def field_docs(schema: pa.Schema) -> dict[str, str]:
    """Return ``{field name: documentation}`` for a canonical schema."""
    return {f.name: (f.metadata or {}).get(b"doc", b"").decode() for f in schema}
