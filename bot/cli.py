"""`python -m bot run|migrate|sync|check` — the command line a maintainer uses."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.config import Config, ConfigError, ensure_secret, load_config, load_dotenv_file
from bot.files import owner_only_umask
from bot.log import redact_also, setup_logging

log = logging.getLogger("speakback")
GIL_SWITCH_INTERVAL = 0.0005  # seconds; see _run
SECRET_CHANGED = (
    "Speak Back did not start: its secret key (SPEAKBACK_SECRET, or the file "
    "speakback.secret beside the database) is not the key that {count} open anonymous "
    "poll(s) were set up with. With another key, people who voted could not change their "
    "vote, and could vote twice. Please put the old key back and start again; the key can "
    "be changed once those polls have closed."
)
# Exit statuses: 0 stopped as asked; 1 something went wrong (logged); 2 a refusal that
# has been explained in words (no token, a refused token, a changed secret). `make run`
# treats 2 as done, so the explanation is the last line a person sees.
EXIT_REFUSED = 2
UNREACHABLE = (
    "Could not reach Discord ({reason}). Speak Back will try again in {delay} seconds; "
    "nothing is lost meanwhile."
)
FIRST_RETRY = 5.0  # seconds; doubling each time, up to RETRY_CAP
RETRY_CAP = 300.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Speak Back: a Discord bot for patient champion networks.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="connect to Discord and serve (syncs commands only when changed)")
    sub.add_parser("migrate", help="apply database migrations and exit")
    sub.add_parser("sync", help="push slash commands now (to DEV_GUILD_ID if set, else global)")
    sub.add_parser("check", help="validate configuration and database without connecting")
    backup = sub.add_parser(
        "backup", help="take a consistent copy of the database (owner-only), while it runs or not"
    )
    backup.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="a folder for backups (default: backups/ beside the database) or a file name",
    )
    backup.add_argument(
        "--keep", type=_positive, metavar="N", help="keep only the newest N backups in the folder"
    )
    restore = sub.add_parser(
        "restore", help="replace the database with a backup (the bot must be stopped)"
    )
    restore.add_argument("path", type=Path, help="the backup file to restore")
    return parser


def _positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("--keep takes a whole number, 1 or more")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    owner_only_umask()  # before any file is opened: the database, WAL, SHM, secret: 0600
    load_dotenv_file()
    needs_token = args.command in ("run", "sync", "check")
    try:
        config = load_config(require_token=needs_token)
        setup_logging(config.log_level, config.token, config.secret)
        if args.command != "restore":  # a restore may bring the key back from the backup
            config = ensure_secret(config)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    redact_also(config.secret)  # one read from its file
    if args.command in ("backup", "restore"):
        from bot.backup import BackupError

        try:
            if args.command == "backup":
                return _backup(config, args.path, args.keep)
            return _restore(config, args.path)
        except BackupError as error:
            print(error, file=sys.stderr)
            return 1
    handlers = {"run": _run, "migrate": _migrate, "sync": _sync, "check": _check}
    try:
        return handlers[args.command](config)
    except KeyboardInterrupt:
        return 130


def _passphrase(prompt: str) -> str | None:
    """BACKUP_PASSPHRASE, else asked at a terminal (Enter for none); None without either."""
    given = os.environ.get("BACKUP_PASSPHRASE")
    if given:
        return given
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass(prompt) or None


def _backup(config: Config, where: Path | None, keep: int | None) -> int:
    from bot.backup import backup

    passphrase = _passphrase(
        "Passphrase to seal the secret key into the backup (Enter to leave the key out): "
    )
    done = backup(config.database_path, config.secret, where, keep=keep, passphrase=passphrase)
    print(f"Backed up to {done.path} (owner-only).")
    if done.secret_included:
        print("The secret key is in it, sealed with your passphrase.")
    else:
        print(
            "The secret key is not in it: keep speakback.secret (or SPEAKBACK_SECRET) "
            "somewhere safe, apart from the backups. Without it, a restore cannot use the "
            "anonymous polls still open in the backup."
        )
    for old in done.removed:
        print(f"Removed the older backup {old}.")
    return 0


def _restore(config: Config, path: Path) -> int:
    from bot.backup import restore
    from bot.config import SECRET_FILE_NAME

    secret_file = config.database_path.parent / SECRET_FILE_NAME
    secret = config.secret or (secret_file.read_bytes().strip() if secret_file.exists() else b"")
    passphrase = None if secret else _passphrase("Passphrase of the backup's secret key: ")
    done = restore(
        config.database_path, path, secret, secret_file=secret_file, passphrase=passphrase
    )
    print(f"Restored the backup taken at {done.taken_at:%Y-%m-%d %H:%M} UTC.")
    if done.migrated:
        print(f"Brought it up to date: {', '.join(done.migrated)}.")
    if done.secret_restored:
        print(f"The secret key came back from the backup, into {secret_file}.")
    print(
        f"Erased again {done.erased_again} people who left since. "
        f"Not sending again {done.messages_not_resent} messages queued before the backup. "
        f"Recorded {done.reminders_missed} reminders due since as missed. "
        f"Closed {done.polls_closed} polls past their closing time."
    )
    print("Answers given after the backup was taken are not in it. Start the bot as usual.")
    return 0


def _migrate(config: Config) -> int:
    from db.database import Database, MigrationError

    async def go() -> int:
        db = await Database.open(config.database_path)
        try:
            applied = await db.migrate()
            version = await db.user_version()
        except MigrationError as error:
            print(error, file=sys.stderr)
            return 1
        finally:
            await db.close()
        print(
            f"Database {config.database_path} is at version {version}"
            + (f" (applied {', '.join(applied)})" if applied else " (nothing to do)")
        )
        return 0

    return asyncio.run(go())


def _check(config: Config) -> int:
    from bot.client import extension_names
    from db.database import Database, MigrationError, load_migrations

    async def go() -> int:
        migrations = load_migrations()
        db = await Database.open(config.database_path)
        try:
            version = await db.user_version()
            if version > len(migrations):
                print(
                    f"The database is newer (version {version}) than this code "
                    f"({len(migrations)}). Update the code.",
                    file=sys.stderr,
                )
                return 1
            await db.fetchval("PRAGMA quick_check")
        except MigrationError as error:
            print(error, file=sys.stderr)
            return 1
        finally:
            await db.close()
        pending = len(migrations) - version
        print(
            f"Configuration OK. Database {config.database_path}: version {version}, "
            f"{pending} migration(s) pending (applied at start-up)."
        )
        print(f"Extensions: {', '.join(extension_names())}")
        return 0

    return asyncio.run(go())


def _sync(config: Config) -> int:
    from bot.client import SpeakBack

    async def go() -> int:
        bot = SpeakBack(config)
        bot.sync_commands_if_changed = _no_auto_sync  # type: ignore[method-assign]
        async with bot:
            if config.test_control is None and config.uses_custom_api:
                log.info("Using API %s", config.api_base)
            _apply_api_base(config)
            await bot.login(config.token)
            count = await bot.sync_commands()
        where = f"server {config.dev_guild_id}" if config.dev_guild_id else "all servers (global)"
        print(f"Synced {count} commands to {where}.")
        return 0

    return asyncio.run(go())


async def _no_auto_sync() -> bool:
    return False


def _apply_api_base(config: Config) -> None:
    import discord

    discord.http.Route.BASE = config.api_base


async def _adopt_secret(config: Config) -> None:
    """Migrate the database and check the bot's secret (see `db.polls.adopt_bot_secret`)."""
    from db.database import Database
    from db.polls import adopt_bot_secret

    db = await Database.open(config.database_path)
    try:
        await db.migrate()
        await adopt_bot_secret(db, config.secret)
    finally:
        await db.close()


def retry_delays(first: float = FIRST_RETRY, cap: float = RETRY_CAP) -> Iterator[float]:
    """How long to wait before each new try to reach Discord: 5 s, 10 s, 20 s ... 5 min."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * 2)


def unreachable_reason(error: BaseException) -> str | None:
    """Why Discord could not be reached, in a few words; None if `error` is not that."""
    import aiohttp
    import discord

    if isinstance(error, aiohttp.ClientConnectorError):
        return f"cannot connect to {error.host}:{error.port}"
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return "it did not answer in time"
    if isinstance(error, discord.DiscordServerError):
        return f"Discord answered {error.status}, a problem on its side"
    if isinstance(error, aiohttp.ClientError | OSError):
        return f"a network error, {type(error).__name__}"
    return None


def _run(config: Config) -> int:
    import discord

    from bot.client import SpeakBack
    from db.polls import SecretChanged

    _apply_api_base(config)
    # The database runs on aiosqlite's thread. While the event loop is busy (500
    # people pressing Vote in one second) that thread waits for the GIL for up to
    # the switch interval, 5 ms by default, at every step of a query, so a read of
    # 0.2 ms could take 20 ms. At 0.5 ms the busy loop hands over sooner; a bot
    # that mostly waits on the network loses nothing by it (docs/benchmarks.md).
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)

    from bot.lock import InstanceLock, LockHeld

    lock = InstanceLock(config.database_path)
    try:
        lock.acquire()  # held until the process ends; a restore waits for it
    except LockHeld:
        print(
            f"Speak Back is already running with the database {config.database_path} "
            f"(it holds {lock.path}). Only one may run at a time.",
            file=sys.stderr,
        )
        return EXIT_REFUSED

    def refused(message: str) -> int:
        log.error(message)
        print(message, file=sys.stderr)
        return EXIT_REFUSED

    async def go() -> int:
        # Before connecting: a changed secret with an anonymous poll open is refused.
        try:
            await _adopt_secret(config)
        except SecretChanged as error:
            return refused(SECRET_CHANGED.format(count=error.open_polls))
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        delays = retry_delays()
        while not stop.is_set():
            outcome = await serve_once(stop)
            if isinstance(outcome, int):
                return outcome
            # Discord could not be reached: one plain line, then a fresh client, later.
            delay = next(delays)
            log.warning(UNREACHABLE.format(reason=outcome, delay=f"{delay:g}"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
        return 0

    async def serve_once(stop: asyncio.Event) -> int | str:
        """Connect and serve until stopped: an exit status, or why Discord could not be
        reached (to try again)."""
        bot = SpeakBack(config)
        async with bot:
            runner = asyncio.create_task(bot.start(config.token))
            waiter = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if runner in done:
                error = runner.exception()
                waiter.cancel()
                if isinstance(error, discord.LoginFailure):
                    return refused(
                        "Discord refused the token in DISCORD_TOKEN. Copy it again from the "
                        "Bot page of your application."
                    )
                if isinstance(error, discord.PrivilegedIntentsRequired):
                    return refused("Discord refused an intent this bot asked for.")
                if isinstance(error, SecretChanged):
                    return refused(SECRET_CHANGED.format(count=error.open_polls))
                reason = unreachable_reason(error) if error is not None else None
                if reason is not None:
                    return reason
                if error is not None:
                    log.error("The bot stopped", exc_info=error)
                    return 1
                return 0
            log.info("Shutting down")
            await bot.close()
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
        return 0

    return asyncio.run(go())
