"""drafting.yaml's settings are kept in the cache by its text: a second run does not
load PyYAML for them, and any edit is seen (the key is the text, not the file's date)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SETTINGS = "check:\n  today: 2020-06-01\n  stale_after_days: 3650\n"
READ = ("import sys\nfrom pathlib import Path\nfrom drafting.config import load_config\n"
        "print(load_config(Path('.')), 'yaml' in sys.modules)")


def settings(root: Path) -> str:
    return subprocess.run([sys.executable, "-c", READ], cwd=root, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_settings_come_from_the_cache_and_follow_every_edit(tmp_path: Path) -> None:
    (tmp_path / "snippets").mkdir()
    path = tmp_path / "drafting.yaml"
    path.write_text(SETTINGS, encoding="utf-8")
    first = settings(tmp_path)
    assert first.endswith("True") and "datetime.date(2020, 6, 1)" in first
    assert settings(tmp_path) == first.replace("True", "False")  # from the cache
    info = path.stat()
    path.write_text(SETTINGS.replace("2020-06-01", "2021-06-01"), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same date
    assert "datetime.date(2021, 6, 1)" in settings(tmp_path)


def test_no_cache_reads_and_writes_no_cache_at_all(example: Path) -> None:
    """``--no-cache``: nothing from .drafting-cache/ is believed and nothing is put
    there (drafting.yaml's settings were kept even so); the next run caches again."""
    from click.testing import CliRunner

    from drafting.cli import cli

    cache = example / ".drafting-cache"
    for args in (["check", "--no-cache"], ["build", "--no-cache", "briefs/kazakhstan-2020.md"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert not (cache / "config.json").exists() and not (cache / "check.json").exists()
    path = example / "drafting.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["check"]).exit_code == 0
    assert (cache / "config.json").is_file() and (cache / "check.json").is_file()
    planted = (cache / "config.json").read_bytes()
    path.write_text(path.read_text(encoding="utf-8").replace("1460", "1"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--no-cache"])
    assert "[stale-fact]" in result.output  # the edited settings, read afresh
    assert (cache / "config.json").read_bytes() == planted  # and not written
