import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args, env_extra, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SPEAKBACK_"))}
    env.update(env_extra)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_a_token_explains_and_exits_non_zero_without_traceback(tmp_path):
    result = _run(["run"], {}, tmp_path)
    assert result.returncode != 0
    assert "DISCORD_TOKEN" in result.stderr
    assert ".env.example" in result.stderr
    assert "applications.commands" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_check_passes_with_a_token_and_touches_no_network(tmp_path):
    result = _run(
        ["check"],
        {"DISCORD_TOKEN": "MTIz.abc.defghijklmnop", "DATABASE_PATH": str(tmp_path / "d.db")},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Configuration OK" in result.stdout


def test_migrate_reports_the_version(tmp_path):
    result = _run(["migrate"], {"DATABASE_PATH": str(tmp_path / "d.db")}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "version" in result.stdout


def test_a_bad_value_is_one_line_naming_the_variable(tmp_path):
    result = _run(
        ["check"], {"DISCORD_TOKEN": "MTIz.abc.defghijklmnop", "DEV_GUILD_ID": "abc"}, tmp_path
    )
    assert result.returncode == 2  # a refusal explained in words (bot/cli.py EXIT_REFUSED)
    assert result.stderr.strip().count("\n") == 0 and "DEV_GUILD_ID" in result.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_are_owner_only_and_a_new_folder_is_0700(tmp_path):
    database = tmp_path / "data" / "speak" / "speakback.db"
    result = _run(["migrate"], {"DATABASE_PATH": str(database)}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert _mode(tmp_path / "data") == _mode(database.parent) == 0o700
    assert _mode(database) == 0o600
    assert _mode(database.parent / "speakback.secret") == 0o600
    assert "open to other accounts" not in result.stderr  # it made the folder itself


def test_a_readable_database_and_secret_are_tightened_and_the_folder_only_reported(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    database = folder / "speakback.db"
    sqlite3.connect(database).close()
    (folder / "speakback.secret").write_text("f" * 64)
    for path in (database, folder / "speakback.secret", folder / "speakback.db-wal"):
        path.touch()
        path.chmod(0o644)
    result = _run(["migrate"], {"DATABASE_PATH": str(database)}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert _mode(database) == _mode(folder / "speakback.secret") == 0o600
    assert not (folder / "speakback.db-wal").exists() or _mode(folder / "speakback.db-wal") == 0o600
    assert _mode(folder) == 0o755  # never changed
    log = result.stderr
    assert f"The database {database} could be read by other accounts" in log
    assert f"The secret file {folder / 'speakback.secret'} could be read" in log
    assert f"The folder {folder} is open to other accounts" in log
    assert "f" * 64 not in log


def test_run_refuses_a_changed_secret_while_an_anonymous_poll_is_open(tmp_path):
    import asyncio
    from datetime import UTC, datetime

    from bot.domain.polls import check_settings
    from db import polls
    from db.database import Database

    path = tmp_path / "d.db"

    async def open_poll() -> None:
        db = await Database.open(path)
        await db.migrate()
        await polls.adopt_bot_secret(db, b"a" * 40)
        settings = check_settings(
            kind="single", max_choices=None, anonymous=True, results="at_close",
            closes_at=None, content_note=None, reasons=False,
        )  # fmt: skip
        await polls.create_poll(
            db, guild_id=1, channel_id=2, question="Which?", options=["A", "B"],
            settings=settings, max_choices=None, now=datetime(2026, 12, 1, tzinfo=UTC),
        )  # fmt: skip
        await db.close()

    asyncio.run(open_poll())
    result = _run(
        ["run"],
        {
            "DISCORD_TOKEN": "MTIz.abc.defghijklmnop",
            "DATABASE_PATH": str(path),
            "SPEAKBACK_SECRET": "b" * 40,
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",  # never reached
        },
        tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert "did not start" in result.stderr and "put the old key back" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "b" * 40 not in result.stderr + result.stdout
