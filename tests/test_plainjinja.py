"""The quick reader of plain brief bodies (drafting.plainjinja) against Jinja itself."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.assemble import body_calls, body_env, jinja_calls
from drafting.plainjinja import plain_calls, plain_render

#: Pieces a body is made of: text, Markdown Jinja leaves alone, fact calls written
#: every way, other Jinja, and near misses of each.
FRAGMENTS = [
    "text ", "More words.", "\n", "\n\n", " ", "\t", "\r\n", "\r", "{", "}", "{{", "}}", "{%",
    "%}", "{#", "#}", "{##", "##}", "{#sec:legal}", "# Heading {#sec:a}\n", "{.argument}\n",
    '"', "'", "\\", "fact", '("a")', '{{ fact("a") }}', "{{ fact('b') }}", '{{fact("c")}}',
    '{{  fact( "a b" )  }}', '{{ fact("") }}', '{{ fact("a\\"b") }}', '{{ fact("a") | upper }}',
    '{{ fact(fact_id="a") }}', '{{- fact("a") -}}', '{{ fact("a")}}', '{{ fact ("a") }}',
    "{{ fact('x\")}}", '{{ x }}', "{% if true %}in{% endif %}", "{## note ##}",
    '{{ fact("a")\n}}', '{{\nfact("a") }}', "{% raw %}{{ fact(\"a\") }}{% endraw %}",
    "{{{ fact('a') }}", '{{ fact("a") }}}', "{ {", "{%-", "ü", "\ue005",
]

bodies = st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)


def jinja_render(source: str) -> str | None:
    """What Jinja renders with ``fact`` marking its argument, or None if it fails."""
    try:
        return body_env().from_string(source).render(fact=lambda i: f"<{i}>")
    except Exception:  # noqa: BLE001 - any failure means the quick reader must decline
        return None


def jinja_calls_or_none(source: str) -> list[tuple[str, int]] | None:
    try:
        return jinja_calls(source)
    except Exception:  # noqa: BLE001
        return None


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies)
def test_plain_bodies_read_as_jinja_reads_them(source: str) -> None:
    plain = plain_calls(source)
    if plain is None:
        return
    assert [(i, n) for i, n, _, _ in plain] == jinja_calls_or_none(source)
    assert plain_render(source, plain, lambda i: f"<{i}>") == jinja_render(source)


def test_the_generator_reaches_both_readers() -> None:
    """The property above is only worth something if both sides are exercised."""
    rng = random.Random(7)
    samples = ["".join(rng.choices(FRAGMENTS, k=rng.randrange(14))) for _ in range(400)]
    plain = [s for s in samples if plain_calls(s) is not None]
    assert any(plain_calls(s) for s in plain)  # some with calls
    assert len(plain) < len(samples)  # and some the quick reader declines


def test_a_plain_body() -> None:
    source = 'Intro {{ fact("a") }}\n\n{#sec:x} and {{ fact(\'b-2\') }} end.\n{{ fact("a") }}'
    calls = plain_calls(source)
    assert [source[start:end] for _, _, start, end in calls] == [
        '{{ fact("a") }}', "{{ fact('b-2') }}", '{{ fact("a") }}']
    assert body_calls(source) == [("a", 1), ("b-2", 3), ("a", 4)] == jinja_calls(source)
    assert plain_render(source, calls, str.upper) == jinja_render(
        source).replace("<a>", "A").replace("<b-2>", "B-2")


def test_anything_else_goes_to_jinja() -> None:
    for source in ['{{ fact("a") }} {{ title }}', '{% if x %}{% endif %}', "{{{ fact('a') }}",
                   '{{ fact("a") }}\r\n', "{## c ##}", '{{ fact(fact_id="a") }}',
                   '{{ fact("a")|upper }}']:
        assert plain_calls(source) is None, source
