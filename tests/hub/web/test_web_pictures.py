"""The pictures' arithmetic: the family's journey (overlap, hand-over, measures), the waterfall,
the weight histogram and review ages. Pure functions, no store."""

from datetime import UTC, date, datetime

from hub.web.journey import journey
from hub.web.overview import review_ages, weight_histogram
from hub.web.review import aligned, candidate_groups, waterfall

TODAY = date(2026, 12, 4)


def _case(source: str, kind: str, start: str, end: str | None = None) -> dict:
    return {"source": source, "case_id": f"{source}-{start}", "case_type": kind,
            "start_date": start, "end_date": end}


def test_journey_tells_expertise_added_from_a_hand_over() -> None:
    cases = [_case("veilig_thuis", "melding", "2024-01-10", "2024-06-30"),
             _case("rvdk", "beschermingsonderzoek", "2024-08-01", "2024-12-01"),  # 1 month later
             _case("jbra", "ots", "2024-11-15"),  # while the Raad is still involved
             _case("wss", "opvang", "2026-06-01"),  # the OTS still runs: expertise added
             _case("ldh", "jeugdreclassering", "2025-01-01", "2025-02-01")]
    line = journey(cases, today=TODAY)
    kinds = [(e["kind"], e["case"]["source"], e["others"]) for e in line["events"]]
    assert kinds == [("handover", "rvdk", ["veilig_thuis"]), ("overlap", "jbra", ["rvdk"]),
                     ("overlap", "ldh", ["jbra"]), ("overlap", "wss", ["jbra"])]
    bars = {b["source"]: b for lane in line["lanes"] for b in lane["bars"]}
    assert bars["jbra"]["measure"] and bars["jbra"]["open"] and not bars["rvdk"]["measure"]
    assert [t["year"] for t in line["ticks"]] == [2024, 2025, 2026, 2027]
    assert 0 <= bars["veilig_thuis"]["x"] < bars["rvdk"]["x"] < bars["jbra"]["x"] < 100
    assert journey([_case("wss", "opvang", "")], today=TODAY) is None
    apart = journey([_case("veilig_thuis", "melding", "2020-01-01", "2020-02-01"),
                     _case("wss", "opvang", "2022-01-01", "2022-02-01")], today=TODAY)
    assert apart["events"] == []  # two years apart: neither overlap nor hand-over


def test_waterfall_steps_add_up_to_the_total() -> None:
    wf = waterfall({"prior": -3.0, "first_name": ["exact", 6.0], "address": ["different", -2.0],
                    "total": 1.0})
    assert [round(s["end"], 1) for s in wf["steps"]] == [-3.0, 3.0, 1.0]
    assert [s["up"] for s in wf["steps"]] == [False, True, False]
    assert 0 < wf["zero"] < 100 and 0 < wf["review"] < wf["match"] < 100  # review below match
    assert waterfall("not an explanation") is None


def test_candidate_groups_are_connected_records_and_alignment_marks_differences() -> None:
    def pair(item: str, a: str, b: str) -> dict:
        return {"item_id": item, "left_source": "vt", "left_record_id": a,
                "right_source": "vt", "right_record_id": b, "left_person_id": a,
                "right_person_id": b, "reason": "uncertain_match_weight", "first_seen": None}

    groups = candidate_groups([pair("c1", "A", "B"), pair("a2", "B", "C"), pair("b3", "X", "Y")])
    assert sorted((g["group_id"], len(g["records"])) for g in groups) == [("a2", 3), ("b3", 2)]
    rows = aligned([{"name": "Jan", "sex": "M"}, {"name": "Jan", "sex": "V"}, {"name": None}])
    sex = next(r for r in rows if r["field"] == "sex")["cells"]
    assert [c["differs"] for c in sex] == [False, True, False]


def test_histogram_log_scale_thresholds_and_review_ages() -> None:
    hist = weight_histogram([5.0] * 99 + [-1.0])
    heights = {b["label"]: b["height"] for b in hist["bins"]}
    assert heights["4 – 6"] == 100.0 and 0 < heights["-2 – 0"] < 20  # log10(2)/log10(100)
    assert hist["total"] == 100 and hist["review"] < hist["match"]
    now = datetime(2026, 12, 4, tzinfo=UTC)
    items = [{"reason": "uncertain_match_weight", "first_seen": datetime(2026, 12, 1, tzinfo=UTC)},
             {"reason": "cannot_link", "first_seen": datetime(2026, 9, 1, tzinfo=UTC)}]
    ages = review_ages(items, now)
    assert [b["total"] for b in ages["buckets"]] == [1, 0, 0, 1]
