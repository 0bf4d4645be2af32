"""A Jinja sandbox whose work is bounded: time, steps, output, value sizes and nesting.

Jinja's own sandbox keeps templates away from Python internals but lets them run for
ever (``{% for %}`` in ``{% for %}``) or build huge values (``'x' * 10**8``). Here every
loop iteration and call counts against a per-render budget, a render stops after
:data:`~drafting.limits.MAX_RENDER_SECONDS`, and operators, calls and filters refuse
results larger than :data:`~drafting.limits.MAX_VALUE_CHARS`.
"""

from __future__ import annotations

import functools
import operator
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.environment import Template
from jinja2.lexer import TokenStream
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Namespace, generate_lorem_ipsum

from drafting.limits import (
    MAX_CALL_DEPTH,
    MAX_JINJA_NESTING,
    MAX_RENDER_CHARS,
    MAX_RENDER_SECONDS,
    MAX_RENDER_STEPS,
    MAX_VALUE_CHARS,
    LimitError,
)

MAX_INT_BITS = 10_000
#: A width or precision of seven digits or more, or one taken from the arguments.
PERCENT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d{7,}|\*|\d*\.(?:\d{7,}|\*))")
FORMAT_WIDTH = re.compile(r"\{[^{}]*:[^{}]*(?:\d{7,}|\{)")
#: Filters and string methods whose number arguments are widths or counts of pieces.
SIZED_FILTERS = {"do_center", "do_indent", "do_wordwrap", "do_truncate", "do_batch",
                 "do_slice"}
SIZED_METHODS = {"ljust", "rjust", "center", "zfill", "expandtabs"}
BLOCK_TAGS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw"}


class Budget:
    """What one render may still do."""

    def __init__(self, steps: int) -> None:
        self.deadline = time.monotonic() + MAX_RENDER_SECONDS
        self.steps = steps
        self.chars = MAX_RENDER_CHARS  # text written out
        self.made = MAX_RENDER_CHARS  # text made anywhere (macros, {% set %} blocks too)
        self.depth = 0

    def step(self, count: int = 1) -> None:
        """Count work; stop when the steps or the time are used up."""
        self.steps -= count
        if self.steps < 0:
            raise LimitError("the template does too much work (loops or calls); the "
                             "limit is reached: simplify its loops")
        if time.monotonic() > self.deadline:
            raise LimitError(f"the template takes too long (the limit is "
                             f"{MAX_RENDER_SECONDS:g} seconds); simplify its loops")

    def write(self, count: int) -> None:
        """Count written characters."""
        self.chars -= count
        if self.chars < 0:
            raise LimitError(f"the template writes too much text (the limit is "
                             f"{MAX_RENDER_CHARS:,} characters)")

    def make(self, count: int) -> None:
        """Count characters made by ``{{ }}`` and loop bodies, wherever they go."""
        self.made -= count
        if self.made < 0:
            raise LimitError(f"the template makes too much text in loops, macros or "
                             f"{{% set %}} blocks (the limit is {MAX_RENDER_CHARS:,} characters)")


_BUDGETS: list[Budget] = []


def budget() -> Budget:
    """The budget of the render under way (a fresh one outside a render)."""
    return _BUDGETS[-1] if _BUDGETS else Budget(MAX_RENDER_STEPS)


def too_big(what: str) -> LimitError:
    return LimitError(f"{what} would be too large (the limit is {MAX_VALUE_CHARS:,} "
                      "characters or items); make it smaller")


def check_value(value: Any, what: str = "a value") -> Any:
    """``value``, unless it is a string, collection or number over the limits."""
    if isinstance(value, (str, bytes, list, tuple, dict, set)) and len(value) > MAX_VALUE_CHARS:
        raise too_big(what)
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise too_big(what)
    return value


def sized(value: Any) -> int:
    """The length of a string or collection; 0 for anything else."""
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def check_binop(op: str, left: Any, right: Any) -> None:
    """Refuse ``left op right`` when its result would be over the limits."""
    if op == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(count, int) and sized(seq) * max(count, 0) > MAX_VALUE_CHARS:
                raise too_big("a repeated string or list")
        if isinstance(left, int) and isinstance(right, int) and \
                left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise too_big("a number")
    elif op == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and \
            abs(left) > 1 and left.bit_length() * right > MAX_INT_BITS:
        raise too_big("a power")
    elif op == "+" and sized(left) + sized(right) > MAX_VALUE_CHARS:
        raise too_big("a joined string or list")
    elif op == "%" and isinstance(left, str) and PERCENT_WIDTH.search(left):
        raise too_big("a formatted string")


def check_args(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    """Refuse number arguments beyond any sensible width or count (for the filters and
    methods that take widths or counts: a sum of money may well be larger)."""
    for value in [*args, *kwargs.values()]:
        if isinstance(value, int) and not isinstance(value, bool) and \
                abs(value) > MAX_VALUE_CHARS:
            raise too_big(f"an argument of {value:,}")


def check_method(obj: Any, args: tuple, kwargs: dict[str, Any]) -> None:
    """Refuse string methods whose result would be over the limits."""
    method = getattr(obj, "__wrapped__", obj)  # str.format comes wrapped by the sandbox
    text, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if isinstance(text, str) and name in SIZED_METHODS:
        check_args(args, kwargs)
    if isinstance(text, str) and name == "expandtabs":
        size = next(iter([*args, *kwargs.values()]), 8)
        if isinstance(size, int) and len(text) * max(size, 1) > MAX_VALUE_CHARS:
            raise too_big("a string with tabs expanded")
    if name in ("format", "format_map") and isinstance(text, str) and FORMAT_WIDTH.search(text):
        raise too_big("a formatted string")
    if isinstance(text, str) and name == "replace" and len(args) >= 2:
        grow = (len(text) // max(len(str(args[0])), 1) + 1) * len(str(args[1]))
        if len(text) + grow > MAX_VALUE_CHARS:
            raise too_big("a replaced string")
    if isinstance(text, str) and name == "join" and args:
        items = args[0] if isinstance(args[0], (list, tuple)) else ()
        if len(text) * len(items) + sum(sized(i) for i in items) > MAX_VALUE_CHARS:
            raise too_big("a joined string")


def filter_growth(name: str, args: tuple) -> int:
    """How long the result of the filters that can multiply text may get."""
    strs = [a for a in args if isinstance(a, str)]
    if name == "do_replace" and len(strs) >= 3:
        return len(strs[0]) + (len(strs[0]) // max(len(strs[1]), 1) + 1) * len(strs[2])
    if name == "do_join":
        items = next((a for a in args if hasattr(a, "__len__") and not isinstance(a, str)), ())
        return len(items) * (len(strs[0]) if strs else 0)
    if name == "do_indent" and strs:
        width = next((a for a in args[1:] if isinstance(a, (int, str))), 4)
        size = width if isinstance(width, int) else len(width)
        return len(strs[0]) + strs[0].count("\n") * max(size, 0)
    if name == "do_format" and strs and PERCENT_WIDTH.search(strs[0]):
        return MAX_VALUE_CHARS + 1
    return 0


def bounded_filter(func: Any) -> Any:
    """A filter that refuses huge arguments and results."""
    name = getattr(func, "__name__", "")

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        if name in SIZED_FILTERS:
            check_args(args[1:], kwargs)
        if filter_growth(name, args) > MAX_VALUE_CHARS:
            raise too_big(f"the result of the '{name.removeprefix('do_')}' filter")
        return check_value(func(*args, **kwargs), "a filter's result")

    return run


def loop_guard(iterable: Any, weight: int = 0) -> Iterator[Any]:
    """Iterate, counting each step (and the loop body's own text) against the budget."""
    spent = budget()
    for item in iterable:
        spent.step()
        if weight:
            spent.make(weight)
        yield item


def lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    """Jinja's ``lipsum``, with at most 100 paragraphs of at most 1,000 words."""
    if n > 100 or max > 1000:
        raise too_big("lipsum text")
    return generate_lorem_ipsum(n, html, min, max)


def counted(finalize: Any) -> Any:
    """A ``finalize`` that counts the text every ``{{ }}`` makes against the budget."""
    def run(value: Any) -> Any:
        value = finalize(value) if finalize else value
        budget().make(len(value) if isinstance(value, str) else 0)
        return value

    return run


class BoundedNamespace(Namespace):
    """``namespace()`` whose attributes cannot grow beyond the limits."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, check_value(value, f"namespace value '{name}'"))


class BoundedTemplate(Template):
    """A template that renders within a fresh budget."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        _BUDGETS.append(Budget(self.environment.steps))
        try:
            spent, out = _BUDGETS[-1], []
            for chunk in self.root_render_func(ctx):
                spent.write(len(chunk))
                out.append(chunk)
            return "".join(out)
        except Exception:
            self.environment.handle_exception()
        finally:
            _BUDGETS.pop()


def nesting_checked(stream: TokenStream, name: str | None, filename: str | None
                    ) -> Iterator[Any]:
    """Tokens, refusing block tags or brackets nested more than MAX_JINJA_NESTING deep."""
    blocks, brackets, tag = 0, 0, []
    for token in stream:
        if token.type == "block_begin":
            tag = []
        elif token.type == "block_end" and tag:
            word = tag[0]
            if word in BLOCK_TAGS or (word == "set" and "assign" not in tag):
                blocks += 1
            elif word.startswith("end"):
                blocks = max(blocks - 1, 0)
        elif token.type == "name" or token.type == "assign":
            tag.append(token.value if token.type == "name" else "assign")
        elif token.type in ("lparen", "lbracket", "lbrace"):
            brackets += 1
        elif token.type in ("rparen", "rbracket", "rbrace"):
            brackets = max(brackets - 1, 0)
        if blocks > MAX_JINJA_NESTING or brackets > MAX_JINJA_NESTING:
            what = "block tags" if blocks > MAX_JINJA_NESTING else "brackets"
            raise TemplateSyntaxError(f"{what} nested more than {MAX_JINJA_NESTING} deep; "
                                      "simplify the template", token.lineno, name, filename)
        yield token


class BoundedEnvironment(SandboxedEnvironment):
    """A sandbox that bounds the work a template can do (see the module's docstring)."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])
    template_class = BoundedTemplate
    steps = MAX_RENDER_STEPS

    def __init__(self, *args: Any, steps: int = MAX_RENDER_STEPS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps = steps
        self.globals.update(lipsum=lipsum, namespace=BoundedNamespace,
                            __loop_guard__=loop_guard)
        self.filters = {k: bounded_filter(f) for k, f in self.filters.items()}
        self.finalize = counted(self.finalize)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_binop(operator, left, right)
        return check_value(BINOPS[operator](left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        spent = budget()
        spent.step()
        for value in [*args, *kwargs.values()]:
            check_value(value, "an argument")
        check_method(__obj, args, kwargs)
        spent.depth += 1
        try:
            if spent.depth > MAX_CALL_DEPTH:
                raise LimitError(f"macros call each other more than {MAX_CALL_DEPTH} deep; "
                                 "stop the recursion sooner")
            return check_value(SandboxedEnvironment.call(__self, __context, __obj, *args,
                                                          **kwargs), "a call's result")
        finally:
            spent.depth -= 1

    def _tokenize(self, source: str, name: str | None, filename: str | None = None,
                  state: str | None = None) -> TokenStream:
        stream = super()._tokenize(source, name, filename, state)
        return TokenStream(nesting_checked(stream, name, filename), name, filename)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            weight = sum(len(d.data) for d in loop.find_all(nodes.TemplateData))
            loop.iter = nodes.Call(nodes.Name("__loop_guard__", "load"),
                                   [loop.iter, nodes.Const(weight)], [], None, None,
                                   lineno=loop.lineno)
            loop.iter.set_lineno(loop.lineno)
        return tree


BINOPS = {"*": operator.mul, "**": operator.pow, "+": operator.add, "%": operator.mod}
