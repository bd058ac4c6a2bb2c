"""Settings from JADWAL_* environment variables and an optional .env file, validated at start."""

from __future__ import annotations

import codecs
import ipaddress
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.digits import is_number
from bot.humantiming import START_JITTER_MAX_S, TYPING_MAX_S
from bot.quiethours import USAGE as QUIET_USAGE
from bot.quiethours import QuietHours
from bot.quiethours import parse as parse_quiet_hours
from bot.ratecaps import Caps

PREFIX = "JADWAL_"
LID_SUFFIX = "@lid"  # how an owner's LID is written in JADWAL_OWNERS and seen in a sender
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """One or more settings are invalid; the message names each bad value."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems

    def brief(self) -> str:
        """The message, on one line when there is one problem (as a process manager's log
        shows best)."""
        if len(self.problems) == 1:
            return f"invalid setting: {self.problems[0]}"
        return str(self)


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
    # Protecting the number (README "Protecting your number"; bot.sendgate).
    caps: Caps = field(default_factory=Caps)
    quiet_hours: QuietHours | None = None  # the start value; /senyap changes it (bot.state)
    typing_max_s: float = TYPING_MAX_S  # 0: no "typing..." before a post
    start_jitter_s: float = START_JITTER_MAX_S  # 0: a post due on the minute goes on it
    late_notice: timedelta = timedelta(minutes=5)  # a post later than this is reported
    # The local HTTP API (README "HTTP API"; bot/api): off unless an address is set.
    api_listen: tuple[str, int] | None = None  # (host, port); port 0: any free port
    api_token: str | None = field(default=None, repr=False)  # the Bearer token; never shown

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
    if not is_number(digits) or not 8 <= len(digits) <= 15:
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
    if rest or not is_number(digits) or not 1 <= len(digits) <= 20:
        raise ValueError(raw)
    return digits + LID_SUFFIX


def read_env_file(path: Path, required: bool = False) -> dict[str, str]:
    """KEY=VALUE lines; '#' comments, blank lines and optional quotes; `export` prefix allowed.

    A ' #' after an unquoted value, or after the closing quote, starts a comment. A missing
    file is no settings at all unless `required`; a file that cannot be read or decoded is a
    SettingsError naming it.

    Not python-dotenv: it would replace only the few parsing lines (reading, decoding and
    their messages stay ours), and 1.2.4 loses a line with an unbalanced quote together with
    the next ones (measured: `C="x`, `D=`, `E=""` all gone), logging a line naming no file.
    """
    values: dict[str, str] = {}
    path = path.absolute()  # named in errors: which directory it was read from matters
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        if required:
            raise SettingsError(
                f"settings file {path} does not exist: check the --env-file path"
            ) from None
        return values
    except IsADirectoryError:
        raise SettingsError(
            f"settings file {path} is a directory: put the settings in a "
            "file of that name (KEY=VALUE lines)"
        ) from None
    except PermissionError:
        raise SettingsError(
            f"settings file {path} cannot be read by this user (uid "
            f"{os.geteuid()}): make it readable, e.g. chown it to this user "
            "and chmod 600"
        ) from None
    except OSError as exc:
        raise SettingsError(f"settings file {path} cannot be read: {exc.strerror}") from None
    for line in _decode(path, raw).splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = _env_value(value.strip())
    return values


def _decode(path: Path, raw: bytes) -> str:
    # utf-8-sig: Windows Notepad starts the file with a BOM, which would hide the first key.
    # UTF-16 (with or without its BOM): every other byte of ASCII text is NUL.
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw.count(0) > len(raw) // 4:
        raise SettingsError(
            f"settings file {path} is saved as UTF-16: save it as UTF-8 "
            "(Notepad: Save as, Encoding: UTF-8)"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SettingsError(
            f"settings file {path}, line {line}: byte 0x{raw[exc.start]:02x} "
            "is not UTF-8 (saved as Latin-1/ANSI?): save the file as UTF-8"
        ) from None


def _env_value(value: str) -> str:
    if len(value) >= 2 and value[0] in "'\"":
        quoted = re.fullmatch(rf"{value[0]}(.*){value[0]}(?:\s+#.*)?", value, re.S)
        return quoted[1] if quoted else value
    return re.split(r"\s+#", value, maxsplit=1)[0]


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
    data_dir: Path | None = None,
    require_env_file: bool = False,
) -> Settings:
    """Merge .env (lowest), the environment, then explicit overrides; validate every value.

    `require_env_file`: the file was named on purpose (--env-file), so its absence is an error.
    """
    merged: dict[str, str] = read_env_file(env_file, require_env_file) if env_file else {}
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
            errors.append(
                f"{PREFIX}OWNERS: {raw!r} is neither a phone number (e.g. "
                f"628123456789) nor a LID (e.g. 123456789012345{LID_SUFFIX})"
            )

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
            errors.append(
                f"{PREFIX}PAIR_PHONE={pair_raw!r}: not a phone number (e.g. 628123456789)"
            )

    def number(
        name: str,
        default: float,
        low: float,
        high: float,
        whole: bool = False,
    ) -> float:
        raw = get(name, f"{default:g}").strip()
        try:
            value = float(raw)
            if low <= value <= high and (value.is_integer() or not whole):
                return value
        except ValueError:
            pass
        kind = "a whole number" if whole else "a number"
        errors.append(f"{PREFIX}{name}={raw!r}: {kind} from {low:g} to {high:g}")
        return default

    reconnect_initial = number("RECONNECT_INITIAL_S", 3.0, 0.01, 600)
    reconnect_max = number("RECONNECT_MAX_S", 60.0, 0.01, 3600)
    max_failed = int(number("MAX_FAILED_CONNECTS", 40, 1, 100_000, whole=True))
    pacing_min = number("PACING_MIN_S", 3.0, 0, 3600)
    pacing_max = number("PACING_MAX_S", 6.0, 0, 3600)

    def ordered(low_name: str, low: float, high_name: str, high: float, meaning: str) -> None:
        def shown(name: str, value: float) -> str:
            return f"{value:g}" if get(name, "").strip() else f"unset, default {value:g}"

        if low > high:
            errors.append(
                f"{PREFIX}{low_name} ({shown(low_name, low)}) is more than "
                f"{PREFIX}{high_name} ({shown(high_name, high)}): {meaning}"
            )

    ordered(
        "PACING_MIN_S",
        pacing_min,
        "PACING_MAX_S",
        pacing_max,
        "each pause between posts is drawn from min to max; set min <= max",
    )
    ordered(
        "RECONNECT_INITIAL_S",
        reconnect_initial,
        "RECONNECT_MAX_S",
        reconnect_max,
        "the wait between reconnects starts at the first and doubles up to the second; "
        "set initial <= max",
    )
    send_retry_minutes = number("SEND_RETRY_MINUTES", 10.0, 0, 1440)
    try:
        caps = Caps.parse(
            get("MAX_PER_MINUTE", ""), get("MAX_PER_HOUR", ""), get("MAX_PER_DAY", "")
        )
    except ValueError as exc:
        caps = Caps()
        errors.extend(str(exc).split("; "))
    quiet_raw = get("QUIET_HOURS", "")
    try:
        quiet_hours = parse_quiet_hours(quiet_raw)
    except ValueError:
        quiet_hours = None
        errors.append(f"{PREFIX}QUIET_HOURS={quiet_raw!r}: {QUIET_USAGE}")
    typing_max = number("TYPING_MAX_S", TYPING_MAX_S, 0, 60)
    start_jitter = number("START_JITTER_S", START_JITTER_MAX_S, 0, 600)
    late_minutes = number("LATE_NOTICE_MINUTES", 5.0, 0, 1440)
    retention_days = number("MEDIA_RETENTION_DAYS", 30.0, 0, 3650)

    api_listen, api_token = _api_settings(get("API_LISTEN", ""), get("API_TOKEN", ""), errors)

    directory = data_dir or Path(get("DATA_DIR", "data").strip() or "data")
    if "\x00" in str(directory):
        errors.append(
            f"{PREFIX}DATA_DIR={str(directory)!r}: contains a NUL character; "
            "write the path without it"
        )
    elif (blocker := _file_in_the_way(directory)) == directory:
        errors.append(f"{PREFIX}DATA_DIR={str(directory)!r}: exists and is not a directory")
    elif blocker is not None:
        errors.append(
            f"{PREFIX}DATA_DIR={str(directory)!r}: {str(blocker)!r} is a file, not "
            "a directory; choose a path under a directory"
        )

    if errors:
        raise SettingsError("invalid settings:\n  " + "\n  ".join(errors), tuple(errors))
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
        pacing_max_s=pacing_max,
        send_retry_s=send_retry_minutes * 60,
        media_retention_days=retention_days,
        caps=caps,
        quiet_hours=quiet_hours,
        typing_max_s=typing_max,
        start_jitter_s=start_jitter,
        late_notice=timedelta(minutes=late_minutes),
        api_listen=api_listen,
        api_token=api_token,
    )


API_TOKEN_MIN = 16  # characters of JADWAL_API_TOKEN


def _api_settings(
    listen_raw: str, token_raw: str, errors: list[str]
) -> tuple[tuple[str, int] | None, str | None]:
    """JADWAL_API_LISTEN as (host, port) and JADWAL_API_TOKEN; a problem is added to
    `errors`. An address other than loopback needs a token: the API queues posts to groups."""
    token = token_raw.strip() or None
    if token is not None and (
        len(token) < API_TOKEN_MIN
        or not token.isascii()
        or any(c.isspace() or not c.isprintable() for c in token)
    ):
        errors.append(
            f"{PREFIX}API_TOKEN: at least {API_TOKEN_MIN} ASCII characters without spaces "
            '(e.g. the output of python -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    if not listen_raw.strip():
        return None, token
    try:
        listen = parse_listen(listen_raw)
    except ValueError:
        errors.append(
            f"{PREFIX}API_LISTEN={listen_raw!r}: write host:port, e.g. 127.0.0.1:8787 "
            "(IPv6: [::1]:8787)"
        )
        return None, token
    if token is None and not is_loopback(listen[0]):
        errors.append(
            f"{PREFIX}API_LISTEN={listen_raw!r} is reachable from other machines: set "
            f"{PREFIX}API_TOKEN too, or listen on 127.0.0.1"
        )
    return listen, token


def parse_listen(raw: str) -> tuple[str, int]:
    """'127.0.0.1:8787' -> ('127.0.0.1', 8787); '[::1]:0' -> ('::1', 0); ValueError else."""
    host, sep, port = raw.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        ipaddress.IPv6Address(host)
    elif ":" in host:  # an IPv6 address must be bracketed, its port would be ambiguous
        raise ValueError(raw)
    if not sep or not host or not is_number(port) or int(port) > 65535:
        raise ValueError(raw)
    return host, int(port)


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) can be reached from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any address


def _file_in_the_way(directory: Path) -> Path | None:
    """The path itself, or the nearest existing parent, when that is not a directory."""
    for candidate in (directory, *directory.parents):
        try:
            mode = candidate.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return None  # not ours to judge here (permissions): creating it will say why
        return None if stat.S_ISDIR(mode) else candidate
    return None
