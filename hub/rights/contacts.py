"""Disputed values as the staff pages show them: which partner holds each and how to reach it."""

import logging
from dataclasses import asdict
from functools import cache
from typing import Any

import sqlalchemy as sa

from foundation.errors import HubError
from hub.rights.report import PartnerInfo, partner_infos
from hub.store.disputes import listing

log = logging.getLogger(__name__)


@cache
def partner_contacts() -> dict[str, PartnerInfo]:
    """Partner names and contacts from ``partners.yaml`` (empty when it cannot be read: the pages
    then name the partner key only, and the log says why)."""
    from connectors.config import load_config
    from foundation.settings import get_settings

    try:
        return partner_infos(load_config(get_settings()))
    except HubError as exc:
        log.warning("partner contacts unavailable: %s", exc)
        return {}


def open_disputes(engine: sa.Engine, person_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Open disputes per person id, each with the holding partner's name and contact."""
    contacts = partner_contacts()
    out: dict[str, list[dict[str, Any]]] = {}
    for dispute in listing(engine, person_ids):
        info = contacts.get(dispute.source) or PartnerInfo(dispute.source, dispute.source)
        out.setdefault(dispute.person_id, []).append(
            {**asdict(dispute), "partner_name": info.name, "contact": info.contact})
    return out
