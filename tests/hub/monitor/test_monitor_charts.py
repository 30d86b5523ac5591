"""Trend charts: SVG without script or inline style, hidden months visible as gaps."""

from hub.monitor.charts import sparkline, trend_svg


def test_svg_breaks_the_line_at_hidden_months_and_escapes_the_title() -> None:
    series = [("2026-01", 10.0), ("2026-02", 12.0), ("2026-03", None), ("2026-04", 9.0),
              ("2026-05", 11.0)]
    svg = trend_svg(series, 'Overdrachten <"test">', "cases")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 2  # before and after the hidden month
    assert "<script" not in svg and "style=" not in svg
    assert "&lt;&quot;test&quot;&gt;" in svg or "&lt;\"test\"&gt;" in svg
    assert "03-2026: x" in svg  # the description names the hidden month
    assert "01-2026" in svg and "05-2026" in svg


def test_sparkline_marks_hidden_months() -> None:
    assert sparkline([("a", 0.0), ("b", None), ("c", 8.0)]) == "▁·█"
    assert sparkline([("a", None)]) == "·"
