"""One printer per step kind: the pandas lines that apply a Loupe step to the frame ``df``.

``STEP_PRINTERS`` maps a step kind to ``printer(step, before, prepared) ->
[lines]``: ``step`` its JSON (app/core/steps.py), ``before`` the columns
it reads (``[{name, type}]``), ``prepared`` what the step found in the
data (join and append: where the other table's row numbers start). The
lines work on ``df`` and keep its hidden ``ROW`` column (the row's place in
the source) as app/core/code_plan.py asks. Steps whose SQL orders rows by
``ROW`` (fill previous/next, dedupe, window) rely on ``df`` being in ``ROW``
order, which every printer keeps.

Two kinds are not translated: a sample (Loupe picks rows by DuckDB's hash
of each row's place and the seed, which pandas' ``sample`` cannot give) and
a pivot (its top-N columns, "Other", totals and names): both run the step's
own SQL with ``duckdb.sql`` over the frame, and the code says so.
``fallback`` does the same for any step the caller cannot print.

CPython only (the Pyodide worker).
"""

from __future__ import annotations

from app.core import code_frame, code_pandas_expr, step_parts, step_rows, step_tables, types

ROW = "__loupe_row"
_SPACES = " \t\n\r\x0b\x0c\u00a0"
_SPACE_RUN = "[ \\t\\n\\r\\x0b\\x0c\\xa0]+"
# Python's re has no \p{Sc}: the currency signs a parse step drops, written out
_NUMBER_NOISE = "[\\s%$€£¥₹₽₩₪₫₴₦¢]"


def function_name(table: str) -> str:
    """A Python name for the function that returns ``table``: letters, digits and _."""
    name = "".join(ch if ch.isalnum() else "_" for ch in table.lower()).strip("_") or "table"
    return ("t_" + name) if name[0].isdigit() or name == "table" else name


def fallback(step_entry: dict, why: str) -> list:
    """The step's own DuckDB SQL run over ``df``, with a comment saying why it is not pandas."""
    text = step_entry["sql"].replace(step_entry["prev"], "df")
    return [
        "# Not written in pandas: " + why + ".",
        "# The step's own DuckDB SQL runs over the frame instead.",
        "df = duckdb.sql(" + repr(text) + ").df()",
        _in_row_order(),
    ]


def _in_row_order() -> str:
    return 'df = df.sort_values(ROW, kind="stable").reset_index(drop=True)'


def _col(name: str) -> str:
    return "df[" + repr(name) + "]"


def _value(value, kind: str) -> str:
    """A step's value as a Python literal of the column's kind (DuckDB casts it so)."""
    if value is None:
        return "pd.NA"
    if kind == "integer":
        return repr(int(float(value)))
    if kind == "decimal":
        return repr(float(value))
    if kind == "boolean" and isinstance(value, str):
        return repr(value.strip().lower() in ("true", "t", "1", "yes", "y"))
    if kind in ("date", "timestamp"):
        return "pd.Timestamp(" + repr(str(value)) + ")"
    if kind == "text":
        return repr(str(value))
    return repr(value)


# ---- columns


def _rename(step, before, prepared) -> list:
    return ["df = df.rename(columns={" + repr(step["column"]) + ": " + repr(step["to"]) + "})"]


def _drop(step, before, prepared) -> list:
    return ["df = df.drop(columns=" + repr(list(step["columns"])) + ")"]


def _keep(step, before, prepared) -> list:
    return ["df = df[[ROW, " + ", ".join(repr(n) for n in step["columns"]) + "]]"]


def _target(name: str, before: list) -> str:
    """The column a new column replaces when DuckDB takes its name for one (names ignore case), else ``name``."""
    for c in before:
        if c["name"].lower() == name.lower() and c["name"] != ROW:
            return c["name"]
    return name


def derive_lines(step_entry: dict, before: list) -> list:
    """A derive step: the expression in pandas, or DuckDB's SQL when it cannot be translated."""
    step = step_entry["step"]
    code = code_pandas_expr.translated(step["expression"], before)
    if code is None:
        return fallback(step_entry, "the expression uses SQL that has no plain pandas translation here")
    return [_col(_target(step["name"], before)) + " = " + code]


_CONDITIONS = {
    "=": "{c} == {v}",
    "!=": "{c}.ne({v}) | {c}.isna()",
    "<": "{c} < {v}",
    "<=": "{c} <= {v}",
    ">": "{c} > {v}",
    ">=": "{c} >= {v}",
    "contains": '{c}.astype("string").str.contains({v}, regex=False)',
    "starts": '{c}.astype("string").str.startswith({v})',
    "ends": '{c}.astype("string").str.endswith({v})',
    "empty": '{c}.isna() | {c}.astype("string").eq("")',
    "not_empty": '{c}.notna() & {c}.astype("string").ne("")',
}


def _conditional(step, before, prepared) -> list:
    lines = ["# The first rule that holds gives the value (a missing value holds no rule)."]
    conditions = []
    choices = []
    for rule in step["when"]:
        column = _col(rule["column"])
        kind = code_frame.kind_of(before, rule["column"])
        value = _value(rule.get("value"), "text" if rule["op"] in ("contains", "starts", "ends") else kind)
        condition = _CONDITIONS[rule["op"]].replace("{c}", column).replace("{v}", value)
        conditions.append("(" + condition + ").fillna(False).astype(bool)")
        choices.append(_outcome(rule.get("then")))
    lines.append("conditions = [" + ", ".join(conditions) + "]")
    lines.append("choices = [" + ", ".join(choices) + "]")
    target = _col(_target(step["name"], before))
    lines.append(
        target
        + " = pd.Series(np.select(conditions, choices, default="
        + _outcome(step.get("else"))
        + "), index=df.index, dtype=object).convert_dtypes()"
    )
    return lines


def _outcome(value) -> str:
    if isinstance(value, dict):
        return _col(value["column"]) + ".astype(object)"
    return "None" if value is None else repr(value)


# ---- values


def _fill(step, before, prepared) -> list:
    name = step["column"]
    column = _col(name)
    how = step["with"]
    by = list(step.get("by") or [])
    grouped = "df.groupby(" + repr(by) + ", dropna=False)[" + repr(name) + "]"
    if how == "value":
        return [column + " = " + column + ".fillna(" + _value(step["value"], code_frame.kind_of(before, name)) + ")"]
    if how in ("previous", "next"):
        method = "ffill" if how == "previous" else "bfill"
        if by:
            return [column + " = " + grouped + "." + method + "()"]
        return [column + " = " + column + "." + method + "()"]
    if how in ("mean", "median"):
        lines = [column + " = " + column + '.astype("float64")']
        if by:
            return lines + [column + " = " + column + ".fillna(" + grouped + ".transform(" + repr(how) + "))"]
        return lines + [column + " = " + column + ".fillna(" + column + "." + how + "())"]
    # most frequent; mode() lists the values tied for it smallest first
    if by:
        return [column + " = " + column + ".fillna(" + grouped + ".transform(most_frequent))"]
    return [column + " = " + column + ".fillna(most_frequent(" + column + "))"]


MOST_FREQUENT = '''def most_frequent(values: pd.Series):
    """The commonest value of ``values`` (the smallest on a tie), or missing when there is none."""
    modes = values.mode()
    return modes.iloc[0] if len(modes) else pd.NA'''


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
    pattern = find if regex else _escaped(find)
    values = "df[column]"
    if step.get("whole_cell"):
        if new is None or not regex:
            if not regex and case:
                found = values + ".eq(" + repr(find) + ")"
            else:
                found = values + ".str.fullmatch(" + repr(pattern) + ", case=" + repr(case) + ")"
            change = values + ".mask(" + found + ".fillna(False).astype(bool), " + repr(new) + ")"
        else:
            change = values + ".str.replace(" + repr("^(?:" + pattern + ")$") + ", " + repr(new)
            change += ", case=" + repr(case) + ", regex=True)"
    elif not regex and case:
        change = values + ".str.replace(" + repr(find) + ", " + repr(new) + ", regex=False)"
    else:
        rewrite = new if regex else new.replace("\\", "\\\\")
        change = values + ".str.replace(" + repr(pattern) + ", " + repr(rewrite)
        change += ", case=" + repr(case) + ", regex=True)"
    return ["for column in " + repr(targets) + ":", "    df[column] = " + change]


def _escaped(text: str) -> str:
    import re

    return re.escape(text)


def _clean(step, before, prepared) -> list:
    values = "df[column]"
    if step.get("trim"):
        values += ".str.strip(" + repr(_SPACES) + ")"
    if step.get("collapse"):
        values += ".str.replace(" + repr(_SPACE_RUN) + ', " ", regex=True)'
    case = step.get("letter_case")
    if case in ("lower", "upper"):
        values += ".str." + case + "()"
    lines = ["for column in " + repr(list(step["columns"])) + ":", "    df[column] = " + values]
    if case == "title":
        lines.append("    # each space-separated word: its first letter upper case, the rest lower")
        lines.append(
            '    df[column] = df[column].map(lambda text: " ".join(w[:1].upper() + w[1:].lower()'
            ' for w in text.split(" ")), na_action="ignore")'
        )
    return lines


# ---- parts


def _split(step, before, prepared) -> list:
    name = step["column"]
    column = _col(name)
    delimiter = step["delimiter"]
    regex = repr(bool(step.get("regex")))
    if step.get("into_rows"):
        return [
            column + " = " + column + ".str.split(" + repr(delimiter) + ", regex=" + regex + ")",
            "df = df.explode(" + repr(name) + ", ignore_index=True)",
            "df[ROW] = range(len(df))",
        ]
    names = step_parts._split_names(step)
    lines = [
        "# the last new column keeps the rest of the text",
        "parts = "
        + column
        + ".str.split("
        + repr(delimiter)
        + ", n="
        + str(len(names) - 1)
        + ", expand=True, regex="
        + regex
        + ").reindex(columns=range("
        + str(len(names))
        + "))",
        "parts.columns = " + repr(names),
        "place = df.columns.get_loc(" + repr(name) + ") + 1",
        "df = pd.concat([df.iloc[:, :place], parts, df.iloc[:, place:]], axis=1)",
    ]
    return lines


_PARTS = {
    "year": ".dt.year",
    "quarter": ".dt.quarter",
    "month": ".dt.month",
    "month_name": ".dt.month_name()",
    "week": ".dt.isocalendar().week",
    "day": ".dt.day",
    "weekday": ".dt.dayofweek + 1",
    "weekday_name": ".dt.day_name()",
    "day_of_year": ".dt.dayofyear",
    "hour": ".dt.hour",
    "minute": ".dt.minute",
    "second": ".dt.second",
}


def _extract(step, before, prepared) -> list:
    name = step["column"]
    column = _col(name)
    if "part" in step:
        value = "(" + column + _PARTS[step["part"]] + ")"
        if step["part"] not in ("month_name", "weekday_name"):
            value += '.astype("Int64")'
    else:
        group = step.get("group", 1)
        pattern = step["pattern"] if group != 0 else "(" + step["pattern"] + ")"
        flags = "" if step.get("case") is not False else ", flags=re.IGNORECASE"
        value = column + ".str.extract(" + repr(pattern) + flags + ", expand=False)"
        if group not in (0, 1) or step_text_count(pattern) > 1:
            value = column + ".str.extract(" + repr(pattern) + flags + ", expand=True)[" + str(max(group, 1) - 1) + "]"
    return ["df.insert(df.columns.get_loc(" + repr(name) + ") + 1, " + repr(step["name"]) + ", " + value + ")"]


def step_text_count(pattern: str) -> int:
    from app.core import step_text_sql

    return step_text_sql.group_count(pattern)


def _parse(step, before, prepared) -> list:
    column = _col(step["column"])
    to = step["as"]
    if to in ("number", "integer"):
        lines = ["text = " + column + ".str.replace(" + repr(_NUMBER_NOISE) + ', "", regex=True)']
        lines.append('text = text.str.replace("\\u2212", "-", regex=False)  # the minus sign')
        thousands = step.get("thousands", "")
        if thousands not in ("", " "):
            lines.append("text = text.str.replace(" + repr(thousands) + ', "", regex=False)')
        if step.get("decimal", ".") == ",":
            lines.append('text = text.str.replace(",", ".", regex=False)')
        if to == "number":
            return lines + [column + ' = pd.to_numeric(text, errors="coerce").astype("float64")']
        lines.append('whole = text.where(text.str.fullmatch("[+-]?[0-9]+").fillna(False).astype(bool))')
        return lines + [column + ' = pd.to_numeric(whole, errors="coerce").astype("Int64")']
    fmt = step.get("format", "ISO8601")
    value = "pd.to_datetime(" + column + ".str.strip(), format=" + repr(fmt) + ', errors="coerce")'
    if to == "date":
        value += ".dt.normalize()"
    return [column + " = " + value]


# ---- rows


def _filter(step, before, prepared) -> list:
    from app.core import code_pandas_view

    state = {"filters": step["filters"], "search": step.get("search") or ""}
    mask = code_pandas_view.mask_code(state, before)
    if step.get("keep", "matching") == "others":
        return ["df = df[~(" + mask + ")]"]
    return ["df = df[" + mask + "]"]


def _dedupe(step, before, prepared) -> list:
    keep = "last" if step.get("keep") == "last" else "first"
    subset = list(step.get("columns") or [c["name"] for c in before if c["name"] != ROW])
    return ["df = df.drop_duplicates(subset=" + repr(subset) + ", keep=" + repr(keep) + ")"]


def _window(step, before, prepared) -> list:
    name = step_rows.window_name(step)
    column = step["column"]
    by = list(step.get("by") or [])
    function = step["function"]
    descending = step.get("direction") == "desc"
    if function == "rank":
        rank = 'rank(method="min", ascending=' + repr(not descending) + ', na_option="keep")'
        source = ("df.groupby(" + repr(by) + ", dropna=False)[" + repr(column) + "]") if by else _col(column)
        return [_col(name) + " = " + source + "." + rank + '.astype("Int64")']
    if function == "percent_of_total":
        total = (
            ("df.groupby(" + repr(by) + ", dropna=False)[" + repr(column) + '].transform("sum")')
            if by
            else (_col(column) + ".sum()")
        )
        return [
            "total = " + total,
            _col(name) + " = df[" + repr(column) + '].astype("float64") * 100 / total.replace(0, np.nan)',
        ]
    if step.get("order"):
        keys, ascending = [step["order"], ROW], [not descending, True]
    else:
        keys, ascending = [ROW], [not descending]
    lines = [
        "ordered = df.sort_values(" + repr(keys) + ", ascending=" + repr(ascending) + ', na_position="last")',
    ]
    grouping = (".groupby([ordered[k] for k in " + repr(by) + "], dropna=False)") if by else ""
    if function == "running_total":
        lines.append("# a running sum skips missing values; it is missing until a first value")
        lines.append("running = ordered[" + repr(column) + "].fillna(0)" + grouping + ".cumsum()")
        lines.append("seen = ordered[" + repr(column) + "].notna()" + grouping + ".cumsum()")
        lines.append(_col(name) + " = running.where(seen > 0)")
    else:
        lines.append(_col(name) + " = ordered[" + repr(column) + "]" + grouping + ".diff()")
    return lines


# ---- tables


def _join(step, before, prepared) -> list:
    how = step["how"]
    other = function_name(step["table"]) + "()"
    left_keys = [pair[0] for pair in step["keys"]]
    helpers = ["__key_" + str(i) for i in range(len(step["keys"]))]
    to_helpers = {pair[1]: helpers[i] for i, pair in enumerate(step["keys"])}
    lines = ["# Keys that are missing match nothing (as in SQL), so the other table's are left out of the match."]
    if how in ("semi", "anti"):
        lines.append(
            "keys = " + other + ".rename(columns=" + repr(to_helpers) + ")[" + repr(helpers) + "]"
            ".dropna().drop_duplicates()"
        )
        lines.append(
            'found = df.merge(keys, how="left", left_on='
            + repr(left_keys)
            + ", right_on="
            + repr(helpers)
            + ', indicator=True)["_merge"]'
        )
        test = 'found.eq("both")' if how == "semi" else 'found.ne("both")'
        return lines + ["df = df[" + test + ".to_numpy()]"]
    other_columns = [{"name": c["name"], "type": c["type"]} for c in (prepared or {}).get("columns") or []]
    named = step_tables.joined_names(step, before, other_columns)
    renames = dict(to_helpers)
    for old, new in named:
        if old not in renames and old != new:
            renames[old] = new
    lines.append("other = " + other + ".rename(columns=" + repr(renames) + ")")
    for cast in step.get("casts") or []:
        if cast["side"] == "right":
            helper = repr(to_helpers[cast["column"]])
            lines.append("other[" + helper + "] = " + _cast("other[" + helper + "]", cast["type"]))
    pandas_how = {"inner": "inner", "left": "left", "right": "right", "full": "outer"}[how]
    if how in ("right", "full"):
        lines.append('other["__position"] = range(len(other))')
    lines.append("unmatched = other[" + "other[" + repr(helpers) + "].isna().any(axis=1)]")
    lines.append(
        "merged = df.merge(other.drop(unmatched.index), how="
        + repr(pandas_how)
        + ", left_on="
        + repr(left_keys)
        + ", right_on="
        + repr(helpers)
        + ", sort=False)"
    )
    if how in ("right", "full"):
        lines.append("merged = pd.concat([merged, unmatched], ignore_index=True)")
        lines.append("# rows of the other table alone come after every row here, in its order")
        lines.append(
            "merged[ROW] = merged[ROW].fillna(" + str((prepared or {}).get("offset") or 0) + ' + merged["__position"])'
        )
        back = {helpers[i]: new for i, pair in enumerate(step["keys"]) for old, new in named if old == pair[1]}
        lines.append('merged = merged.drop(columns=["__position"]).rename(columns=' + repr(back) + ")")
    else:
        lines.append("merged = merged.drop(columns=" + repr(helpers) + ")")
    lines.append('df = merged.astype({ROW: "int64"})')
    lines.append(_in_row_order())
    return lines


def _cast(value: str, type_name: str) -> str:
    kind = types.kind_of(type_name)
    if kind in ("integer", "decimal"):
        return "pd.to_numeric(" + value + ', errors="coerce")'
    if kind in ("date", "timestamp"):
        return "pd.to_datetime(" + value + ', errors="coerce")'
    return value + '.astype("string")'


def _append(step, before, prepared) -> list:
    found = prepared or {}
    other = function_name(step["table"]) + "()"
    mine = {c["name"].lower(): c["name"] for c in before if c["name"] != ROW}
    theirs = [c["name"] for c in found.get("columns") or [] if c["name"] != ROW]
    renames = {n: mine[n.lower()] for n in theirs if n.lower() in mine and mine[n.lower()] != n}
    lines = [
        "# columns are matched by name in any case, as DuckDB matches them",
        "other = " + other + (".rename(columns=" + repr(renames) + ")" if renames else ""),
        "other[ROW] = " + str(found.get("offset") or 0) + " + np.arange(len(other))",
    ]
    if step.get("columns") == "shared":
        shared = [mine[n.lower()] for n in theirs if n.lower() in mine]
        keep = [n for n in mine.values() if n in shared]
        lines.append(
            "df = pd.concat([df[[ROW] + " + repr(keep) + "], other[[ROW] + " + repr(keep) + "]], ignore_index=True)"
        )
    else:
        lines.append("df = pd.concat([df, other], ignore_index=True)")
    return lines


# ---- reshape


def _unpivot(step, before, prepared) -> list:
    chosen = list(step["columns"])
    name, value = step.get("name", "name"), step.get("value", "value")
    kept = [c["name"] for c in before if c["name"] != ROW and c["name"] not in chosen]
    lines = []
    if (prepared or {}).get("cast"):
        lines.append("# the columns hold values of several types: the values become text")
        lines.append("df[" + repr(chosen) + "] = df[" + repr(chosen) + '].astype("string")')
    lines += [
        "df = df.melt(id_vars=[ROW] + "
        + repr(kept)
        + ", value_vars="
        + repr(chosen)
        + ", var_name="
        + repr(name)
        + ", value_name="
        + repr(value)
        + ")",
        "# one row per column of each row, in the row's order",
        "df[ROW] = df[ROW] * "
        + str(len(chosen))
        + " + df["
        + repr(name)
        + "].map("
        + repr({c: i for i, c in enumerate(chosen)})
        + ")",
        _in_row_order(),
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
