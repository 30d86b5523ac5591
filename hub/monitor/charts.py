"""Trend charts of the monitor: inline SVG for the web page, a text sparkline for Dagster.

Drawn by hand because the charts are one polyline each and must work offline, without script
and within the page's Content-Security-Policy (no inline styles: presentation attributes only);
a charting library would bring a browser script or a 50 MB dependency for that. Hidden months
(suppressed cells) break the line and are marked with a small cross on the axis, so a reader sees
that a value exists but is not shown.
"""

from html import escape

WIDTH, HEIGHT = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 28
BARS = "▁▂▃▄▅▆▇█"


def _nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1) if value >= 1 else 0.1
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _label(month: str) -> str:
    """``2026-03`` as ``03-2026`` (staff read months as mm-jjjj)."""
    year, _, mon = month.partition("-")
    return f"{mon}-{year}" if mon else month


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def trend_svg(series: list[tuple[str, float | None]], title: str, unit: str = "") -> str:
    """An accessible SVG line chart of one indicator per month (``None``: hidden month)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [v for _, v in series if v is not None]
    top = _nice_max(max(values, default=0.0))
    n = len(series)

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    shown = ", ".join(f"{_label(m)}: {_number(v) if v is not None else 'x'}"
                      for m, v in series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="trend">',
        f"<title>{escape(title)}</title><desc>{escape(shown)}</desc>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#888" stroke-width="1"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#888" '
        'stroke-width="1"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" font-size="10" fill="#444">'
        f"{escape(_number(top))}</text>",
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" font-size="10" '
        'fill="#444">0</text>',
    ]
    if unit:
        parts.append(f'<text x="{LEFT + 4}" y="{TOP + 8}" font-size="10" fill="#666">'
                     f"{escape(unit)}</text>")
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_month, value) in enumerate(series):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            cx, cy = x(i), TOP + plot_h
            parts.append(f'<path d="M{cx - 3:.1f},{cy - 3:.1f}l6,6m0,-6l-6,6" stroke="#a00" '
                         'stroke-width="1"/>')
            continue
        segment.append(f"{x(i):.1f},{y(value):.1f}")
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) == 1:
            dot_x, dot_y = points[0].split(",")
            parts.append(f'<circle cx="{dot_x}" cy="{dot_y}" r="2.5" fill="#14365d"/>')
        else:
            parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#14365d" '
                         'stroke-width="2"/>')
    if series:
        parts.append(f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="10" fill="#444">'
                     f"{escape(_label(series[0][0]))}</text>")
        parts.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" '
                     f'font-size="10" fill="#444">{escape(_label(series[-1][0]))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def sparkline(series: list[tuple[str, float | None]]) -> str:
    """The series as block characters (``·`` for a hidden month), for Dagster metadata."""
    values = [v for _, v in series if v is not None]
    top = max(values, default=0.0)
    out = []
    for _, value in series:
        if value is None:
            out.append("·")
        else:
            out.append(BARS[min(len(BARS) - 1, int(value / top * (len(BARS) - 1)))] if top
                       else BARS[0])
    return "".join(out)
