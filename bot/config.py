"""Settings, read once from the environment (and `.env`) at start-up.

Every bad value becomes a :class:`ConfigError` whose message is one line naming
the variable and the form it expects. The token is never logged or printed.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from bot.files import private_directory, tighten

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_DATABASE_PATH = "data/speakback.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SECRET_FILE_NAME = "speakback.secret"
MIN_SECRET_LENGTH = 32
MAX_SHARDS = 1024
DEFAULT_WEB_HOST = "127.0.0.1"
DEFAULT_WEB_PORT = 8080

# Scopes and the permission integer the README's invite URL uses:
# View Channels (1<<10), Send Messages (1<<11), Embed Links (1<<14),
# Attach Files (1<<15), Read Message History (1<<16), Create Events (1<<44)
# and Manage Events (1<<33) for optional Discord scheduled events.
INVITE_PERMISSIONS = (
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 33) | (1 << 44)
)
INVITE_URL_SHAPE = (
    "https://discord.com/oauth2/authorize?client_id=<APPLICATION_ID>"
    f"&scope=bot+applications.commands&permissions={INVITE_PERMISSIONS}"
)

NO_TOKEN_HELP = f"""\
Speak Back needs a bot token, and DISCORD_TOKEN is not set.

  1. Create an application at https://discord.com/developers/applications
     and add a Bot to it; copy its token.
  2. Copy .env.example to .env and put the token after DISCORD_TOKEN=
  3. Invite the bot to your server with this link (use your Application ID):
     {INVITE_URL_SHAPE}

See "Create your bot" in README.md for the details."""


class Secret(bytes):
    """The bot's key: used as bytes, but never shown by ``str``, ``repr`` or a log's ``%s``.

    It is handed to functions a library may log with their arguments (aiosqlite
    does at DEBUG), so printing it must not reveal it, whatever the log level."""

    def __repr__(self) -> str:
        return "Secret(<hidden>)"

    __str__ = __repr__


class ConfigError(Exception):
    """A setting is missing or malformed. The message is one line for a person."""


@dataclass(frozen=True)
class TestControl:
    """Test-only: a driven clock and a local control port. Production refuses it."""

    port: int
    start: datetime | None
    edit_interval: float | None = None  # seconds between edits of one message, if not 1.0
    dm_check_wait: float | None = None  # seconds a DM check waits for Discord, if not 10


@dataclass(frozen=True)
class Config:
    token: str = field(repr=False)
    database_path: Path
    api_base: str
    dev_guild_id: int | None
    secret: bytes = field(repr=False)
    log_level: str
    test_control: TestControl | None = None
    shard_count: int | None = None  # None: as many as Discord recommends
    web_host: str = DEFAULT_WEB_HOST  # the pages (web/): where the small web server listens
    web_port: int = DEFAULT_WEB_PORT  # 0 picks a free port (tests always do)
    web_base_url: str | None = None  # the public https address put in links; None: not reachable

    @property
    def uses_custom_api(self) -> bool:
        return self.api_base.rstrip("/") != DEFAULT_API_BASE


def load_dotenv_file(path: str | Path = ".env") -> None:
    """Read `.env` into the environment without overriding real variables."""
    from dotenv import load_dotenv

    load_dotenv(path, override=False)


def load_config(env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Config:
    env = os.environ if env is None else env
    token = env.get("DISCORD_TOKEN", "").strip()
    if require_token and not token:
        raise ConfigError(NO_TOKEN_HELP)
    if token and (any(ch.isspace() for ch in token) or len(token) < 10):
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token: expected one line of letters, "
            "digits, dots and dashes with no spaces (copy it again from the Bot page)."
        )
    database_path = Path(env.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE_PATH)
    if database_path.is_dir():
        raise ConfigError(
            f"DATABASE_PATH must be a file path such as {DEFAULT_DATABASE_PATH}, "
            f"but {database_path} is a directory."
        )
    api_base = _parse_api_base(env.get("DISCORD_API_BASE", ""))
    dev_guild_id = _parse_snowflake("DEV_GUILD_ID", env.get("DEV_GUILD_ID", ""))
    log_level = (env.get("LOG_LEVEL", "").strip() or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (got {log_level!r}).")
    secret = _parse_secret(env.get("SPEAKBACK_SECRET", ""))
    shard_count = _parse_shard_count(env.get("SHARD_COUNT", ""))
    web_host = env.get("WEB_HOST", "").strip() or DEFAULT_WEB_HOST
    if any(ch.isspace() or ch == "/" for ch in web_host):
        raise ConfigError(
            f"WEB_HOST must be an address to listen on, such as 127.0.0.1 (got {web_host!r})."
        )
    web_port = _parse_web_port(env.get("WEB_PORT", ""))
    web_base_url = _parse_web_base_url(env.get("WEB_BASE_URL", ""))
    return Config(
        token=token,
        database_path=database_path,
        api_base=api_base,
        dev_guild_id=dev_guild_id,
        secret=Secret(secret if secret is not None else b""),
        log_level=log_level,
        test_control=_parse_test_control(env),
        shard_count=shard_count,
        web_host=web_host,
        web_port=web_port,
        web_base_url=web_base_url,
    )


def ensure_secret(config: Config) -> Config:
    """Return config with a secret: SPEAKBACK_SECRET, or one generated once beside the DB."""
    if config.secret:
        return config
    path = config.database_path.parent / SECRET_FILE_NAME
    private_directory(path.parent)
    tighten(path, "secret file")
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        logging.getLogger(__name__).info("Generated a new secret key at %s", path)
    value = path.read_text().strip()
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"The secret file {path} is damaged: delete it only if no data exists yet."
        )
    return _replace(config, secret=Secret(value.encode()))


def _replace(config: Config, **changes: object) -> Config:
    from dataclasses import replace

    return replace(config, **changes)


def _parse_api_base(raw: str) -> str:
    raw = raw.strip()
    if not raw:
        return DEFAULT_API_BASE
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"DISCORD_API_BASE must be a URL such as https://discord.com/api/v10 (got {raw!r})."
        )
    return raw.rstrip("/")


def _parse_snowflake(name: str, raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not 15 <= len(raw) <= 21:
        raise ConfigError(
            f"{name} must be a Discord server ID: 17 to 20 digits, e.g. 123456789012345678 "
            f"(got {raw!r})."
        )
    return int(raw)


def _parse_shard_count(raw: str) -> int | None:
    raw = raw.strip().lower()
    if raw in ("", "auto"):
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SHARDS:
        raise ConfigError(
            f"SHARD_COUNT must be a whole number from 1 to {MAX_SHARDS}, or auto to use as "
            f"many shards as Discord recommends (got {raw!r}). Most bots need no setting: "
            "Discord asks for a second shard only past 2,500 servers."
        )
    return int(raw)


def _parse_web_port(raw: str) -> int:
    raw = raw.strip()
    if not raw:
        return DEFAULT_WEB_PORT
    if not raw.isdigit() or not 0 <= int(raw) <= 65535:
        raise ConfigError(
            f"WEB_PORT must be a port number from 1 to 65535, such as {DEFAULT_WEB_PORT}, "
            f"or 0 to pick a free one (got {raw!r})."
        )
    return int(raw)


def _parse_web_base_url(raw: str) -> str | None:
    """The public address of the pages, e.g. https://speakback.example.org (no path needed)."""
    raw = raw.strip()
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query:
        raise ConfigError(
            "WEB_BASE_URL must be the public address of the pages, such as "
            f"https://speakback.example.org (got {raw!r})."
        )
    return raw.rstrip("/")


def _parse_secret(raw: str) -> bytes | None:
    raw = raw.strip()
    if not raw:
        return None
    if len(raw) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"SPEAKBACK_SECRET must be at least {MIN_SECRET_LENGTH} characters of random text "
            "(e.g. the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'), "
            "or leave it unset to have one generated."
        )
    return raw.encode()


def _parse_test_control(env: Mapping[str, str]) -> TestControl | None:
    port_raw = env.get("SPEAKBACK_TEST_CONTROL_PORT", "").strip()
    interval_raw = env.get("SPEAKBACK_TEST_EDIT_INTERVAL", "").strip()
    wait_raw = env.get("SPEAKBACK_TEST_DM_CHECK_WAIT", "").strip()
    if not port_raw:
        for name, raw in (
            ("SPEAKBACK_TEST_EDIT_INTERVAL", interval_raw),
            ("SPEAKBACK_TEST_DM_CHECK_WAIT", wait_raw),
        ):
            if raw:
                raise ConfigError(
                    f"{name} is a test-only setting; it is refused without "
                    "SPEAKBACK_ENABLE_TEST_CONTROL=1 and SPEAKBACK_TEST_CONTROL_PORT. Remove it."
                )
        return None
    if env.get("SPEAKBACK_ENABLE_TEST_CONTROL", "").strip() != "1":
        raise ConfigError(
            "SPEAKBACK_TEST_CONTROL_PORT is a test-only setting; it is refused unless "
            "SPEAKBACK_ENABLE_TEST_CONTROL=1 is also set. Remove it in production."
        )
    if not port_raw.isdigit() or not 1 <= int(port_raw) <= 65535:
        raise ConfigError(f"SPEAKBACK_TEST_CONTROL_PORT must be a port number (got {port_raw!r}).")
    start_raw = env.get("SPEAKBACK_TEST_NOW", "").strip()
    start = None
    if start_raw:
        try:
            start = datetime.fromisoformat(start_raw)
        except ValueError:
            start = None
        if start is None or start.tzinfo is None:
            raise ConfigError(
                "SPEAKBACK_TEST_NOW must be an ISO time with a zone, e.g. 2026-12-01T09:00:00+00:00."
            )
    interval = _test_seconds("SPEAKBACK_TEST_EDIT_INTERVAL", interval_raw)
    wait = _test_seconds("SPEAKBACK_TEST_DM_CHECK_WAIT", wait_raw)
    return TestControl(port=int(port_raw), start=start, edit_interval=interval, dm_check_wait=wait)


def _test_seconds(name: str, raw: str) -> float | None:
    """A test-only number of seconds from 0 to 60, or None when not set."""
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 60:
        raise ConfigError(f"{name} must be seconds from 0 to 60 (got {raw!r}).")
    return seconds
