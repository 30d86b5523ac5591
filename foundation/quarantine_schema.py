"""Schema of quarantined rows: what was held back, from where, by which rule, and why.

Quarantine never drops data: the raw or canonical record is kept (in the store's own files, clear)
so a steward can fix it at the source; every listing masks it.
"""

import pyarrow as pa

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("partner", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False,
                 metadata={"doc": "extract (file or row not mappable) or validate (expectation)."}),
        pa.field("dataset", pa.string(), nullable=False,
                 metadata={"doc": "persons, registrations or file (a whole delivery)."}),
        pa.field("origin", pa.string(), nullable=False),
        pa.field("origin_row", pa.int64(), metadata={"doc": "Empty for a whole file."}),
        pa.field("source_record_id", pa.string()),
        pa.field("rule", pa.string(), nullable=False,
                 metadata={"doc": "Mapping rule or GX expectation that failed."}),
        pa.field("field", pa.string()),
        pa.field("reason", pa.string(), nullable=False,
                 metadata={"doc": "Human-readable reason; never contains a BSN or address."}),
        pa.field("severity", pa.string(), nullable=False,
                 metadata={"doc": "row (row held back) or blocking (publishing stopped)."}),
        pa.field("quarantined_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("record", pa.string(), metadata={"doc": "The held-back record as JSON (clear)."}),
    ]
)

QUARANTINE_COLUMNS = QUARANTINE_SCHEMA.names
