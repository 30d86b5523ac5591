"""Great Expectations Data Docs that work without internet and name partner, asset and run.

GX's pages load Bootstrap, jQuery, Vega and fonts from CDNs and a logo from a tracking URL (with
the data context's id): offline the index is blank (its table is drawn by a CDN script), and
every page view tells third parties that someone looked. No package ships those files for GX,
so after each build the external ``<script>``, ``<link>`` and ``<img>`` tags are removed (the
validation pages are plain HTML tables and read fine without them) and the index is replaced
by a static one listing every validation page by partner, asset and run.

The tags are found with regular expressions: the markup is GX's own generated template, not
arbitrary HTML, and no HTML parser is a dependency of this layer.
"""

import html
import json
import re
from pathlib import Path

EXTERNAL = re.compile(
    r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>"
    r"|<link[^>]*\bhref=[\"']https?://[^>]*>"
    r"|<img[^>]*\bsrc=[\"']https?://[^>]*>",
    re.IGNORECASE,
)
CSS_URL = re.compile(r"url\(\s*[\"']?https?://[^)]*\)", re.IGNORECASE)
MARKER = "<!-- hub: offline -->"
STYLE = """<style>
body{font-family:system-ui,sans-serif;margin:1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}.hidden,.d-none{display:none}
</style>"""


def strip_external(text: str) -> str:
    """The page without external scripts, stylesheets and images, with a minimal inline style."""
    if MARKER in text:
        return text
    text = CSS_URL.sub("none", EXTERNAL.sub("", text))
    return text.replace("</head>", f"{MARKER}\n{STYLE}\n</head>", 1)


def make_offline(site: Path) -> int:
    """Strip every page under ``site`` (once each) and write the static index; returns the
    number of pages changed."""
    changed = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        clean = strip_external(text)
        if clean != text:
            page.write_text(clean, encoding="utf-8")
            changed += 1
    write_index(site)
    return changed


def validation_pages(site: Path) -> list[dict[str, str]]:
    """Every validation page: ``validations/<partner>/<asset>/<run>/<time>/<batch>.html``."""
    rows = []
    for page in sorted((site / "validations").glob("*/*/*/*/*.html")):
        partner, asset, run, moment = page.relative_to(site / "validations").parts[:4]
        stored = site.parent.parent / "validations" / page.relative_to(
            site / "validations").with_suffix(".json")  # the result GX rendered the page from
        try:
            success = json.loads(stored.read_text(encoding="utf-8")).get("success")
        except (OSError, ValueError):
            success = None
        outcome = {True: "passed", False: "rules failed"}.get(success, "see page")
        rows.append({"partner": partner, "asset": asset, "run": run, "time": moment,
                     "href": page.relative_to(site).as_posix(),
                     "outcome": outcome})
    rows.sort(key=lambda r: (r["time"], r["partner"], r["asset"]), reverse=True)
    return rows


def write_index(site: Path) -> Path:
    """A static index of the validation pages, newest first (no script, no external file)."""
    rows = validation_pages(site)
    body = "\n".join(
        f"<tr><td>{html.escape(r['partner'])}</td><td>{html.escape(r['asset'])}</td>"
        f"<td>{html.escape(r['run'])}</td><td>{html.escape(r['time'])}</td>"
        f"<td><a href=\"{html.escape(r['href'])}\">{r['outcome']}</a></td></tr>"
        for r in rows)
    page = site / "index.html"
    page.write_text(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Data Docs: registration hub</title>" + MARKER + STYLE + "</head><body>"
        "<h1>Data Docs of the registration hub</h1>"
        f"<p>{len(rows)} validation results; counts and rules only, never the failing values."
        "</p><table><thead><tr><th>Partner</th><th>Asset</th><th>Run</th><th>Validated (UTC)"
        "</th><th>Result</th></tr></thead><tbody>\n" + body + "\n</tbody></table></body></html>",
        encoding="utf-8")
    return page
