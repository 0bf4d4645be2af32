"""The citation parser: pandoc syntax in, citation items out."""

from __future__ import annotations

import pytest

from drafting.citations import parse_citation
from drafting.errors import DraftingError, Location
from drafting.model import CiteItem

WHERE = Location(None, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@key", [CiteItem("key")]),
        ("@key, 198", [CiteItem("key", pin="198")]),
        ("@key, 66-67", [CiteItem("key", pin="66-67")]),
        ("@key, ¶ 27", [CiteItem("key", pin="¶ 27")]),
        ("@usc-19, § 2462(d)", [CiteItem("usc-19", pin="§ 2462(d)")]),
        ("@code, art. 402", [CiteItem("code", pin="art. 402")]),
        ("@key, at 5", [CiteItem("key", pin="5")]),
        ("see @key, 12", [CiteItem("key", signal="see", pin="12")]),
        ("See, e.g., @key", [CiteItem("key", signal="see, e.g.")]),
        ("see also @key", [CiteItem("key", signal="see also")]),
        ("cf. @key", [CiteItem("key", signal="cf.")]),
        ("but see @key", [CiteItem("key", signal="but see")]),
        ("*see* @key", [CiteItem("key", signal="see")]),
        ("@a; see also @b, 5", [CiteItem("a"), CiteItem("b", signal="see also", pin="5")]),
        (
            '@key, 66-67 ("quoted explanation")',
            [CiteItem("key", pin="66-67", parenthetical='"quoted explanation"')],
        ),
        (
            "@key (explaining why; at length)",
            [CiteItem("key", parenthetical="explaining why; at length")],
        ),
        ("@usc-19, § 2462(d) (GSP)", [CiteItem("usc-19", pin="§ 2462(d)", parenthetical="GSP")]),
        ("@ilo:cas.2019/kz", [CiteItem("ilo:cas.2019/kz")]),
    ],
)
def test_parses(text: str, expected: list[CiteItem]) -> None:
    assert list(parse_citation(text, WHERE).items) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sea @key", "unknown signal 'sea'"),
        ("for examples, see @key", "unknown signal"),
        ("@key, 5 (unclosed", "unbalanced parentheses"),
        ("@a @b", "two keys in one citation part"),
        ("@a; no key here", "has no @key"),
    ],
)
def test_rejects_with_a_message(text: str, message: str) -> None:
    with pytest.raises(DraftingError, match=message):
        parse_citation(text, WHERE)
