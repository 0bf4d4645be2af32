"""The library's settings: ``drafting.yaml`` at the library root (optional).

    check:
      stale_after_days: 730   # a fact older than this (by its as_of) is stale
      today: 2020-01-17       # judge staleness as of this date (default: today)
      style: house            # the style whose required fields sources must have
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from drafting.errors import DraftingError, Location
from drafting.values import dataclass

CONFIG_FILE = "drafting.yaml"


@dataclass(frozen=True)
class CheckConfig:
    """Settings of ``drafting check``."""

    stale_after_days: int = 730
    today: dt.date | None = None
    style: str = "house"

    def reference_date(self) -> dt.date:
        return self.today or dt.date.today()


def as_date(value: Any) -> dt.date | None:
    """A YAML date or an ISO date string as a date; None when it is neither."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def load_config(root: Path) -> CheckConfig:
    """Read ``drafting.yaml``; defaults when there is none. Every bad setting is an error
    naming its line."""
    from drafting.library import read_text

    path = root / CONFIG_FILE
    if not path.is_file():
        return CheckConfig()
    text = read_text(path)
    data = parsed(root, path, text) or {}
    if not isinstance(data, dict):
        raise DraftingError("drafting.yaml must be 'name: value' settings", Location(path, 1))
    check = data.get("check") or {}
    if not isinstance(check, dict):
        raise DraftingError("'check' must be a mapping of settings",
                            setting_line(path, text, "check"))
    today = check.get("today")
    if today is not None and (as_date(today) is None or isinstance(today, bool)):
        raise DraftingError(f"check.today '{today}' is not a date like 2020-01-17",
                            setting_line(path, text, "today"))
    days = check.get("stale_after_days", CheckConfig.stale_after_days)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise DraftingError(f"check.stale_after_days '{days}' must be a whole number of days "
                            "(0 or more), like 730", setting_line(path, text, "stale_after_days"))
    style = check.get("style", "house")
    if not isinstance(style, str):
        raise DraftingError("check.style must be a style name or path",
                            setting_line(path, text, "style"))
    return CheckConfig(stale_after_days=days, today=as_date(today) if today else None,
                       style=style)


def parsed(root: Path, path: Path, text: str) -> Any:
    """drafting.yaml's data, kept in the library's cache by its text (its nested
    settings need PyYAML, whose loading is a tenth of a ``check --changed``)."""
    from drafting.cache import Cache, decode_json, encode_json, memoized

    def parse() -> Any:
        from drafting.yamldata import parse_yaml

        return parse_yaml(text, path, 1)

    cache = Cache(root, "config", "1", keep=4)
    data = memoized(cache, text.encode(), "config", parse, encode_json, decode_json)
    cache.save()
    return data


def setting_line(path: Path, text: str, name: str) -> Location:
    """Where a setting is written in drafting.yaml (its first mention)."""
    match = re.search(rf"^\s*{re.escape(name)}\s*:", text, re.M)
    return Location(path, text.count("\n", 0, match.start()) + 1 if match else None)
