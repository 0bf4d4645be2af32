"""Finding the facts (library.scan_facts) gives what pathlib's rglob gives, in its order."""

from __future__ import annotations

from pathlib import Path

from drafting.library import scan_facts


def test_scan_matches_rglob_on_awkward_names(tmp_path: Path) -> None:
    snippets = tmp_path / "snippets"
    for name in ("a/x.md", "a-b/x.md", "a.b/y.md", "a/b/z.md", ".hidden.md", "top.md",
                 "A/x.md", "a/x.txt", "dir.md/inner.md", "é/x.md", "a b/x.md"):
        path = snippets / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    (snippets / "linked").symlink_to(snippets / "a")  # a link to a folder: not followed
    (snippets / "file-link.md").symlink_to(snippets / "top.md")
    expected: dict[str, list[Path]] = {}
    for path in sorted(snippets.rglob("*.md")):
        expected.setdefault(path.stem, []).append(path)
    found = scan_facts(snippets)
    assert found == expected and list(found) == list(expected)
    assert [str(p) for ps in found.values() for p in ps] == \
        [str(p) for ps in expected.values() for p in ps]


def test_scan_matches_rglob_whatever_the_names(tmp_path_factory) -> None:
    """Names whose characters sort before and after the separator ('!', ' ', '-', '.')
    and folders that are prefixes of others: the order is still rglob's."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    parts = st.text(st.sampled_from("ab!-. é"), min_size=1, max_size=3).filter(
        lambda p: p not in (".", ".."))

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.lists(parts, min_size=1, max_size=3), min_size=1, max_size=8))
    def check(paths: list[list[str]]) -> None:
        snippets = tmp_path_factory.mktemp("s") / "snippets"
        for path in paths:
            target = snippets.joinpath(*path[:-1], path[-1] + ".md")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("x", encoding="utf-8")
            except (FileExistsError, NotADirectoryError, IsADirectoryError):
                continue
        expected: dict[str, list[Path]] = {}
        for found_path in sorted(snippets.rglob("*.md")):
            expected.setdefault(found_path.stem, []).append(found_path)
        found = scan_facts(snippets)
        assert [(k, [str(p) for p in v]) for k, v in found.items()] == \
            [(k, [str(p) for p in v]) for k, v in expected.items()]

    check()
