"""What a person does to a table's steps, and undo/redo over every change of the view.

A table's steps (app/core/steps.py) are recorded in the view's log and
compiled into a view over the table's source (app/core/recipe.py). Adding,
editing, switching off, moving or removing a step sets the table's whole
list again. A step that cannot apply is refused with its reason and the
table stays as it was; one that stopped fitting later (after Read as…) is
kept, marked, and the steps after it wait. ``Session`` mixes this in.
"""

from app.core import errors, join_plan, loading, recipe, statements, steps, undo, view
from app.engine import wasm
from app.ui.shell import feedback


class Transforming:
    """Step and undo actions of ``app.ui.session.Session``."""

    def steps_of(self, table=None) -> list:
        """The steps of ``table`` (the active table when None)."""
        return view.table_steps(self.view, table or self.view["active"])

    def steps_report(self, table=None) -> dict:
        """``{table, steps: [{step, says, state, problem}], columns}``: the steps and what became of each."""
        name = table or self.view["active"]
        if name not in self.tables:
            raise errors.QueryError("There is no open table named '" + str(name) + "'.")
        listed = self.steps_of(name)
        stages = (self.recipes.get(name) or {}).get("stages") or []
        at = self.as_of.get(name)
        out = []
        for index, step in enumerate(listed):
            stage = stages[index] if index < len(stages) else {"state": "done", "problem": None}
            if at is not None and index > at:
                stage = {"state": "later", "problem": None}
            item = {"step": step, "says": steps.says(step), "state": stage["state"], "problem": stage["problem"]}
            item["note"] = _note(stage.get("prepared"))
            out.append(item)
        return {"table": name, "steps": out, "columns": self.tables[name]["columns"], "as_of": at}

    async def set_steps(self, table: str, step_list: list, refuse_failed: bool = True) -> dict:
        """Make ``step_list`` ``table``'s steps and show the result; return ``steps_report``.

        With ``refuse_failed``, a step that cannot apply is refused: the table's
        steps stay as they were and the error names the step and why.
        """
        if table not in self.tables:
            raise errors.QueryError("There is no open table named '" + str(table) + "'.")
        if not isinstance(step_list, list):
            raise errors.QueryError("steps must be a list of steps, each an object with a 'kind'.")
        for index, step in enumerate(step_list):
            problem = steps.shape_problem(step, "steps[" + str(index) + "]")
            if problem:
                raise errors.QueryError("This step cannot be used: " + problem + ".")
        before = self.steps_of(table)
        self.as_of.pop(table, None)
        others = list(self.tables)
        applied = await wasm.run(recipe.apply(table, step_list, others), self.engine)
        if refuse_failed and applied["failed"] is not None and not _failed_before(before, step_list, applied):
            index = applied["failed"]
            problem = applied["stages"][index]["problem"]
            await wasm.run(recipe.apply(table, before, others), self.engine)  # the table as it was; nothing logged
            raise errors.QueryError(
                "Step " + str(index + 1) + " (" + steps.says(step_list[index]) + ") cannot apply: " + problem + "."
            )
        self.recipes[table] = applied
        entry = {"op": "steps", "table": table, "steps": step_list}
        await self.logged(view.with_steps(self.view, table, step_list), [entry])
        return self.steps_report(table)

    async def add_step(self, step, table=None) -> dict:
        """Add ``step`` at the end of ``table``'s steps (the active table when None)."""
        name = table or self.view["active"]
        problem = steps.shape_problem(step)
        if problem:
            raise errors.QueryError("This step cannot be used: " + problem + ".")
        return await self.set_steps(name, self.steps_of(name) + [step])

    async def edit_step(self, index: int, step, table=None) -> dict:
        """Put ``step`` in place of step ``index``; the steps after it run again."""
        name = table or self.view["active"]
        listed = self.steps_of(name)
        _check_index(index, listed)
        listed[index] = step
        return await self.set_steps(name, listed)

    async def remove_step(self, index: int, table=None) -> dict:
        name = table or self.view["active"]
        listed = self.steps_of(name)
        _check_index(index, listed)
        listed.pop(index)
        return await self.set_steps(name, listed, refuse_failed=False)

    async def switch_step(self, index: int, on: bool, table=None) -> dict:
        """Apply step ``index`` again (``on``) or keep it without applying it."""
        name = table or self.view["active"]
        listed = self.steps_of(name)
        _check_index(index, listed)
        step = dict(listed[index])
        if on:
            step.pop("off", None)
        else:
            step["off"] = True
        listed[index] = step
        return await self.set_steps(name, listed, refuse_failed=on)

    async def move_step(self, index: int, to: int, table=None) -> dict:
        """Move step ``index`` to place ``to``; refused when the steps no longer apply there."""
        name = table or self.view["active"]
        listed = self.steps_of(name)
        _check_index(index, listed)
        _check_index(to, listed)
        listed.insert(to, listed.pop(index))
        return await self.set_steps(name, listed)

    async def preview_step(self, step, table=None, index=None) -> dict:
        """What ``step`` would do, not applied: ``recipe.preview`` of it at ``index`` (the end when None)."""
        name = table or self.view["active"]
        problem = steps.shape_problem(step)
        if problem:
            return {"problem": problem, "columns": [], "rows": [], "before": {}, "changed": 0, "emptied": 0}
        listed = self.steps_of(name)
        if index is None:
            listed.append(step)
            index = len(listed) - 1
        else:
            _check_index(index, listed)
            listed[index] = step
        return await wasm.run(recipe.preview(name, listed, index, list(self.tables)), self.engine.background())

    async def show_as_of(self, index, table=None) -> dict:
        """Show ``table`` as of step ``index`` (the steps after it not applied, nothing changed); None: all of them."""
        name = table or self.view["active"]
        listed = self.steps_of(name)
        if index is not None:
            _check_index(index, listed)
        if index is None or index >= len(listed) - 1:
            self.as_of.pop(name, None)
            upto = listed
        else:
            self.as_of[name] = index
            upto = [step if i <= index else dict(step, off=True) for i, step in enumerate(listed)]
        self.recipes[name] = await wasm.run(recipe.apply(name, upto, list(self.tables)), self.engine)
        await self._described_again(name)
        self._publish()
        await self.render()
        return self.steps_report(name)

    async def save_as_table(self, new_name: str, table=None) -> dict:
        """Keep ``table`` as its steps leave it as a new table ``new_name`` (its rows copied: a tab of its own)."""
        name = table or self.view["active"]
        taken = [row[0] for row in (await self.engine.execute(*statements.catalog_names()))["rows"]]
        problem = statements.check_name(new_name, taken)
        if problem:
            raise errors.QueryError(problem)
        await self.apply_entry({"op": "query", "table": new_name, "statement": recipe.everything(name)})
        return self.tables[new_name]

    async def _described_again(self, table: str) -> None:
        described = await wasm.run(loading.describe(table), self.engine)
        self.tables[table] = {key: described[key] for key in ("table", "rows", "columns")}
        self.explorer.forget(table)

    async def join_plan(self, other: str, keys: list, casts=None) -> dict:
        """What joining the active table with ``other`` on ``keys`` would match and make (join_plan.plan)."""
        found = join_plan.plan(self.view["active"], other, keys, casts)
        return await wasm.run(found, self.engine.background())

    # --- undo and redo ---------------------------------------------------------

    async def undo(self) -> dict:
        """Go back one change of the view; ``{done, can_undo, can_redo}``."""
        return await self._travel(self.history.undo())

    async def redo(self) -> dict:
        """Go forward again one change that was undone."""
        return await self._travel(self.history.redo())

    async def _travel(self, state) -> dict:
        if state is None:
            return self._undo_report(False)
        state["panels"] = list(self.view.get("panels") or [])  # panels stay as they are: they are not changes
        state["sql"] = self.view.get("sql", "")
        for table in undo.changed_steps(self.view, state):
            if table in self.tables:
                self.as_of.pop(table, None)
                self.recipes[table] = await wasm.run(
                    recipe.apply(table, view.table_steps(state, table), list(self.tables)), self.engine
                )
                await self._described_again(table)
        self.panel.close()
        self.view = state
        await self.render()
        self._publish()
        feedback.dismiss()
        return self._undo_report(True)

    def _undo_report(self, done: bool) -> dict:
        return {"done": done, "can_undo": self.history.can_undo(), "can_redo": self.history.can_redo()}


def _note(prepared) -> str:
    """What a step found in the data that a person should know (a pivot's Other, an append's columns)."""
    if not isinstance(prepared, dict):
        return ""
    note = prepared.get("note")
    differences = prepared.get("differences")
    if not note and isinstance(differences, dict) and differences.get("words"):
        note = "Columns not in both: " + differences["words"]
    return note if isinstance(note, str) else ""


def _check_index(index, listed: list) -> None:
    if not isinstance(index, int) or not 0 <= index < len(listed):
        raise errors.QueryError("There is no step " + str(index) + " (the table has " + str(len(listed)) + ").")


def _failed_before(before: list, after: list, applied: dict) -> bool:
    """True when the failing step is one of the steps that were there, unchanged and in place, already."""
    index = applied["failed"]
    return index < len(before) and index < len(after) and before[index] == after[index]
