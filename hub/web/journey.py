"""The family's journey: every partner's cases on one time line, and what the overlaps mean.

Drawn server-side as SVG (percent coordinates, so it scales to any width without a script) and
told in words: a partner that starts while another is still involved adds expertise; one that
starts soon after another ended takes over. Child protection measures stand out.
"""

from datetime import date, timedelta
from typing import Any

from hub.web.i18n import N_
from hub.web.labels import MEASURES

HANDOVER_DAYS = 183
"""A partner starting within half a year after another ended counts as a hand-over."""


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def journey(cases: list[dict[str, Any]], today: date | None = None) -> dict[str, Any] | None:
    """Lanes (one per partner) of bars with percent positions, year ticks and the hand-overs
    and overlaps in words; None when no case has a start date."""
    today = today or date.today()
    dated: list[tuple[dict[str, Any], date, date | None]] = []
    for c in cases:
        began = _as_date(c.get("start_date"))
        if began is not None:
            dated.append((c, began, _as_date(c.get("end_date"))))
    if not dated:
        return None
    first = min(s for _, s, _ in dated)
    last = max([today, *(e for _, _, e in dated if e)])
    start = date(first.year, 1, 1)
    end = date(last.year + 1, 1, 1)
    span = (end - start).days

    def pct(day: date) -> float:
        return round(100 * (day - start).days / span, 2)

    lanes: dict[str, list[dict[str, Any]]] = {}
    for case, s, e in sorted(dated, key=lambda x: x[1]):
        stop = e or today
        lanes.setdefault(case["source"], []).append({
            **case, "x": pct(s), "width": max(round(pct(stop) - pct(s), 2), 0.8),
            "open": e is None, "measure": case.get("case_type") in MEASURES,
        })
    ticks = [{"year": y, "x": pct(date(y, 1, 1))} for y in range(start.year, end.year + 1)]
    return {"lanes": [{"source": k, "bars": v} for k, v in lanes.items()], "ticks": ticks,
            "today": pct(today), "events": _events(dated, today)}


def _events(dated: list[tuple[dict[str, Any], date, date | None]],
            today: date) -> list[dict[str, Any]]:
    """Per case that started after another partner's case: overlap (expertise added) or
    hand-over, as msgids with their values."""
    events = []
    ordered = sorted(dated, key=lambda x: x[1])
    for i, (case, s, _e) in enumerate(ordered):
        before = [(c, bs, be) for c, bs, be in ordered[:i] if c["source"] != case["source"]]
        running = [c for c, _bs, be in before if (be or today) >= s]
        if running:
            events.append({"kind": "overlap", "date": s, "case": case,
                           "others": sorted({c["source"] for c in running}),
                           "text": N_("%(partner)s joined while %(others)s was involved: "
                                      "expertise added")})
            continue
        ended = [(c, be) for c, _bs, be in before
                 if be is not None and timedelta(0) <= s - be <= timedelta(days=HANDOVER_DAYS)]
        if ended:
            events.append({"kind": "handover", "date": s, "case": case,
                           "others": sorted({c["source"] for c, _ in ended}),
                           "text": N_("%(others)s handed over to %(partner)s")})
    return events
