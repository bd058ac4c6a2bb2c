"""Settings from JADWAL_* environment variables and an optional .env file, validated at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PREFIX = "JADWAL_"
LID_SUFFIX = "@lid"  # how an owner's LID is written in JADWAL_OWNERS and seen in a sender
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """One or more settings are invalid; the message names each bad value."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    owners: tuple[str, ...] = ()  # phone digits ('628123456789') or LIDs ('123456789@lid')
    log_level: str = "INFO"
    grace: timedelta = timedelta(hours=2)
    pair_phone: str | None = None
    reconnect_initial_s: float = 3.0
    reconnect_max_s: float = 60.0
    max_failed_connects: int = 40
    pacing_min_s: float = 3.0
    pacing_max_s: float = 6.0
    send_retry_s: float = 600.0
    media_retention_days: float = 30.0

    @property
    def db_path(self) -> Path:
        return self.data_dir / "bot.db"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


def normalize_phone(raw: str) -> str:
    """'+62 812-3456-789' / '0812 3456 789' -> '628123456789' (digits, country code 62)."""
    digits = re.sub(r"[\s\-+().]", "", raw)
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise ValueError(raw)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("620"):  # '+62 (0)812 …': the trunk 0 kept after the country code
        digits = "62" + digits[3:]
    return digits


def normalize_owner(raw: str) -> str:
    """A JADWAL_OWNERS entry: a phone number -> its digits; '123…@LID' -> '123…@lid'.

    A LID is WhatsApp's private id for a person; the bot sees one instead of a phone number
    when it cannot map it, and then logs the exact value to add here.
    """
    digits, lid, rest = raw.strip().lower().partition(LID_SUFFIX)
    if not lid:
        return normalize_phone(raw)
    if rest or not digits.isdigit() or not 1 <= len(digits) <= 20:
        raise ValueError(raw)
    return digits + LID_SUFFIX


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; '#' comments, blank lines and optional quotes; `export` prefix allowed.

    A ' #' after an unquoted value, or after the closing quote, starts a comment.
    """
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    # utf-8-sig: Windows Notepad starts the file with a BOM, which would hide the first key.
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = _env_value(value.strip())
    return values


def _env_value(value: str) -> str:
    if len(value) >= 2 and value[0] in "'\"":
        quoted = re.fullmatch(rf"{value[0]}(.*){value[0]}(?:\s+#.*)?", value, re.S)
        return quoted[1] if quoted else value
    return re.split(r"\s+#", value, maxsplit=1)[0]


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
    data_dir: Path | None = None,
) -> Settings:
    """Merge .env (lowest), the environment, then explicit overrides; validate every value."""
    merged: dict[str, str] = read_env_file(env_file) if env_file else {}
    merged.update(os.environ if environ is None else environ)
    get = {k.removeprefix(PREFIX): v for k, v in merged.items() if k.startswith(PREFIX)}.get
    errors: list[str] = []

    tz_name = get("TIMEZONE", "Asia/Jakarta").strip()
    timezone = ZoneInfo("Asia/Jakarta")
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"{PREFIX}TIMEZONE={tz_name!r}: not a known IANA zone (e.g. Asia/Jakarta)")

    owners: list[str] = []
    for raw in filter(None, (p.strip() for p in get("OWNERS", "").split(","))):
        try:
            owners.append(normalize_owner(raw))
        except ValueError:
            errors.append(f"{PREFIX}OWNERS: {raw!r} is neither a phone number (e.g. "
                          f"628123456789) nor a LID (e.g. 123456789012345{LID_SUFFIX})")

    log_level = get("LOG_LEVEL", "INFO").strip().upper()
    if log_level not in LOG_LEVELS:
        errors.append(f"{PREFIX}LOG_LEVEL={log_level!r}: use one of {', '.join(LOG_LEVELS)}")

    grace_raw = get("GRACE_MINUTES", "120").strip()
    grace = timedelta(hours=2)
    try:
        grace = timedelta(minutes=float(grace_raw))
        if grace < timedelta(0):
            raise ValueError
    except (ValueError, OverflowError):  # OverflowError: 'inf', '1e400', '1e20'
        errors.append(f"{PREFIX}GRACE_MINUTES={grace_raw!r}: a number of minutes >= 0")

    pair_raw = get("PAIR_PHONE", "").strip()
    pair_phone = None
    if pair_raw:
        try:
            pair_phone = normalize_phone(pair_raw)
        except ValueError:
            errors.append(f"{PREFIX}PAIR_PHONE={pair_raw!r}: not a phone number "
                          "(e.g. 628123456789)")

    def number(name: str, default: float, low: float, high: float) -> float:
        raw = get(name, str(default)).strip()
        try:
            value = float(raw)
            if low <= value <= high:
                return value
        except ValueError:
            pass
        errors.append(f"{PREFIX}{name}={raw!r}: a number from {low:g} to {high:g}")
        return default

    reconnect_initial = number("RECONNECT_INITIAL_S", 3.0, 0.01, 600)
    reconnect_max = number("RECONNECT_MAX_S", 60.0, 0.01, 3600)
    max_failed = int(number("MAX_FAILED_CONNECTS", 40, 1, 100_000))
    pacing_min = number("PACING_MIN_S", 3.0, 0, 3600)
    pacing_max = number("PACING_MAX_S", 6.0, 0, 3600)
    send_retry_minutes = number("SEND_RETRY_MINUTES", 10.0, 0, 1440)
    retention_days = number("MEDIA_RETENTION_DAYS", 30.0, 0, 3650)

    directory = data_dir or Path(get("DATA_DIR", "data").strip() or "data")
    if directory.exists() and not directory.is_dir():
        errors.append(f"{PREFIX}DATA_DIR={str(directory)!r}: exists and is not a directory")

    if errors:
        raise SettingsError("invalid settings:\n  " + "\n  ".join(errors))
    return Settings(
        data_dir=directory,
        timezone=timezone,
        owners=tuple(owners),
        log_level=log_level,
        grace=grace,
        pair_phone=pair_phone,
        reconnect_initial_s=reconnect_initial,
        reconnect_max_s=max(reconnect_max, reconnect_initial),
        max_failed_connects=max_failed,
        pacing_min_s=pacing_min,
        pacing_max_s=max(pacing_max, pacing_min),
        send_retry_s=send_retry_minutes * 60,
        media_retention_days=retention_days,
    )
