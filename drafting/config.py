"""The library's settings: ``drafting.yaml`` at the library root (optional).

    check:
      stale_after_days: 730   # a fact older than this (by its as_of) is stale
      today: 2020-01-17       # judge staleness as of this date (default: today)
      style: house            # the style whose required fields sources must have
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from drafting.errors import DraftingError, Location
from drafting.library import load_yaml

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
    """Read ``drafting.yaml``; defaults when there is none."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return CheckConfig()
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), Location(path, 1)) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise DraftingError(f"not valid YAML: {getattr(err, 'problem', err)}",
                            Location(path, mark.line + 1 if mark else None)) from None
    check = data.get("check") or {} if isinstance(data, dict) else {}
    if not isinstance(check, dict):
        raise DraftingError("'check' must be a mapping of settings", Location(path))
    today = check.get("today")
    if today is not None and as_date(today) is None:
        raise DraftingError(f"check.today '{today}' is not a date like 2020-01-17",
                            Location(path))
    try:
        days = int(check.get("stale_after_days", CheckConfig.stale_after_days))
    except (TypeError, ValueError):
        raise DraftingError("check.stale_after_days must be a number of days",
                            Location(path)) from None
    return CheckConfig(stale_after_days=days, today=as_date(today) if today else None,
                       style=str(check.get("style", "house")))
