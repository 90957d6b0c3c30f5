"""app/core/step_forms.py: the menu of step kinds, each kind's form, and form values back to a step's JSON."""

import pytest

from app.core import errors, step_forms, steps

COLUMNS = [{"name": steps.ROW, "type": "BIGINT"}, {"name": "k", "type": "INTEGER"}, {"name": "s", "type": "VARCHAR"}]

# A kind of every shape, for reading numbers and booleans without depending on kinds being written now.
FAKE = {
    "rename": steps.kinds()["rename"],
    "derive": steps.kinds()["derive"],
    "shapes": {
        "fields": {"column": "column", "count": "int"},
        "optional": {
            "ratio": "number",
            "seed": "int",
            "flag": "bool",
            "how": "choice:left|right",
            "other": "table",
            "cols": "columns",
            "rules": "list",
            "label": "text",
        },
        "sql": None,
        "says": lambda s: "shapes",
    },
}


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(steps, "kinds", lambda: dict(FAKE))


def test_menu_lists_only_kinds_there_are():
    known = steps.kinds()
    for group, entries in step_forms.menu():
        assert entries, group
        for kind, title in entries:
            assert kind in known
            assert step_forms.title(kind) == title
    offered = [kind for _, entries in step_forms.menu() for kind, _ in entries]
    assert {"derive", "conditional", "rename", "drop", "keep", "filter"} <= set(offered)
    assert len(offered) == len(set(offered))


def test_menu_leaves_out_kinds_not_built_and_empty_groups(fake):
    menu = step_forms.menu()
    assert menu == [("Columns", [("derive", "New column from an expression"), ("rename", "Rename a column")])]


def test_title_of_a_kind_not_in_the_menu():
    assert step_forms.title("nope") == "nope"
    assert step_forms.title("rename") == "Rename a column"


def test_form_for_derive():
    form = step_forms.form("derive", COLUMNS, [])
    assert form["kind"] == "derive" and form["title"] == "New column from an expression"
    assert form["fields"] == [
        {"name": "name", "label": "New column", "control": "text", "options": [], "required": True, "value": None},
        {
            "name": "expression",
            "label": "Expression",
            "control": "expression",
            "options": [],
            "required": True,
            "value": None,
        },
    ]


def test_form_for_rename_filled_from_a_step():
    step = {"kind": "rename", "column": "s", "to": "text"}
    form = step_forms.form("rename", COLUMNS, ["other"], step)
    assert [(f["name"], f["label"], f["control"], f["value"]) for f in form["fields"]] == [
        ("column", "Column", "column", "s"),
        ("to", "New name", "text", "text"),
    ]
    assert form["fields"][0]["options"] == ["k", "s"]  # the hidden row column is not offered


def test_form_of_every_shape(fake):
    form = step_forms.form("shapes", COLUMNS, ["a", "b"])
    by_name = {f["name"]: f for f in form["fields"]}
    assert "rules" not in by_name  # a list of rules has no control here
    assert by_name["count"]["control"] == "number" and by_name["count"]["required"]
    assert by_name["ratio"]["control"] == "number" and not by_name["ratio"]["required"]
    assert by_name["flag"]["control"] == "check"
    assert by_name["how"] == {
        "name": "how",
        "label": "Kind of join",
        "control": "choice",
        "options": ["left", "right"],
        "required": False,
        "value": None,
    }
    assert by_name["other"]["control"] == "table" and by_name["other"]["options"] == ["a", "b"]
    assert by_name["cols"]["control"] == "columns" and by_name["cols"]["options"] == ["k", "s"]
    assert step_forms.editable("shapes")


def test_editable():
    assert step_forms.editable("derive") and step_forms.editable("rename")
    assert not step_forms.editable("conditional")  # its rules need an editor of their own
    assert not step_forms.editable("filter")


def test_labels():
    assert step_forms.label("to") == "New name"
    assert step_forms.label("letter_case") == "Letter case"
    assert step_forms.label("x") == "X"


def test_step_from_form_for_derive_and_rename():
    step = step_forms.step_from_form("derive", {"name": "total", "expression": "price * qty", "extra": "ignored"})
    assert step == {"kind": "derive", "name": "total", "expression": "price * qty"}
    assert steps.shape_problem(step) is None
    step = step_forms.step_from_form("rename", {"column": "s", "to": "text"})
    assert step == {"kind": "rename", "column": "s", "to": "text"}


def test_step_from_form_reads_numbers(fake):
    step = step_forms.step_from_form("shapes", {"column": "k", "count": " 12 ", "ratio": "0.25", "seed": "7"})
    assert step == {"kind": "shapes", "column": "k", "count": 12, "ratio": 0.25, "seed": 7}
    assert isinstance(step["count"], int) and isinstance(step["ratio"], float)
    assert step_forms.step_from_form("shapes", {"column": "k", "count": "3.0"})["count"] == 3
    assert step_forms.step_from_form("shapes", {"column": "k", "count": 4})["count"] == 4
    assert step_forms.step_from_form("shapes", {"column": "k", "count": "1", "ratio": "-2"})["ratio"] == -2.0


def test_step_from_form_leaves_out_empty_optional_settings(fake):
    values = {"column": "k", "count": "1", "ratio": "", "seed": None, "cols": [], "label": "", "how": ""}
    assert step_forms.step_from_form("shapes", values) == {"kind": "shapes", "column": "k", "count": 1}


def test_step_from_form_keeps_an_empty_required_setting_for_the_shape_check():
    step = step_forms.step_from_form("derive", {"name": "", "expression": "1"})
    assert step["name"] == ""
    assert steps.shape_problem(step).startswith("step.name")


def test_step_from_form_bools_and_columns(fake):
    step = step_forms.step_from_form("shapes", {"column": "k", "count": "1", "flag": True, "cols": "s"})
    assert step["flag"] is True and step["cols"] == ["s"]
    step = step_forms.step_from_form("shapes", {"column": "k", "count": "1", "flag": False, "cols": ["k", "s"]})
    assert step["flag"] is False and step["cols"] == ["k", "s"]


@pytest.mark.parametrize(
    "values,label",
    [
        ({"column": "k", "count": "ten"}, "Count"),
        ({"column": "k", "count": ""}, "Count"),
        ({"column": "k", "count": "1.5"}, "Count"),
        ({"column": "k", "count": "1", "ratio": "a lot"}, "Ratio"),
        ({"column": "k", "count": "1", "seed": "2.5"}, "Seed"),
    ],
)
def test_step_from_form_names_the_setting_it_cannot_read(fake, values, label):
    with pytest.raises(errors.StateError) as caught:
        step_forms.step_from_form("shapes", values)
    assert str(caught.value).startswith(label + " must be ")


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400"])
def test_step_from_form_refuses_a_whole_number_that_is_not_finite(fake, text):
    with pytest.raises(errors.StateError):
        step_forms.step_from_form("shapes", {"column": "k", "count": text})


def test_a_form_round_trips_a_step():
    step = {"kind": "rename", "column": "k", "to": "key"}
    form = step_forms.form("rename", COLUMNS, [], step)
    values = {f["name"]: f["value"] for f in form["fields"]}
    assert step_forms.step_from_form("rename", values) == step
