"""What a template asks of a brief's front matter (``drafting template list/show``, and
``build``/``check``, which report every missing field at once).

A template's fields are read from its Jinja: each name it prints (``{{ docket }}``) and
each attribute (``{{ petitioner.address }}``). A field is optional when the template
tests it (``{% if subtitle is defined %}``), gives it a default
(``{{ agency|default('…') }}``) or prints it only under a condition; every other field
is required. A field printed through ``longdate`` is a date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drafting.errors import DraftingError, Location
from drafting.values import dataclass

#: Names every template may use that the build itself provides.
PROVIDED = frozenset(("body", "authorities", "brief", "fact"))


@dataclass
class TemplateField:
    """One front-matter field a template prints."""

    name: str  # "docket", or "petitioner.address"
    required: bool = True
    default: str = ""  # what the template prints when it is missing
    date: bool = False  # printed as a date (``longdate``)


def template_fields(path: Path) -> list[TemplateField]:
    """The fields a template prints, in the order it first prints them."""
    from jinja2 import nodes
    from jinja2.meta import find_undeclared_variables

    from drafting.word import read_template, read_template_source, template_environment

    source = read_template_source(read_template(path), path)
    env = template_environment()
    try:
        tree = env.parse(source)
    except Exception as err:  # noqa: BLE001 - a Jinja syntax error: check reports it
        raise DraftingError(f"the template's fields cannot be read: {err}",
                            Location(path)) from None
    found: dict[str, TemplateField] = {}
    visit(tree, found, optional=False, nodes=nodes)
    # a name the template binds itself ({% for p in ... %}, {% set %}, loop) or one of
    # Jinja's globals (range, namespace, ...) is not a field of the front matter
    free = find_undeclared_variables(tree) - set(env.globals)
    return [f for f in found.values() if f.name.partition(".")[0] in free]


def visit(node: Any, found: dict[str, TemplateField], optional: bool, nodes: Any,
          default: str = "", date: bool = False) -> None:
    """Collect the fields under ``node`` (optional under a condition or a default)."""
    if isinstance(node, nodes.If):
        visit(node.test, found, True, nodes)
        for child in [*node.body, *node.elif_, *node.else_]:
            visit(child, found, True, nodes)
        return
    if isinstance(node, nodes.Filter):
        if node.name == "default":
            given = node.args[0].value if node.args and isinstance(node.args[0],
                                                                    nodes.Const) else ""
            for arg in node.args:
                visit(arg, found, optional, nodes)
            if node.node is not None:
                visit(node.node, found, True, nodes, str(given), date)
            return
        if node.node is not None:
            visit(node.node, found, optional, nodes, default, date or node.name == "longdate")
        for arg in node.args:
            visit(arg, found, optional, nodes)
        return
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        if node.node.name not in PROVIDED:
            add(found, f"{node.node.name}.{node.attr}", optional, default, date)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in PROVIDED:
        add(found, node.name, optional, default, date)
        return
    for child in node.iter_child_nodes():
        visit(child, found, optional, nodes)


def add(found: dict[str, TemplateField], name: str, optional: bool, default: str,
        date: bool) -> None:
    """Record a use of a field (required if any use is)."""
    entry = found.setdefault(name, TemplateField(name, not optional, default, date))
    entry.required = entry.required or not optional
    entry.default = entry.default or default
    entry.date = entry.date or date


def missing_fields(fields: list[TemplateField], meta: dict[str, Any]) -> list[str]:
    """The required fields the front matter does not give (``petitioner.address``)."""
    out = []
    for item in (f for f in fields if f.required):
        head, _, attribute = item.name.partition(".")
        value = meta.get(head)
        if value is None or (attribute and not (isinstance(value, dict)
                                                and value.get(attribute) is not None)):
            out.append(item.name)
    return out


def example_front_matter(template: str, fields: list[TemplateField]) -> str:
    """Front matter to paste into a new brief: every field, required ones first."""
    groups: dict[str, list[TemplateField]] = {}
    for field in fields:
        groups.setdefault(field.name.partition(".")[0], []).append(field)
    heads = sorted(groups, key=lambda h: not any(f.required for f in groups[h]))
    lines = [f"template: {template}"]
    for head in heads:
        items = sorted(groups[head], key=lambda f: not f.required)
        if len(items) == 1 and "." not in items[0].name:
            lines.append(f"{head}: {example(items[0])}")
            continue
        lines.append(f"{head}:")
        lines += [f"  {f.name.partition('.')[2]}: {example(f)}" for f in items if "." in f.name]
    return "\n".join(lines) + "\n"


def example(field: TemplateField) -> str:
    """A placeholder value that says what to write."""
    if field.date:
        return "2020-01-17" + ("" if field.required else "   # optional")
    if field.default:
        return f"{field.default!r}   # optional, this is the default".replace("'", '"')
    return "'...'" if field.required else "'...'   # optional"
