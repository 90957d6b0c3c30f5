"""A labelled field of a step's form: the one wrapping both form modules use (step_editors, table_editors)."""

from app.ui.shell.dom import el


def labelled(words: str, node):
    """``node`` under a label saying ``words`` (tied to it by the node's id, when it has one)."""
    wrap = el("div", None, "st-field")
    label = el("label", words, "st-label")
    ident = node.getAttribute("id")
    if ident:
        label.setAttribute("for", ident)
    wrap.append(label)
    wrap.append(node)
    return wrap
