"""load_settings: JADWAL_* variables and .env, validated, every problem reported at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings, SettingsError, load_settings, normalize_phone, read_env_file


def load(
    env: dict[str, str] | None = None, env_file: Path | None = None, data_dir: Path | None = None
) -> Settings:
    return load_settings(environ=env or {}, env_file=env_file, data_dir=data_dir)


def write_env(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    settings = load()
    assert settings.timezone == ZoneInfo("Asia/Jakarta")
    assert settings.owners == ()
    assert settings.log_level == "INFO"
    assert settings.grace == timedelta(hours=2)
    assert settings.data_dir == Path("data")
    assert settings.db_path == Path("data") / "bot.db"
    assert settings.media_dir == Path("data") / "media"
    assert settings.log_dir == Path("data") / "logs"


def test_missing_env_file_is_fine(tmp_path: Path) -> None:
    assert load(env_file=tmp_path / "nope.env") == load()


def test_unrelated_variables_are_ignored() -> None:
    assert load({"TIMEZONE": "Mars/Base", "LOG_LEVEL": "loud", "jadwal_timezone": "x"}) == load()


@pytest.mark.parametrize("zone", ["Asia/Makassar", "Asia/Jayapura", "UTC", " Asia/Jakarta "])
def test_timezone(zone: str) -> None:
    assert load({"JADWAL_TIMEZONE": zone}).timezone == ZoneInfo(zone.strip())


@pytest.mark.parametrize("zone", ["Mars/Base", "WIB", "../../etc/passwd", "Asia/", "+07:00"])
def test_invalid_timezone_names_the_variable(zone: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load({"JADWAL_TIMEZONE": zone})
    message = str(caught.value)
    assert "JADWAL_TIMEZONE" in message
    assert repr(zone) in message


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("+62 812-3456-7890", "6281234567890"),
        ("081234567890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("0812 3456 7890", "6281234567890"),
        ("(0812) 3456.7890", "6281234567890"),
        ("+62 (0)812-3456-7890", "6281234567890"),
        ("62-812-3456-7890", "6281234567890"),
        ("+1 415 555 0100", "14155550100"),
    ],
)
def test_normalize_phone(raw: str, normal: str) -> None:
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize(
    "raw", ["abc", "0812", "0812-3456-7890x", "62812345678901234", "+", "62 812 3456 789 0 1 2 3 4"]
)
def test_normalize_phone_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        normalize_phone(raw)


def test_owners_are_normalised() -> None:
    settings = load({"JADWAL_OWNERS": "+62 812-3456-7890, 081111111111 ,, "})
    assert settings.owners == ("6281234567890", "6281111111111")


def test_empty_owners() -> None:
    assert load({"JADWAL_OWNERS": " , "}).owners == ()


def test_bad_owner_is_rejected_by_name() -> None:
    with pytest.raises(SettingsError) as caught:
        load({"JADWAL_OWNERS": "081234567890, bukan-nomor"})
    message = str(caught.value)
    assert "JADWAL_OWNERS" in message
    assert "bukan-nomor" in message
    assert "081234567890" not in message


@pytest.mark.parametrize(
    ("raw", "level"),
    [("debug", "DEBUG"), (" Warning ", "WARNING"), ("TRACE", "TRACE"), ("success", "SUCCESS")],
)
def test_log_level(raw: str, level: str) -> None:
    assert load({"JADWAL_LOG_LEVEL": raw}).log_level == level


@pytest.mark.parametrize("raw", ["verbose", "", "10", "warn"])
def test_bad_log_level(raw: str) -> None:
    with pytest.raises(SettingsError, match="JADWAL_LOG_LEVEL"):
        load({"JADWAL_LOG_LEVEL": raw})


@pytest.mark.parametrize(
    ("raw", "grace"),
    [
        ("30", timedelta(minutes=30)),
        (" 0 ", timedelta(0)),
        ("1.5", timedelta(seconds=90)),
        ("1440", timedelta(days=1)),
    ],
)
def test_grace_minutes(raw: str, grace: timedelta) -> None:
    assert load({"JADWAL_GRACE_MINUTES": raw}).grace == grace


@pytest.mark.parametrize("raw", ["-1", "abc", "", "nan", "inf", "1e400", "1e20", "30m"])
def test_bad_grace_minutes(raw: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load({"JADWAL_GRACE_MINUTES": raw})
    assert "JADWAL_GRACE_MINUTES" in str(caught.value)
    assert repr(raw) in str(caught.value)


def test_data_dir(tmp_path: Path) -> None:
    assert load({"JADWAL_DATA_DIR": str(tmp_path / "d")}).data_dir == tmp_path / "d"
    assert load({"JADWAL_DATA_DIR": "  "}).data_dir == Path("data")
    explicit = tmp_path / "explicit"
    assert load({"JADWAL_DATA_DIR": str(tmp_path / "d")}, data_dir=explicit).data_dir == explicit


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(SettingsError, match="JADWAL_DATA_DIR"):
        load({"JADWAL_DATA_DIR": str(blocker)})


def test_env_file_is_read(tmp_path: Path) -> None:
    path = write_env(
        tmp_path,
        "\n".join(
            [
                "# jadwal-bot settings",
                "",
                "   # indented comment",
                'JADWAL_TIMEZONE="Asia/Makassar"',
                "export JADWAL_LOG_LEVEL='debug'",
                "  JADWAL_OWNERS = +62 812-3456-7890 , 081111111111",
                "JADWAL_GRACE_MINUTES=45",
                "NOT_AN_ASSIGNMENT",
                "OTHER_APP=ignored",
                f"JADWAL_DATA_DIR={tmp_path / 'state'}",
            ]
        )
        + "\n",
    )
    settings = load(env_file=path)
    assert settings.timezone == ZoneInfo("Asia/Makassar")
    assert settings.log_level == "DEBUG"
    assert settings.owners == ("6281234567890", "6281111111111")
    assert settings.grace == timedelta(minutes=45)
    assert settings.data_dir == tmp_path / "state"


def test_env_file_values_keep_inner_characters(tmp_path: Path) -> None:
    path = write_env(
        tmp_path,
        "\n".join(
            [
                'A="has # hash and = sign"',
                "B='single'",
                'C="unbalanced',
                "D=",
                'E=""',
                "F=p#ss",
                "export G=x",
            ]
        ),
    )
    values = read_env_file(path)
    assert values == {
        "A": "has # hash and = sign",
        "B": "single",
        "C": '"unbalanced',
        "D": "",
        "E": "",
        "F": "p#ss",
        "G": "x",
    }


def test_env_file_inline_comments(tmp_path: Path) -> None:
    path = write_env(
        tmp_path,
        "\n".join(
            [
                "JADWAL_GRACE_MINUTES=30  # half an hour",
                'JADWAL_TIMEZONE="Asia/Jayapura" # WIT',
                "JADWAL_LOG_LEVEL=debug\t# noisy",
            ]
        ),
    )
    settings = load(env_file=path)
    assert settings.grace == timedelta(minutes=30)
    assert settings.timezone == ZoneInfo("Asia/Jayapura")
    assert settings.log_level == "DEBUG"


def test_env_file_saved_with_bom_and_crlf(tmp_path: Path) -> None:
    # Windows Notepad writes UTF-8 with a byte order mark and CRLF line ends.
    path = tmp_path / ".env"
    path.write_bytes(b"\xef\xbb\xbfJADWAL_TIMEZONE=Asia/Makassar\r\nJADWAL_LOG_LEVEL=debug\r\n")
    settings = load(env_file=path)
    assert settings.timezone == ZoneInfo("Asia/Makassar")
    assert settings.log_level == "DEBUG"


def test_environment_overrides_env_file(tmp_path: Path) -> None:
    path = write_env(tmp_path, "JADWAL_TIMEZONE=Asia/Makassar\nJADWAL_LOG_LEVEL=DEBUG\n")
    settings = load({"JADWAL_TIMEZONE": "Asia/Jayapura"}, env_file=path)
    assert settings.timezone == ZoneInfo("Asia/Jayapura")
    assert settings.log_level == "DEBUG"  # only in .env: still used


def test_environment_fixes_a_bad_env_file_value(tmp_path: Path) -> None:
    path = write_env(tmp_path, "JADWAL_TIMEZONE=Mars/Base\n")
    assert load({"JADWAL_TIMEZONE": "Asia/Jakarta"}, env_file=path).timezone.key == "Asia/Jakarta"
    with pytest.raises(SettingsError, match="Mars/Base"):
        load(env_file=path)


def test_real_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JADWAL_TIMEZONE", "Asia/Jayapura")
    assert load_settings(env_file=None).timezone == ZoneInfo("Asia/Jayapura")


def test_several_bad_values_reported_together(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(SettingsError) as caught:
        load(
            {
                "JADWAL_TIMEZONE": "Mars/Base",
                "JADWAL_OWNERS": "bukan-nomor",
                "JADWAL_LOG_LEVEL": "loud",
                "JADWAL_GRACE_MINUTES": "-5",
                "JADWAL_DATA_DIR": str(blocker),
            }
        )
    message = str(caught.value)
    for name in (
        "JADWAL_TIMEZONE",
        "JADWAL_OWNERS",
        "JADWAL_LOG_LEVEL",
        "JADWAL_GRACE_MINUTES",
        "JADWAL_DATA_DIR",
    ):
        assert name in message
    assert len(message.splitlines()) == 6  # a header and one line per problem


def test_settings_error_is_a_value_error() -> None:
    assert issubclass(SettingsError, ValueError)


# --- settings files and values that used to pass silently or end in a traceback ------------


def test_one_bad_value_is_briefly_one_line() -> None:
    with pytest.raises(SettingsError) as caught:
        load({"JADWAL_LOG_LEVEL": "loud"})
    assert caught.value.brief() == (
        "invalid setting: JADWAL_LOG_LEVEL='LOUD': use one of "
        "TRACE, DEBUG, INFO, SUCCESS, WARNING, ERROR, CRITICAL"
    )
    with pytest.raises(SettingsError) as caught:
        load({"JADWAL_LOG_LEVEL": "loud", "JADWAL_TIMEZONE": "Mars/Base"})
    assert caught.value.brief() == str(caught.value)
    assert len(caught.value.brief().splitlines()) == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("JADWAL_TIMEZONE=Asia/Makassar\n".encode("utf-16"), "is saved as UTF-16"),
        ("JADWAL_TIMEZONE=Asia/Makassar\n".encode("utf-16-le"), "is saved as UTF-16"),
        (b"JADWAL_TIMEZONE=Asia/Makassar\n# caf\xe9\n", "line 2: byte 0xe9 is not UTF-8"),
    ],
    ids=["utf-16 with BOM", "utf-16 without BOM", "latin-1 byte"],
)
def test_env_file_in_another_encoding_is_named(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / ".env"
    path.write_bytes(content)
    with pytest.raises(SettingsError) as caught:
        load(env_file=path)
    assert str(path) in str(caught.value) and expected in str(caught.value)
    assert "save" in str(caught.value).lower()


def test_env_file_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").mkdir()
    with pytest.raises(SettingsError, match="is a directory"):
        load(env_file=tmp_path / ".env")


def test_missing_env_file_is_an_error_only_when_required(tmp_path: Path) -> None:
    missing = tmp_path / "prod.env"
    assert load(env_file=missing) == load()
    with pytest.raises(SettingsError, match=r"prod\.env does not exist"):
        load_settings(environ={}, env_file=missing, require_env_file=True)


def test_nul_in_the_data_dir(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"JADWAL_DATA_DIR=da\x00ta\n")
    with pytest.raises(SettingsError, match=r"JADWAL_DATA_DIR.*NUL"):
        load(env_file=path)


def test_data_dir_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(SettingsError) as caught:
        load({"JADWAL_DATA_DIR": str(blocker / "sub" / "data")})
    assert f"{str(blocker)!r} is a file, not a directory" in str(caught.value)


@pytest.mark.parametrize("raw", ["1.5", "40.0001", "0", "1e6"])
def test_whole_number_settings_refuse_fractions(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"JADWAL_MAX_FAILED_CONNECTS.*a whole number"):
        load({"JADWAL_MAX_FAILED_CONNECTS": raw})


def test_whole_number_settings_accept_whole_floats() -> None:
    assert load({"JADWAL_MAX_FAILED_CONNECTS": "25.0"}).max_failed_connects == 25


@pytest.mark.parametrize(
    ("env", "named", "fix"),
    [
        (
            {"JADWAL_PACING_MIN_S": "10", "JADWAL_PACING_MAX_S": "5"},
            "PACING_MIN_S (10) is more than JADWAL_PACING_MAX_S (5)",
            "set min <= max",
        ),
        ({"JADWAL_PACING_MAX_S": "2"}, "(unset, default 3) is more than", "set min <= max"),
        (
            {"JADWAL_RECONNECT_INITIAL_S": "90", "JADWAL_RECONNECT_MAX_S": "30"},
            "RECONNECT_INITIAL_S (90) is more than JADWAL_RECONNECT_MAX_S (30)",
            "set initial <= max",
        ),
        (
            {"JADWAL_RECONNECT_MAX_S": "1"},
            "(unset, default 3) is more than JADWAL_RECONNECT_MAX_S",
            "set initial <= max",
        ),
    ],
)
def test_a_lower_bound_above_its_upper_bound_is_refused(
    env: dict[str, str], named: str, fix: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load(env)
    assert named in str(caught.value) and fix in str(caught.value)


def test_pacing_min_equal_to_max_is_fine() -> None:
    settings = load({"JADWAL_PACING_MIN_S": "4", "JADWAL_PACING_MAX_S": "4"})
    assert (settings.pacing_min_s, settings.pacing_max_s) == (4, 4)
