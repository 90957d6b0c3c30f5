"""The chart panel: a builder form (kind, x, y, color, summary, time unit), the chart, how its data was
reduced, and downloads (PNG, SVG, the Vega-Lite spec).

The chart is part of the view state (the active table's ``"chart"``; None
when the panel is closed), so a shared view shows it too. What fits each
role, the SQL reducing the rows and the spec are app.core.charts'; the
chart is drawn by assets/js/charts.mjs. It charts the rows the grid keeps
— filters and search applied — and ``refresh`` (called after every render
of the table) redraws it when those rows or the chart changed.

    wire(session)     build the panel and connect the Chart toggle (once)
    refresh(session)  show the active table's chart as its state says
"""

import asyncio
import json

from pyscript import window

from app.core import charts, errors, query, sql, types, view
from app.engine import wasm
from app.ui.shell import feedback
from app.ui.shell.dom import by_id, clear, count_up, el, on, show
from app.ui.table.table_view import filter_key

_FIELDS = ("x", "y", "color", "aggregate", "unit")
_UNIT_LABELS = {
    "auto": "Automatic",
    "year": "Year",
    "quarter": "Quarter",
    "month": "Month",
    "week": "Week",
    "day": "Day",
    "hour": "Hour",
    "minute": "Minute",
    "second": "Second",
}
_TIME_UNIT_KINDS = ("bar", "line", "area", "heatmap")
# The panel's own state (one panel per page).
_panel = {"session": None, "drawn": None, "generation": 0, "remembered": {}, "export": None, "table": None}


def wire(session) -> None:
    """Build the panel into ``#chart-panel`` and connect the Chart toggle (once per page)."""
    if _panel["session"] is not None:
        return
    _panel["session"] = session
    root = by_id("chart-panel")
    clear(root)
    head = el("div", None, "chart-head")
    head.append(el("h2", "Chart", "chart-heading", {"id": "chart-heading"}))
    close = el("button", "×", "button small", {"type": "button", "id": "chart-close", "aria-label": "Close the chart"})
    on(close, "click", lambda event: _toggle(False))
    head.append(close)
    root.append(head)
    form = el("form", None, "chart-form", {"id": "chart-form", "aria-label": "Chart builder"})
    on(form, "submit", lambda event: event.preventDefault())
    form.append(_field("kind", "Chart"))
    for key in _FIELDS:
        form.append(_field(key, key))
    root.append(form)
    figure = el("figure", None, "chart-figure")
    figure.append(el("div", None, "chart-view", {"id": "chart-view", "role": "img", "aria-label": "Chart"}))
    figure.append(el("figcaption", None, "chart-note", {"id": "chart-note", "aria-live": "polite"}))
    root.append(figure)
    actions = el("div", None, "chart-actions", {"role": "group", "aria-labelledby": "chart-download-label"})
    actions.append(el("span", "Download", "chart-label", {"id": "chart-download-label"}))
    for key, label in (("png", "PNG"), ("svg", "SVG"), ("json", "Spec (JSON)")):
        button = el(
            "button",
            label,
            "button small",
            {"type": "button", "id": "chart-download-" + key, "aria-label": "Download " + label},
        )
        on(button, "click", _downloader(key))
        actions.append(button)
    root.append(actions)
    on(by_id("chart-toggle"), "click", lambda event: _toggle(by_id("chart-panel").hidden))


def refresh(session) -> None:
    """Show the active table's chart as its state says: drawn again when its rows or settings changed."""
    wire(session)
    table = session.view["active"]
    chart = view.table_state(session.view)["chart"] if table in session.tables else None
    _show(chart is not None)
    if chart is None:
        return
    if _key(session, table, chart) != _panel["drawn"]:
        session.spawn(_draw(session))  # counts data-chart-checks when it ends
    else:
        count_up(window.document.body, "data-chart-checks")  # nothing changed: not drawn again


# --- opening, closing, choosing -------------------------------------------------------------


def open_chart(session) -> None:
    """Open the chart panel on the active table (a first chart is suggested)."""
    _toggle(True)


def _toggle(opening: bool) -> None:
    session = _panel["session"]
    table = session.view["active"]
    if table is None:
        return
    current = session.state()["chart"]
    if not opening:
        if current:
            _panel["remembered"][table] = current
        _save(session, None)
        _show(False)
        by_id("chart-toggle").focus()
        return
    columns = _columns(session, table)
    remembered = _panel["remembered"].get(table)
    chart = charts.fitted(remembered, columns) if remembered else charts.suggest(columns, _facts(session, table))
    if chart is None:
        feedback.error(
            "This table has no column Loupe can chart (numbers, text, dates or true/false). "
            "Change a column's type with 'Column type…', or open another table."
        )
        return
    _save(session, chart)
    refresh(session)


def _changed(key: str):
    """A form field changed: fit the other fields around it, save, draw."""

    def handler(event):
        session = _panel["session"]
        table = session.view["active"]
        chart = {"kind": str(by_id("chart-kind").value)}
        for field in _FIELDS:
            chart[field] = str(by_id("chart-" + field).value) or None
        _save(session, charts.fitted(chart, _columns(session, table), key))
        refresh(session)

    return handler


def _save(session, chart) -> None:
    """Record the chart in the view state without redrawing the grid (its rows did not change)."""
    session.view = view.with_chart(session.view, chart)
    session.publish_view()


def _show(visible: bool) -> None:
    show(by_id("chart-panel"), visible)
    by_id("chart-toggle").setAttribute("aria-expanded", "true" if visible else "false")
    if not visible and _panel["drawn"] is not None:
        window.loupeCharts.clear()
        _panel["export"] = None
        _panel["drawn"] = None


# --- drawing --------------------------------------------------------------------------------


async def _draw(session) -> None:
    """Reduce the view's rows in DuckDB, then draw the spec; a newer draw makes this one give way."""
    _panel["generation"] += 1
    generation = _panel["generation"]
    table = session.view["active"]
    state = session.state()
    chart = state["chart"]
    columns = _columns(session, table)
    key = _key(session, table, chart)
    _panel["drawn"] = key
    _fill_form(chart, columns)
    problem = charts.problem(chart, columns)
    if problem:
        _failed("No chart: " + problem)
        return
    clause, params = query.where(state, columns)
    figure = by_id("chart-view")
    figure.parentNode.setAttribute("aria-busy", "true")
    try:
        data = await wasm.run(
            charts.chart_data((sql.quote_ident(table) + clause, params), columns, chart), session.engine
        )
        await asyncio.sleep(0)  # a task of its own for each step: the page stays responsive
        if generation != _panel["generation"]:
            return
        spec = charts.vega_lite(data)
        by_id("chart-note").textContent = " ".join(data["notes"])
        by_id("chart-note").classList.remove("error")
        figure.setAttribute("aria-label", spec["description"])
        text = json.dumps(spec)
        await asyncio.sleep(0)
        if generation != _panel["generation"]:
            return
        await window.loupeCharts.render(figure, text)
        if generation == _panel["generation"]:
            _panel["export"] = charts.vega_lite(data, True)
            _panel["table"] = table
    except errors.LoupeError as failure:
        if generation == _panel["generation"]:
            _failed(str(failure))
    except Exception as failure:  # a rejected JS promise (the chart could not be drawn)
        if generation == _panel["generation"]:
            _failed(wasm.js_message(failure) + " Try another kind of chart or other columns.")
    finally:
        if generation == _panel["generation"]:
            figure.parentNode.setAttribute("aria-busy", "false")
        # <body data-chart-checks>: refreshes decided (drawn, gave way, failed or unchanged); tests wait on it.
        count_up(window.document.body, "data-chart-checks")


def _failed(message: str) -> None:
    """Say why there is no chart, in the panel and in the alert region; the app stays usable."""
    window.loupeCharts.clear()
    _panel["export"] = None
    note = by_id("chart-note")
    note.textContent = message
    note.classList.add("error")
    by_id("chart-view").setAttribute("aria-label", message)
    feedback.error(message)


def _key(session, table: str, chart) -> str:
    """What a drawn chart depends on: the table, its rows (filters, search, size, columns) and the chart."""
    state = session.state()
    info = session.tables[table]
    return view.canonical(
        [table, info["rows"], info["columns"], state.get("filters") or [], state.get("search") or "", chart]
    )


# --- the form ---------------------------------------------------------------------------------


def _field(key: str, label: str):
    """``<label><span>label</span><select id="chart-KEY"></select></label>``."""
    wrap = el("label", None, "chart-field", {"id": "chart-field-" + key})
    wrap.append(el("span", label, "chart-label", {"id": "chart-label-" + key}))
    select = el("select", None, None, {"id": "chart-" + key})
    on(select, "change", _changed(key))
    wrap.append(select)
    return wrap


def _fill_form(chart: dict, columns: list) -> None:
    """Show ``chart`` in the form: each role's fitting columns, the summaries and units that apply."""
    chart = charts.normalized(chart)
    kind = chart["kind"] if chart["kind"] in charts.KINDS else None
    _options("kind", [(k, charts.KINDS[k]["label"]) for k in charts.ORDER], kind or "")
    used = {}
    if kind:
        fits = charts.fields_for(kind, columns)
        for role, label, required in charts.roles(kind):
            used[role] = True
            choices = [] if required else [("", "(none)")]
            _options(role, choices + [(name, name) for name in fits[role]], chart[role] or "")
            by_id("chart-label-" + role).textContent = label
    for role in ("x", "y", "color"):
        show(by_id("chart-field-" + role), role in used)
    summaries = charts.aggregates(kind) if kind else []
    show(by_id("chart-field-aggregate"), bool(summaries))
    by_id("chart-label-aggregate").textContent = "Summary"
    _options("aggregate", [(a, _summary_label(a)) for a in summaries], chart["aggregate"] or "")
    found = {}
    for column in columns:
        found[column["name"]] = column["kind"]
    timed = kind in _TIME_UNIT_KINDS and [r for r in used if found.get(chart[r]) in charts.TIME]
    show(by_id("chart-field-unit"), bool(timed))
    by_id("chart-label-unit").textContent = "Time unit"
    _options("unit", [(u, _UNIT_LABELS[u]) for u in charts.UNIT_ORDER], chart["unit"] or "auto")


def _options(key: str, choices: list, selected: str) -> None:
    select = by_id("chart-" + key)
    clear(select)
    for value, label in choices:
        option = el("option", label, None, {"value": value})
        if value == selected:
            option.setAttribute("selected", "")
        select.append(option)
    select.value = selected


def _summary_label(aggregate: str) -> str:
    return "Count of rows" if aggregate == "count" else charts.AGGREGATES[aggregate][0]


def _columns(session, table: str) -> list:
    return types.describe_columns([{"name": c["name"], "type": c["type"]} for c in session.tables[table]["columns"]])


def _facts(session, table: str):
    """The profiles of the whole table's columns that the header strips have found so far (None before any)."""
    return session.explorer.profiles.get((table, filter_key({})))


# --- downloads ----------------------------------------------------------------------------------


def _downloader(key: str):
    def handler(event):
        _panel["session"].spawn(_download(key))

    return handler


async def _download(key: str) -> None:
    spec = _panel["export"]
    if spec is None:
        raise charts.ChartError("There is no chart to download yet; choose what to chart first.")
    name = charts.file_name(_panel["table"], key)
    glue = window.loupeCharts
    text = json.dumps(spec)
    try:
        blob = glue.json(text) if key == "json" else await glue.image(text, key)
    except Exception as failure:
        raise charts.ChartError(
            "The chart could not be saved as "
            + key.upper()
            + " ("
            + wasm.js_message(failure)
            + "). Try another format."
        )
    _panel["session"].engine.download(blob, name)
    feedback.status("Saved the chart as " + name)
