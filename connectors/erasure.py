"""Erasure in the connectors' own files: staging Parquet and the archive of processed drop files.

Processed drop files are kept in ``<inbox>/../archive`` as the partner delivered them. An erasure
rewrites each archived file without the rows of the erased records and cases (found by the
dataset's id column in the partner mapping), in the file's own format; an ``--origin`` erasure
removes the archived file whole. Files rejected whole (``rejected/``) are treated the same when
they can still be parsed (e.g. a mandatory column was missing) and removed whole by an origin
erasure; one that cannot be parsed names no record we could find. The connector state holds only
hashes and watermarks.
"""

import csv
import fnmatch
import re
from pathlib import Path

import pandas as pd

from connectors.config import PartnerConfig, load_config
from connectors.files import detect_delimiter, detect_encoding, folders
from foundation.erasure import Criterion, origin_names, scrub_parquet_tree
from foundation.settings import Settings

_ARCHIVED_TWIN = re.compile(r"\.[0-9a-f]{12}(?=\.[^.]+$)")
"""``move_to`` names a second file of the same name ``<stem>.<sha12><suffix>``."""


def original_name(path: Path) -> str:
    return _ARCHIVED_TWIN.sub("", path.name)


def _id_columns(partner: PartnerConfig, name: str) -> dict[str, str]:
    """``{raw column: 'record' or 'case'}`` of the datasets whose pattern matches ``name``.

    A row naming an erased case is removed too: in a file of one row per person and case, that
    row is the case's copy of the person.
    """
    columns: dict[str, str] = {}
    for dataset in partner.datasets.values():
        if dataset.pattern and not fnmatch.fnmatch(name, dataset.pattern):
            continue
        for target, kind in (("source_record_id", "record"), ("case_id", "case")):
            rule = dataset.fields.get(target)
            if rule is not None and rule.column:
                columns.setdefault(rule.column, kind)
    return columns


def _erased(frame: pd.DataFrame, columns: dict[str, str], record_ids: set[str],
            case_ids: set[str]) -> pd.Series:
    hit = pd.Series(False, index=frame.index)
    for column, kind in columns.items():
        if column in frame.columns:
            ids = record_ids if kind == "record" else case_ids
            hit |= frame[column].astype("str").str.strip().isin(ids)
    return hit


def _rewrite_csv(path: Path, partner: PartnerConfig, columns: dict[str, str],
                 record_ids: set[str], case_ids: set[str]) -> int:
    encoding = partner.connection.get("encoding") or detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as handle:
        delimiter = partner.connection.get("delimiter") or detect_delimiter(handle.readline())
    frame = pd.read_csv(path, sep=delimiter, encoding=encoding, dtype="str",
                        keep_default_na=False, skip_blank_lines=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    hit = _erased(frame, columns, record_ids, case_ids)
    if hit.any():
        tmp = path.with_name(path.name + ".erasing")
        frame[~hit].to_csv(tmp, sep=delimiter, encoding=encoding, index=False,
                           quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        tmp.replace(path)
    return int(hit.sum())


def _rewrite_xlsx(path: Path, columns: dict[str, str], record_ids: set[str],
                  case_ids: set[str]) -> int:
    sheets = pd.read_excel(path, sheet_name=None, dtype="str", engine="calamine",
                           keep_default_na=False)
    removed, kept = 0, {}
    for name, frame in sheets.items():
        frame.columns = [str(c).strip() for c in frame.columns]
        hit = _erased(frame, columns, record_ids, case_ids)
        removed += int(hit.sum())
        kept[name] = frame[~hit]
    if removed:
        tmp = path.with_name(f".{path.stem}.erasing{path.suffix}")
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in kept.items():
                frame.to_excel(writer, sheet_name=str(name), index=False)
        tmp.replace(path)
    return removed


def _erase_folder(folder: Path, partner: PartnerConfig, crit: Criterion, record_ids: set[str],
                  case_ids: set[str], readable: bool) -> int:
    removed = 0
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        name = original_name(path)
        if crit.kind == "origin" and name in origin_names(crit):
            path.unlink()
            removed += 1
            continue
        columns = _id_columns(partner, name)
        if not columns or not (record_ids or case_ids):
            continue
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm"):
                removed += _rewrite_xlsx(path, columns, record_ids, case_ids)
            else:
                removed += _rewrite_csv(path, partner, columns, record_ids, case_ids)
        except (ValueError, UnicodeError, OSError):
            if readable:
                raise
            # A file rejected whole because it cannot be parsed names no record we can find.
    return removed


def erase_archive(partner: PartnerConfig, crit: Criterion, record_ids: set[str],
                  case_ids: set[str]) -> int:
    """Remove the erased rows from every archived (and every rejected but still readable) drop
    file of ``partner``; rows (or, for an origin, files) removed."""
    if partner.kind != "files":
        return 0
    _, archive, rejected = folders(partner)
    return sum(_erase_folder(folder, partner, crit, record_ids, case_ids, readable)
               for folder, readable in ((archive, True), (rejected, False))
               if folder.is_dir())


def erase_partner_files(settings: Settings, crit: Criterion, record_ids: set[str],
                        case_ids: set[str]) -> dict[str, int]:
    """Erase from the partner's staging files and its archive of drop files."""
    removed = {"staging": scrub_parquet_tree(settings.staging / crit.source, crit, record_ids,
                                             case_ids)}
    partner = load_config(settings).partners.get(crit.source)
    removed["archive"] = erase_archive(partner, crit, record_ids, case_ids) if partner else 0
    return removed
