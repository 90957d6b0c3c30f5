"""Column profiles on screen: the strip in a column header and the detail panel.

Both are built from a profile of ``app.core.profile``; every value goes in
as text (``el`` sets textContent), and bar sizes are the only styles set.
"""

from app.core import captions, display, profile
from app.ui.shell.dom import el, on


def spark(found: dict):
    """A small strip of bars (histogram or top values) for a column header; decorative to screen readers."""
    bars = profile.spark_bars(found)
    strip = el("div", None, "prof-spark", {"aria-hidden": "true", "title": captions.spark_title(found)})
    for bar in bars:
        height = 0 if not bar["count"] else max(8, int(round(bar["fraction"] * 100)))
        piece = el("span", None, "prof-spark-bar")
        piece.style.height = str(height) + "%"
        strip.append(piece)
    if not bars:
        strip.classList.add("prof-spark-empty")
    return strip


def panel(found: dict, on_filter):
    """The full profile of a column; each top value is a button calling ``on_filter(name, value)``."""
    name = found["name"]
    box = el("section", None, "prof-panel", {"aria-label": "Profile of column " + name})
    title = el("h2", None, "prof-title")
    title.append(el("span", name, "prof-name"))
    title.append(el("span", found["type"], "prof-type"))
    box.append(title)
    stats = el("dl", None, "prof-stats")
    for label, text in profile.summary_lines(found)[1:]:  # the type is in the heading
        stats.append(el("dt", label))
        stats.append(el("dd", text, "prof-note" if label == "Note" else None))
    box.append(stats)
    if found.get("histogram"):
        box.append(_histogram(found))
    if "top" in found:
        box.append(_top_values(found, on_filter))
    return box


def _histogram(found: dict):
    part = el("div", None, "prof-part")
    part.append(el("h3", "Distribution", "prof-heading"))
    rows = el("ol", None, "prof-bars", {"aria-label": "Distribution of " + found["name"]})
    tallest = max([b["count"] for b in found["histogram"]]) or 1
    for b in found["histogram"]:
        rows.append(_bar_row(el("span", b["label"], "prof-label"), b["count"], tallest, found["count"]))
    part.append(rows)
    return part


def _top_values(found: dict, on_filter):
    part = el("div", None, "prof-part")
    heading = "Most common values" + (" (estimated)" if found.get("top_approx") else "")
    part.append(el("h3", heading, "prof-heading"))
    if not found["top"]:
        if found.get("top_approx") or not found["count"]:
            text = "No value occurs more than once." if found["count"] else "No rows."
            part.append(el("p", text, "prof-empty"))
        return part
    rows = el("ul", None, "prof-bars prof-top")
    tallest = max([t["count"] for t in found["top"]]) or 1
    for entry in found["top"]:
        text = display.cell_text(entry["value"])
        button = el(
            "button",
            text,
            "prof-value" + (" prof-null" if entry["value"] is None else ""),
            {
                "type": "button",
                "title": "Show only rows where " + found["name"] + " is " + text,
                "aria-label": captions.top_value_label(text, entry["count"]),
            },
        )
        on(button, "click", _filter_to(on_filter, found["name"], entry["value"]))
        rows.append(_bar_row(button, entry["count"], tallest, found["count"]))
    part.append(rows)
    if found.get("other"):
        part.append(
            el(
                "p",
                "Other values: "
                + display.thousands(found["other"])
                + captions.share_text(found["other"], found["count"]),
                "prof-other",
            )
        )
    return part


def _bar_row(label, count: int, tallest: int, total: int):
    """One row: the label (text or button), a bar scaled to ``tallest``, the count as text."""
    row = el("li", None, "prof-row")
    row.append(label)
    track = el("span", None, "prof-track", {"aria-hidden": "true"})
    fill = el("span", None, "prof-fill")
    fill.style.width = "%.1f%%" % (100.0 * count / tallest)
    track.append(fill)
    row.append(track)
    row.append(el("span", display.thousands(count) + captions.share_text(count, total), "prof-count"))
    return row


def _filter_to(on_filter, name: str, value):
    def clicked(event):
        on_filter(name, value)

    return clicked
