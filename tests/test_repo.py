"""The project keeps its promises about itself: lint clean, documented, changelog kept."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
def test_ruff_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "drafting", "tests", "tools"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"drafting {name}" in readme, name
        assert CliRunner().invoke(cli, [name, "--help"]).exit_code == 0


def test_readme_commands_match_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python -m pip install -q -e '.[test]' && python -m pytest -q"
    assert test_command in readme and test_command in ci


def test_changelog_has_an_unreleased_section() -> None:
    assert "## Unreleased" in (ROOT / "CHANGES.md").read_text(encoding="utf-8")
