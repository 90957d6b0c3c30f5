"""One printer per step kind: the Polars lines that apply a Loupe step to the frame ``df``.

``STEP_PRINTERS`` maps a step kind to ``printer(step, before, prepared) ->
[lines]``, as app/core/code_pandas_steps.py does for pandas: ``step`` its
JSON (app/core/steps.py), ``before`` the columns it reads, ``prepared``
what the step found in the data (join and append: where the other table's
row numbers start). The lines keep ``df``'s hidden ``ROW`` column and its
``ROW`` order, which the steps that look at the row before (fill previous,
dedupe, running totals) rely on.

A sample and a pivot run the step's own DuckDB SQL over the frame (the
reasons are in code_pandas_steps.FALLBACKS), as does a derive whose
expression has no Polars twin here (app/core/code_polars_expr.py).

CPython only (the Pyodide worker).
"""

from __future__ import annotations

from app.core import (
    code_frame,
    code_pandas_steps,
    code_polars_expr,
    code_polars_view,
    step_parts,
    step_rows,
    step_tables,
    step_text_sql,
    types,
)

ROW = "__loupe_row"
_SPACES = " \t\n\r\x0b\x0c\u00a0"
_SPACE_RUN = "[ \\t\\n\\r\\x0b\\x0c\\xa0]+"
_NUMBER_NOISE = "[\\s\\p{Zs}\\p{Sc}%]"  # what a parse to a number drops, as Loupe's SQL does
_IN_ORDER = "df = df.sort(ROW, maintain_order=True)"
function_name = code_pandas_steps.function_name


def fallback(step_entry: dict, why: str) -> list:
    """The step's own DuckDB SQL run over ``df``, with a comment saying why it is not Polars."""
    text = step_entry["sql"].replace(step_entry["prev"], "df")
    return [
        "# Not written in Polars: " + why + ".",
        "# The step's own DuckDB SQL runs over the frame instead.",
        "df = duckdb.sql(" + repr(text) + ").pl()",
        _IN_ORDER,
    ]


def _col(name: str) -> str:
    return "pl.col(" + repr(name) + ")"


def value(item, kind: str) -> str:
    """A step's value as a Polars literal of the column's kind (DuckDB casts it so)."""
    if item is None:
        return "None"
    if kind == "integer":
        return repr(int(float(item)))
    if kind == "decimal":
        return repr(float(item))
    if kind == "boolean" and isinstance(item, str):
        return repr(item.strip().lower() in ("true", "t", "1", "yes", "y"))
    if kind == "date":
        return "pl.lit(" + repr(str(item)) + ").str.to_date()"
    if kind == "timestamp":
        return "pl.lit(" + repr(str(item)) + ").str.to_datetime()"
    if kind == "text":
        return repr(str(item))
    return repr(item)


def _names_after(entry_columns: list) -> str:
    return "df = df.select(ROW, " + ", ".join(repr(c) for c in entry_columns) + ")"


def _placed(before: list, after: str, added: list) -> list:
    """The column names of ``before`` with ``added`` placed right after ``after``."""
    out = []
    for c in before:
        if c["name"] == ROW:
            continue
        out.append(c["name"])
        if c["name"] == after:
            out += added
    return out


# ---- columns


def _rename(step, before, prepared) -> list:
    return ["df = df.rename({" + repr(step["column"]) + ": " + repr(step["to"]) + "})"]


def _drop(step, before, prepared) -> list:
    return ["df = df.drop(" + repr(list(step["columns"])) + ")"]


def _keep(step, before, prepared) -> list:
    return [_names_after(list(step["columns"]))]


def derive_lines(step_entry: dict, before: list) -> list:
    """A derive step: the expression in Polars, or DuckDB's SQL when it cannot be translated."""
    step = step_entry["step"]
    code = code_polars_expr.translated(step["expression"], before)
    if code is None:
        return fallback(step_entry, "the expression uses SQL that has no plain Polars translation here")
    return ["df = df.with_columns((" + code + ").alias(" + repr(code_pandas_steps._target(step["name"], before)) + "))"]


_CONDITIONS = {
    "=": "{c} == {v}",
    "!=": "({c} != {v}) | {c}.is_null()",
    "<": "{c} < {v}",
    "<=": "{c} <= {v}",
    ">": "{c} > {v}",
    ">=": "{c} >= {v}",
    "contains": "{c}.cast(pl.String).str.contains({v}, literal=True)",
    "starts": "{c}.cast(pl.String).str.starts_with({v})",
    "ends": "{c}.cast(pl.String).str.ends_with({v})",
    "empty": '{c}.is_null() | ({c}.cast(pl.String) == "")',
    "not_empty": '{c}.is_not_null() & ({c}.cast(pl.String) != "")',
}


def _conditional(step, before, prepared) -> list:
    lines = ["# The first rule that holds gives the value (a missing value holds no rule)."]
    chain = "pl"
    for rule in step["when"]:
        kind = code_frame.kind_of(before, rule["column"])
        item = value(rule.get("value"), "text" if rule["op"] in ("contains", "starts", "ends") else kind)
        condition = _CONDITIONS[rule["op"]].replace("{c}", _col(rule["column"])).replace("{v}", item)
        chain += ".when((" + condition + ").fill_null(False)).then(" + _outcome(rule.get("then")) + ")"
    chain += ".otherwise(" + _outcome(step.get("else")) + ")"
    target = code_pandas_steps._target(step["name"], before)
    return lines + ["df = df.with_columns(", "    " + chain + ".alias(" + repr(target) + ")", ")"]


def _outcome(item) -> str:
    if isinstance(item, dict):
        return _col(item["column"])
    return "pl.lit(" + repr(item) + ")"


# ---- values


def _fill(step, before, prepared) -> list:
    name = step["column"]
    column = _col(name)
    how = step["with"]
    by = list(step.get("by") or [])
    over = (".over(" + ", ".join(repr(b) for b in by) + ")") if by else ""
    if how == "value":
        filled = column + ".fill_null(" + value(step["value"], code_frame.kind_of(before, name)) + ")"
    elif how in ("previous", "next"):
        strategy = "forward" if how == "previous" else "backward"
        filled = column + ".fill_null(strategy=" + repr(strategy) + ")" + over
    elif how in ("mean", "median"):
        filled = column + ".cast(pl.Float64).fill_null(" + column + "." + how + "()" + over + ")"
    else:  # the most frequent value; the smallest of those tied for it
        filled = column + ".fill_null(" + column + ".drop_nulls().mode().min()" + over + ")"
    return ["df = df.with_columns(" + filled + ")"]


def _replace(step, before, prepared) -> list:
    if "column" in step:
        targets = [step["column"]]
    elif "columns" in step:
        targets = list(step["columns"])
    else:
        targets = [c["name"] for c in before if c["name"] != ROW and c["type"].upper() == "VARCHAR"]
    if not targets:
        return ["# There is no text column to replace in."]
    find, new = step["find"], step["replace"]
    regex = bool(step.get("regex"))
    case = step.get("case") is not False
    pattern = ("" if case else "(?i)") + (find if regex else step_text_sql.escape_regex(find))
    values = "pl.col(" + repr(targets) + ")"
    if step.get("whole_cell"):
        if new is None or not regex:
            found = (
                values + " == " + repr(find)
                if not regex and case
                else values + ".str.contains(" + _whole(pattern) + ")"
            )
            change = (
                "pl.when((" + found + ").fill_null(False)).then(pl.lit(" + repr(new) + ")).otherwise(" + values + ")"
            )
            change += ".name.keep()"
        else:
            change = values + ".str.replace(" + _whole(pattern) + ", " + repr(rust_rewrite(new)) + ")"
    elif not regex and case:
        change = values + ".str.replace_all(" + repr(find) + ", " + repr(new) + ", literal=True)"
    else:
        rewrite = rust_rewrite(new) if regex else new.replace("$", "$$")
        change = values + ".str.replace_all(" + repr(pattern) + ", " + repr(rewrite) + ")"
    return ["df = df.with_columns(" + change + ")"]


def _whole(pattern: str) -> str:
    flags = "(?i)" if pattern.startswith("(?i)") else ""
    return repr(flags + "^(?:" + pattern[len(flags) :] + ")$")


def rust_rewrite(text: str) -> str:
    """A DuckDB (RE2) replacement, where ``\\1`` is a group and ``\\\\`` a backslash, as Polars writes it: ``${1}``."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("${" + nxt + "}" if nxt.isdigit() else nxt)
            i += 2
            continue
        out.append("$$" if ch == "$" else ch)
        i += 1
    return "".join(out)


def _clean(step, before, prepared) -> list:
    values = "pl.col(" + repr(list(step["columns"])) + ")"
    if step.get("trim"):
        values += ".str.strip_chars(" + repr(_SPACES) + ")"
    if step.get("collapse"):
        values += ".str.replace_all(" + repr(_SPACE_RUN) + ', " ")'
    case = step.get("letter_case")
    if case in ("lower", "upper"):
        values += ".str.to_" + case + "case()"
    lines = ["df = df.with_columns(" + values + ")"]
    if case == "title":
        lines.append("# each space-separated word: its first letter upper case, the rest lower")
        word = "pl.element()"
        lines.append(
            "df = df.with_columns(pl.col("
            + repr(list(step["columns"]))
            + ').str.split(" ").list.eval('
            + word
            + ".str.slice(0, 1).str.to_uppercase() + "
            + word
            + '.str.slice(1).str.to_lowercase()).list.join(" "))'
        )
    return lines


# ---- parts


def _split(step, before, prepared) -> list:
    name = step["column"]
    column = _col(name)
    delimiter = step["delimiter"]
    regex = bool(step.get("regex"))
    lines = []
    if regex:
        lines.append("# Polars splits on text, not patterns: each match becomes a \\x00 first")
    if step.get("into_rows"):
        parts = column + (".str.replace_all(" + repr(delimiter) + ', "\\x00").str.split("\\x00")' if regex else "")
        if not regex:
            parts += ".str.split(" + repr(delimiter) + ")"
        return lines + [
            "df = df.with_columns(" + parts + ").explode(" + repr(name) + ")",
            "df = df.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW))",
        ]
    names = step_parts._split_names(step)
    text, separator = column, delimiter
    if regex:
        # only the first matches separate parts: the last part keeps the rest of the text as it is
        text += "".join(".str.replace(" + repr(delimiter) + ', "\\x00")' for _ in names[1:])
        separator = "\x00"
    lines.append("# the last new column keeps the rest of the text")
    split = text + ".str.splitn(" + repr(separator) + ", " + str(len(names)) + ")"
    lines.append(
        "parts = df.select(" + split + ".struct.rename_fields(" + repr(names) + ').alias("parts")).unnest("parts")'
    )
    lines.append('df = pl.concat([df, parts], how="horizontal")')
    return lines + [_names_after(_placed(before, name, names))]


_PARTS = {
    "year": ".dt.year()",
    "quarter": ".dt.quarter()",
    "month": ".dt.month()",
    "month_name": '.dt.strftime("%B")',
    "week": ".dt.week()",
    "day": ".dt.day()",
    "weekday": ".dt.weekday()",
    "weekday_name": '.dt.strftime("%A")',
    "day_of_year": ".dt.ordinal_day()",
    "hour": ".dt.hour()",
    "minute": ".dt.minute()",
    "second": ".dt.second()",
}


def _extract(step, before, prepared) -> list:
    name = step["column"]
    column = _col(name)
    if "part" in step:
        found = column + _PARTS[step["part"]]
        if step["part"] not in ("month_name", "weekday_name"):
            found += ".cast(pl.Int64)"
    else:
        group = step.get("group", 1)
        flags = "" if step.get("case") is not False else "(?i)"
        pattern = flags + (step["pattern"] if group != 0 else "(" + step["pattern"] + ")")
        found = column + ".str.extract(" + repr(pattern) + ", " + str(max(group, 1)) + ")"
    return [
        "df = df.with_columns((" + found + ").alias(" + repr(step["name"]) + "))",
        _names_after(_placed(before, name, [step["name"]])),
    ]


def _parse(step, before, prepared) -> list:
    column = _col(step["column"])
    to = step["as"]
    if to in ("number", "integer"):
        text = column + ".str.replace_all(" + repr(_NUMBER_NOISE) + ', "").str.replace_all("\\u2212", "-")'
        thousands = step.get("thousands", "")
        if thousands not in ("", " "):
            text += ".str.replace_all(" + repr(thousands) + ', "", literal=True)'
        if step.get("decimal", ".") == ",":
            text += '.str.replace_all(",", ".", literal=True)'
        lines = ["text = " + text + "  # spaces, currency signs and % dropped; the minus sign read"]
        if to == "number":
            return lines + [
                "df = df.with_columns(text.cast(pl.Float64, strict=False).alias(" + repr(step["column"]) + "))"
            ]
        whole = 'pl.when(text.str.contains("^[+-]?[0-9]+$")).then(text)'
        return lines + [
            "df = df.with_columns(" + whole + ".cast(pl.Int64, strict=False).alias(" + repr(step["column"]) + "))"
        ]
    fmt = ", " + repr(step["format"]) if "format" in step else ""
    function = "to_date" if to == "date" and not fmt else "to_datetime"
    parsed = (
        column + ".str.strip_chars().str." + function + "(" + fmt.lstrip(", ") + (", " if fmt else "") + "strict=False)"
    )
    if to == "date" and fmt:
        parsed += ".dt.date()"
    return ["df = df.with_columns(" + parsed + ")"]


# ---- rows


def _filter(step, before, prepared) -> list:
    state = {"filters": step["filters"], "search": step.get("search") or ""}
    mask = code_polars_view.mask_code(state, before)
    if step.get("keep", "matching") == "others":
        return ["df = df.filter(~(" + mask + "))"]
    return ["df = df.filter(" + mask + ")"]


def _dedupe(step, before, prepared) -> list:
    keep = "last" if step.get("keep") == "last" else "first"
    subset = list(step.get("columns") or [c["name"] for c in before if c["name"] != ROW])
    return ["df = df.unique(subset=" + repr(subset) + ", keep=" + repr(keep) + ", maintain_order=True)"]


def _window(step, before, prepared) -> list:
    name = step_rows.window_name(step)
    column = _col(step["column"])
    by = list(step.get("by") or [])
    over = (".over(" + ", ".join(repr(b) for b in by) + ")") if by else ""
    function = step["function"]
    descending = step.get("direction") == "desc"
    if function == "rank":
        ranked = column + '.rank("min", descending=' + repr(descending) + ")" + over + ".cast(pl.Int64)"
        return ["df = df.with_columns(" + ranked + ".alias(" + repr(name) + "))"]
    if function == "percent_of_total":
        total = column + ".sum()" + over
        share = column + ".cast(pl.Float64) * 100 / pl.when(" + total + " != 0).then(" + total + ")"
        return ["df = df.with_columns((" + share + ").alias(" + repr(name) + "))"]
    if step.get("order"):
        keys, down = [step["order"], ROW], [descending, False]
    else:
        keys, down = [ROW], [descending]
    lines = ["# in the step's order; the rows go back to theirs after"]
    lines.append(
        "df = df.sort(" + repr(keys) + ", descending=" + repr(down) + ", nulls_last=True, maintain_order=True)"
    )
    if function == "running_total":
        lines.append("# a running sum skips missing values; it is missing until a first value")
        running = column + ".fill_null(0).cum_sum()" + over
        seen = column + ".is_not_null().cum_sum()" + over
        lines.append("df = df.with_columns(pl.when(" + seen + " > 0).then(" + running + ").alias(" + repr(name) + "))")
    else:
        lines.append(
            "df = df.with_columns((" + column + " - " + column + ".shift(1)" + over + ").alias(" + repr(name) + "))"
        )
    return lines + [_IN_ORDER]


# ---- tables


def _join(step, before, prepared) -> list:
    how = step["how"]
    other = function_name(step["table"]) + "()"
    left_keys = [pair[0] for pair in step["keys"]]
    helpers = ["__key_" + str(i) for i in range(len(step["keys"]))]
    to_helpers = {pair[1]: helpers[i] for i, pair in enumerate(step["keys"])}
    lines = ["# Keys that are missing match nothing, as in SQL."]
    if how in ("semi", "anti"):
        lines.append(
            "keys = "
            + other
            + ".select("
            + ", ".join(_col(k) + ".alias(" + repr(h) + ")" for k, h in to_helpers.items())
            + ")"
        )
        lines.append(
            "df = df.join(keys.unique(), left_on="
            + repr(left_keys)
            + ", right_on="
            + repr(helpers)
            + ", how="
            + repr(how)
            + ")"
        )
        return lines + [_IN_ORDER]
    other_columns = [{"name": c["name"], "type": c["type"]} for c in (prepared or {}).get("columns") or []]
    named = step_tables.joined_names(step, before, other_columns)
    renames = dict(to_helpers)
    for old, new in named:
        if old not in renames and old != new:
            renames[old] = new
    lines.append("other = " + other + ".rename(" + repr(renames) + ")")
    for cast in step.get("casts") or []:
        if cast["side"] == "right":
            helper = to_helpers[cast["column"]]
            lines.append("other = other.with_columns(" + _cast(_col(helper), cast["type"]) + ")")
    if how in ("right", "full"):
        lines.append('other = other.with_row_index("__position")')
    polars_how = {"inner": "inner", "left": "left", "right": "full", "full": "full"}[how]
    lines.append(
        "df = df.join(other, left_on="
        + repr(left_keys)
        + ", right_on="
        + repr(helpers)
        + ", how="
        + repr(polars_how)
        + (", coalesce=False" if how in ("right", "full") else "")
        + ', maintain_order="left_right")'
    )
    if how == "right":
        lines.append(
            'df = df.filter(pl.col("__position").is_not_null())  # every row of the other table, matched or not'
        )
    if how in ("right", "full"):
        offset = str((prepared or {}).get("offset") or 0)
        lines.append("# rows of the other table alone come after every row here, in its order")
        lines.append(
            "df = df.with_columns(pl.col(ROW).fill_null(" + offset + ' + pl.col("__position").cast(pl.Int64)))'
        )
        back = {helpers[i]: new for i, pair in enumerate(step["keys"]) for old, new in named if old == pair[1]}
        lines.append('df = df.drop("__position").rename(' + repr(back) + ")")
    return lines + [_IN_ORDER]


def _cast(column: str, type_name: str) -> str:
    kind = types.kind_of(type_name)
    if kind == "integer":
        return column + ".cast(pl.Int64, strict=False)"
    if kind == "decimal":
        return column + ".cast(pl.Float64, strict=False)"
    if kind in ("date", "timestamp"):
        return column + ".cast(pl.String).str.to_datetime(strict=False)"
    return column + ".cast(pl.String)"


def _append(step, before, prepared) -> list:
    found = prepared or {}
    other = function_name(step["table"]) + "()"
    mine = {c["name"].lower(): c["name"] for c in before if c["name"] != ROW}
    theirs = [c["name"] for c in found.get("columns") or [] if c["name"] != ROW]
    renames = {n: mine[n.lower()] for n in theirs if n.lower() in mine and mine[n.lower()] != n}
    lines = [
        "# columns are matched by name in any case, as DuckDB matches them",
        "other = " + other + (".rename(" + repr(renames) + ")" if renames else ""),
        "other = other.with_columns(("
        + str(found.get("offset") or 0)
        + " + pl.int_range(pl.len(), dtype=pl.Int64)).alias(ROW))",
    ]
    if step.get("columns") == "shared":
        shared = [mine[n.lower()] for n in theirs if n.lower() in mine]
        keep = [n for n in mine.values() if n in shared]
        picked = ".select(ROW, *" + repr(keep) + ")"
        lines.append("df = pl.concat([df" + picked + ", other" + picked + '], how="vertical_relaxed")')
    else:
        lines.append('df = pl.concat([df, other], how="diagonal_relaxed")')
    return lines


# ---- reshape


def _unpivot(step, before, prepared) -> list:
    chosen = list(step["columns"])
    name, item = step.get("name", "name"), step.get("value", "value")
    kept = [c["name"] for c in before if c["name"] != ROW and c["name"] not in chosen]
    lines = []
    if (prepared or {}).get("cast"):
        lines.append("# the columns hold values of several types: the values become text")
        lines.append("df = df.with_columns(pl.col(" + repr(chosen) + ").cast(pl.String))")
    places = {c: i for i, c in enumerate(chosen)}
    lines += [
        "df = df.unpivot(index=[ROW, *"
        + repr(kept)
        + "], on="
        + repr(chosen)
        + ", variable_name="
        + repr(name)
        + ", value_name="
        + repr(item)
        + ")",
        "# one row per column of each row, in the row's order",
        "df = df.with_columns(pl.col(ROW) * "
        + str(len(chosen))
        + " + pl.col("
        + repr(name)
        + ").replace_strict("
        + repr(places)
        + ", return_dtype=pl.Int64))",
        _IN_ORDER,
    ]
    return lines


STEP_PRINTERS = {
    "rename": _rename,
    "drop": _drop,
    "keep": _keep,
    "conditional": _conditional,
    "fill": _fill,
    "replace": _replace,
    "clean": _clean,
    "split": _split,
    "extract": _extract,
    "parse": _parse,
    "filter": _filter,
    "dedupe": _dedupe,
    "window": _window,
    "join": _join,
    "append": _append,
    "unpivot": _unpivot,
}
