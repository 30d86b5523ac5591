"""Load and validate the declarative partner configuration (``connectors/partners.yaml``).

A partner is one YAML block: where its system is, which rows to read and how each canonical field is
made from them. Validation happens here, before anything is read, so a typo in a field name or a
role
is a :class:`~foundation.errors.ConfigError` that names the partner and field instead of a
surprise later.
Secrets never live in the file: ``${ENV_VAR}`` references are expanded from the environment.
"""

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from connectors.paginators import PAGINATORS
from connectors.retention import PartnerContact, RetentionPolicy, parse_contact, parse_retention
from foundation.errors import ConfigError
from foundation.settings import Settings
from schemas.canonical import (
    CASE_STATUSES,
    CASE_TYPES,
    LINEAGE_FIELDS,
    PERSON_COLUMNS,
    REGISTRATION_COLUMNS,
    ROLES,
    SEXES,
)

KINDS = ("files", "sql", "rest")
DATASETS = ("persons", "registrations")
PARSERS = ("surname_with_prefix", "full_name", "house_number", "postcode", "list")
PAGINATION_STYLES = tuple(PAGINATORS)
DEMO_API_TOKEN = "demo-token"
"""Bearer token of the local demo API when ``JBRA_API_TOKEN`` is unset (demo data only)."""

_LINEAGE = {f.name for f in LINEAGE_FIELDS}
SETTABLE = {
    "persons": [c for c in PERSON_COLUMNS if c not in _LINEAGE and c != "source"],
    "registrations": [c for c in REGISTRATION_COLUMNS if c not in _LINEAGE and c != "source"],
}
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "role": ROLES,
    "sex": SEXES,
    "case_type": CASE_TYPES,
    "status": CASE_STATUSES,
}
"""Canonical fields whose values must come from a fixed vocabulary."""

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


DEMO_FLAG = "HUB_DEMO"
"""Set to ``1`` to allow demo behaviour (``make demo``, ``make web``, ``make ui``, the tests)."""


def demo_enabled(environ: dict[str, str]) -> bool:
    """True only when ``HUB_DEMO=1``: a production hub with a typo must never ingest demo data."""
    return environ.get(DEMO_FLAG, "").strip() == "1"


def demo_defaults(settings: Settings) -> dict[str, str]:
    """Environment defaults that point the demo partners at the files ``hub demo-data`` writes.

    Only with ``HUB_DEMO=1`` and only for variables that are unset; without the flag an unset
    variable is a ConfigError naming the partner and the variable.
    """
    systems = settings.partner_systems
    return {
        "RVDK_DB_URL": f"sqlite:///{systems / 'rvdk' / 'rvdk.sqlite'}",
        "LDH_DB_URL": f"sqlite:///{systems / 'ldh' / 'ldh.sqlite'}",
        "JBRA_API_TOKEN": DEMO_API_TOKEN,
    }


@dataclass(frozen=True)
class Scope:
    """The proeftuin: municipality codes and inclusive ranges of 4-digit postcodes."""

    municipality_codes: frozenset[str] = frozenset()
    postcode_ranges: tuple[tuple[int, int], ...] = ()

    @property
    def configured(self) -> bool:
        return bool(self.municipality_codes or self.postcode_ranges)


@dataclass(frozen=True)
class FieldRule:
    """How one canonical field is made from a raw row."""

    target: str
    column: str | None = None
    constant: Any = None
    has_constant: bool = False
    values: dict[str, Any] | None = None
    date_formats: tuple[str, ...] = ()
    parse: str | None = None
    separator: str = ","


@dataclass(frozen=True)
class DatasetConfig:
    """Where one dataset (persons or registrations) is read and how it maps."""

    name: str
    fields: dict[str, FieldRule]
    pattern: str | None = None
    sheet: str | int | None = None
    table: str | None = None
    query: str | None = None
    endpoint: str | None = None
    records_path: str | None = None
    pagination: dict[str, Any] | None = None
    watermark: str | None = None
    watermark_param: str | None = None
    key: str | None = None
    aggregate_by: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PartnerConfig:
    """One partner system: kind, connection and its datasets."""

    key: str
    name: str
    kind: str
    connection: dict[str, Any]
    datasets: dict[str, DatasetConfig]
    demo_api: bool = False
    """True when the REST base URL was not configured and ``HUB_DEMO=1``: start the demo API."""
    contact: PartnerContact | None = None
    """Whom a person asks about this partner's data (access reports, disputes)."""
    retention: RetentionPolicy | None = None
    """How long the hub keeps this partner's data (connectors/retention.py)."""
    trust: dict[str, int] = field(default_factory=dict)
    """Survivorship rank per field group (``bsn``, ``name``): 0 is trusted most."""


@dataclass(frozen=True)
class HubConfig:
    """The whole partner configuration."""

    scope: Scope
    partners: dict[str, PartnerConfig]
    path: Path | None = None


def expand_env(value: Any, env: dict[str, str], where: str, partner: str | None = None) -> Any:
    """Replace ``${VAR}`` in every string of a YAML value; an unset variable is a ConfigError."""
    if isinstance(value, str):
        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in env:
                hint = ("" if demo_enabled(env) else
                        f"; set it (or {DEMO_FLAG}=1 to use the demo partner systems)")
                raise ConfigError(f"environment variable {name} is not set{hint}",
                                  partner=partner, origin=where, field=name)
            return env[name]

        return _ENV.sub(sub, value)
    if isinstance(value, list):
        return [expand_env(v, env, where, partner) for v in value]
    if isinstance(value, dict):
        return {k: expand_env(v, env, where, partner) for k, v in value.items()}
    return value


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when present: parsing partners.yaml took about 1 s with the pure-Python one."""
_RAW: dict[tuple[str, str], Any] = {}
"""The last parsed YAML by (file, text): a run reads the same unchanged file many times."""


def load_config(settings: Settings, path: Path | None = None,
                environ: dict[str, str] | None = None) -> HubConfig:
    """Read, expand and validate the partner configuration file."""
    path = Path(path or settings.partners_config)
    if not path.exists():
        raise ConfigError("partner configuration not found", origin=str(path))
    return parse_config(_read_yaml(path), settings, environ=environ, path=path)


def _read_yaml(path: Path) -> Any:
    """The file's YAML, parsed once per file content; callers get their own copy."""
    text = path.read_text(encoding="utf-8")
    key = (str(path.resolve()), text)
    if key not in _RAW:
        try:
            raw = yaml.load(text, Loader=_LOADER) or {}  # noqa: S506
        except yaml.YAMLError as exc:
            raise ConfigError(f"partner configuration is not valid YAML: {exc}",
                              origin=str(path)) from exc
        _RAW.clear()
        _RAW[key] = raw
    return copy.deepcopy(_RAW[key])


def parse_config(raw: dict[str, Any], settings: Settings, environ: dict[str, str] | None = None,
                 path: Path | None = None) -> HubConfig:
    """Validate an already-parsed configuration mapping (also used by tests)."""
    where = str(path or "partners.yaml")
    if not isinstance(raw, dict) or not isinstance(raw.get("partners"), dict):
        raise ConfigError("configuration needs a 'partners' mapping", origin=where)
    base_env = dict(os.environ if environ is None else environ)
    api_url_set = {k for k, v in base_env.items() if v}
    demo = demo_enabled(base_env)
    env = {**(demo_defaults(settings) if demo else {}),
           **{k: v for k, v in base_env.items() if v}}
    env["HUB_HOME"] = str(settings.home)
    scope = _parse_scope(raw.get("scope") or {}, where)
    partners = {
        key: _parse_partner(key, block, env, api_url_set if demo else None, where)
        for key, block in raw["partners"].items()
    }
    return HubConfig(scope=scope, partners=partners, path=path)


def _parse_scope(block: dict[str, Any], where: str) -> Scope:
    codes = frozenset(str(c).zfill(4) for c in block.get("municipality_codes") or [])
    ranges = []
    for item in block.get("postcode_ranges") or []:
        if not (isinstance(item, list | tuple) and len(item) == 2):
            raise ConfigError("postcode_ranges entries must be [low, high]", origin=where,
                              field="scope")
        low, high = int(item[0]), int(item[1])
        if not (1000 <= low <= high <= 9999):
            raise ConfigError("postcode range must be 4 digits, low <= high", origin=where,
                              field="scope")
        ranges.append((low, high))
    return Scope(municipality_codes=codes, postcode_ranges=tuple(ranges))


def _parse_partner(key: str, block: Any, env: dict[str, str], set_vars: set[str] | None,
                   where: str) -> PartnerConfig:
    """One partner block; ``set_vars`` is None outside the demo (no demo API fallback)."""
    if not isinstance(block, dict):
        raise ConfigError("partner block must be a mapping", partner=key, origin=where)
    kind = block.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)}", partner=key, origin=where,
                          field="kind")
    connection_raw = block.get("connection") or {}
    demo_api = False
    if kind == "rest" and set_vars is not None:
        names = _ENV.findall(str(connection_raw.get("base_url", "")))
        # A base URL that refers only to unset variables means: the local demo API.
        demo_api = bool(block.get("demo_api")) or bool(names) and not any(
            n in set_vars for n in names)
        if demo_api:
            connection_raw = {**connection_raw, "base_url": "http://demo.invalid"}
    connection = expand_env(connection_raw, env, f"{where}: {key}.connection", key)
    _check_connection(key, kind, connection, where)
    datasets = {}
    for name in DATASETS:
        if name in block and block[name] is not None:
            datasets[name] = _parse_dataset(key, kind, name, block[name], env, where)
    if "persons" not in datasets and "registrations" not in datasets:
        raise ConfigError("partner has neither persons nor registrations", partner=key,
                          origin=where)
    return PartnerConfig(key=key, name=str(block.get("name") or key), kind=kind,
                         connection=connection, datasets=datasets, demo_api=demo_api,
                         contact=parse_contact(key, block.get("contact"), where),
                         retention=parse_retention(key, block.get("retention"), where),
                         trust=_parse_trust(key, block, where))


TRUST_FIELDS = ("bsn", "name")
"""The field groups a partner's ``trust:`` ranks (birth date and sex follow the BSN's)."""


def _parse_trust(key: str, block: dict[str, Any], where: str) -> dict[str, int]:
    trust = block.get("trust") or {}
    if not isinstance(trust, dict) or set(trust) - set(TRUST_FIELDS) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in trust.values()):
        raise ConfigError(f"trust must map {' and/or '.join(TRUST_FIELDS)} to a rank (0 first)",
                          partner=key, origin=where, field="trust")
    return {str(f): int(v) for f, v in trust.items()}


def _partner_blocks(settings: Settings) -> dict[str, Any]:
    """The raw partner blocks of the configured file ({} when there is none)."""
    path = Path(settings.partners_config)
    if not path.exists():
        return {}
    partners = _read_yaml(path).get("partners")
    return partners if isinstance(partners, dict) else {}


def partner_keys(settings: Settings) -> tuple[str, ...]:
    """The configured partners' keys, read without expanding connections (no secrets needed)."""
    return tuple(str(k) for k in _partner_blocks(settings))


def partner_names(settings: Settings) -> dict[str, str]:
    """Partner key -> display name (the ``name:`` key), read without expanding connections."""
    return {str(key): str(block.get("name") or key)
            for key, block in _partner_blocks(settings).items() if isinstance(block, dict)}


def trust_ranks(settings: Settings) -> dict[str, dict[str, int]]:
    """Survivorship ranks from the configuration: field group -> partner -> rank.

    Read without expanding connections, so the store can rank sources where no partner
    credentials are set.
    """
    where = str(settings.partners_config)
    ranks: dict[str, dict[str, int]] = {f: {} for f in TRUST_FIELDS}
    for key, block in _partner_blocks(settings).items():
        if isinstance(block, dict):
            for group, rank in _parse_trust(str(key), block, where).items():
                ranks[group][str(key)] = rank
    return ranks


def _check_connection(key: str, kind: str, connection: dict[str, Any], where: str) -> None:
    required = {"files": "folder", "sql": "url", "rest": "base_url"}[kind]
    if not connection.get(required):
        raise ConfigError(f"connection.{required} is required for kind {kind}", partner=key,
                          origin=where, field=f"connection.{required}")


def _parse_dataset(key: str, kind: str, name: str, block: dict[str, Any], env: dict[str, str],
                   where: str) -> DatasetConfig:
    block = expand_env(block, env, f"{where}: {key}.{name}", key)
    origin = f"{where}: {key}.{name}"
    if kind == "files" and not block.get("pattern"):
        raise ConfigError("files dataset needs a pattern", partner=key, origin=origin,
                          field="pattern")
    if kind == "sql" and bool(block.get("table")) == bool(block.get("query")):
        raise ConfigError("sql dataset needs exactly one of table or query", partner=key,
                          origin=origin, field="table")
    if kind == "rest" and not block.get("endpoint"):
        raise ConfigError("rest dataset needs an endpoint", partner=key, origin=origin,
                          field="endpoint")
    pagination = block.get("pagination")
    if pagination is not None and pagination.get("style") not in PAGINATION_STYLES:
        raise ConfigError(f"pagination.style must be one of {', '.join(PAGINATION_STYLES)}",
                          partner=key, origin=origin, field="pagination")
    fields_raw = block.get("fields") or {}
    if not isinstance(fields_raw, dict) or not fields_raw:
        raise ConfigError("dataset needs a fields mapping", partner=key, origin=origin,
                          field="fields")
    rules = {t: _parse_rule(key, name, t, r, origin) for t, r in fields_raw.items()}
    _check_required(key, name, rules, origin)
    aggregate_by = block.get("aggregate_by")
    if aggregate_by is not None and (name != "registrations" or aggregate_by != "case_id"):
        raise ConfigError("aggregate_by is only supported as 'case_id' on registrations",
                          partner=key, origin=origin, field="aggregate_by")
    watermark = block.get("watermark")
    watermark_param = block.get("watermark_param")
    if isinstance(watermark, dict):
        watermark_param = watermark.get("param")
        watermark = watermark.get("column") or watermark.get("field")
    return DatasetConfig(
        name=name, fields=rules, pattern=block.get("pattern"), sheet=block.get("sheet"),
        table=block.get("table"), query=block.get("query"), endpoint=block.get("endpoint"),
        records_path=block.get("records_path"), pagination=pagination, watermark=watermark,
        watermark_param=watermark_param, key=block.get("key"), aggregate_by=aggregate_by,
        params=dict(block.get("params") or {}),
    )


_RULE_KEYS = {"column", "constant", "values", "date_format", "parse", "separator"}


def _parse_rule(key: str, dataset: str, target: str, raw: Any, origin: str) -> FieldRule:
    if target not in SETTABLE[dataset]:
        raise ConfigError(f"unknown canonical field for {dataset}", partner=key, origin=origin,
                          field=target)
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw, dict):
        raise ConfigError("field rule must be a mapping", partner=key, origin=origin, field=target)
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"unknown rule keys: {', '.join(sorted(unknown))}", partner=key,
                          origin=origin, field=target)
    has_constant = "constant" in raw
    if has_constant == ("column" in raw):
        raise ConfigError("field rule needs exactly one of column or constant", partner=key,
                          origin=origin, field=target)
    parse = raw.get("parse")
    if parse is not None and parse not in PARSERS:
        raise ConfigError(f"parse must be one of {', '.join(PARSERS)}", partner=key,
                          origin=origin, field=target)
    values = raw.get("values")
    if values is not None:
        if not isinstance(values, dict):
            raise ConfigError("values must be a mapping raw -> canonical", partner=key,
                              origin=origin, field=target)
        values = {str(k).strip().lower(): v for k, v in values.items()}
    allowed = VOCABULARIES.get(target)
    if allowed:
        candidates = list((values or {}).values())
        if has_constant and raw["constant"] is not None:
            candidates.append(raw["constant"])
        bad = sorted({str(v) for v in candidates if v is not None and v not in allowed})
        if bad:
            raise ConfigError(f"not a canonical {target}: {', '.join(bad)}", partner=key,
                              origin=origin, field=target)
    formats = raw.get("date_format") or ()
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    return FieldRule(target=target, column=raw.get("column"), constant=raw.get("constant"),
                     has_constant=has_constant, values=values, date_formats=formats, parse=parse,
                     separator=str(raw.get("separator", ",")))


def _check_required(key: str, dataset: str, rules: dict[str, FieldRule], origin: str) -> None:
    required = {
        "persons": ("source_record_id", "address_confidential"),
        "registrations": ("case_id", "person_record_ids"),
    }[dataset]
    for name in required:
        if name not in rules:
            why = (" (use {constant: false} when the partner keeps no secret addresses)"
                   if name == "address_confidential" else "")
            raise ConfigError(f"mapping must define {name}{why}", partner=key, origin=origin,
                              field=name)
