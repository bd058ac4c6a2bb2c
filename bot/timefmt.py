"""Show moments in the owner's local time, in Indonesian: 'Minggu, 22 Nov 2026 08:00 WIB'."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
# Indonesia's own zone names; anything else shows its abbreviation or UTC offset.
ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_label(tz: ZoneInfo, moment: datetime | None = None) -> str:
    if tz.key in ZONE_NAMES:
        return ZONE_NAMES[tz.key]
    local = (moment or datetime.now(UTC)).astimezone(tz)
    abbr = local.tzname() or ""
    if abbr and not abbr.startswith(("+", "-")):
        return abbr
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def format_local(moment: datetime, tz: ZoneInfo) -> str:
    """Full form, with weekday and zone: 'Minggu, 22 Nov 2026 08:00 WIB'."""
    local = moment.astimezone(tz)
    return (
        f"{WEEKDAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} "
        f"{local.year} {local:%H:%M} {zone_label(tz, moment)}"
    )


def format_short(moment: datetime, tz: ZoneInfo) -> str:
    """Compact form for lists: 'Min 22 Nov 08:00'."""
    local = moment.astimezone(tz)
    return f"{WEEKDAYS[local.weekday()][:3]} {local.day} {MONTHS[local.month - 1]} {local:%H:%M}"


def format_duration(delta: timedelta) -> str:
    """'2h 3j 5m' style: hari, jam, menit (seconds only under a minute)."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} hari"] if days else []
    if hours:
        parts.append(f"{hours} jam")
    if minutes:
        parts.append(f"{minutes} menit")
    if not parts:
        parts.append(f"{secs} detik")
    return " ".join(parts)


def to_utc_text(moment: datetime) -> str:
    """Storage form: fixed-width UTC text, so SQL string order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_utc_text(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
