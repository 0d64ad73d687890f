"""Logs hold no personal data and no secret, at any level (bot/log.py)."""

import logging

import pytest

from bot.log import MASK, Redactor, redact_also, setup_logging

TOKEN = "MTQ0NjEyMzQ1Njc4OTAxMjM0NQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
SECRET = "0f" * 32


@pytest.fixture
def stderr_log(capsys):
    """setup_logging onto pytest's captured stderr; the root logger put back after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    levels = {n: logging.getLogger(n).level for n in ("aiosqlite", "discord", "apscheduler")}
    yield lambda: capsys.readouterr().err
    root.handlers[:], root.level = saved
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_a_record_from_a_child_logger_is_redacted_by_the_handler(stderr_log):
    setup_logging("DEBUG", TOKEN, SECRET.encode())
    # A filter on a logger would not see this: it propagates from a child logger.
    logging.getLogger("speakback.some.child").warning("token %s secret %s", TOKEN, SECRET)
    out = stderr_log()
    assert TOKEN not in out and SECRET not in out and out.count(MASK) == 2


def test_aiosqlite_stays_at_warning_and_discord_at_info_whatever_the_level(stderr_log):
    setup_logging("DEBUG", TOKEN)
    assert logging.getLogger("aiosqlite").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("discord.gateway").getEffectiveLevel() == logging.INFO
    logging.getLogger("aiosqlite").debug("executing %s", "ballot of 314159265358979323")
    logging.getLogger("discord.gateway").debug("payload %s", "Al needs a quiet room")
    logging.getLogger("speakback").debug("our own debug line")
    out = stderr_log()
    assert "314159265358979323" not in out and "quiet room" not in out
    assert "our own debug line" in out
    setup_logging("ERROR", TOKEN)  # never lower than asked, either
    assert logging.getLogger("aiosqlite").getEffectiveLevel() == logging.ERROR
    assert logging.getLogger("discord").getEffectiveLevel() == logging.ERROR


def test_a_secret_in_a_traceback_is_masked(stderr_log):
    setup_logging("INFO", TOKEN, SECRET)
    try:
        raise RuntimeError(f"could not use {SECRET}")
    except RuntimeError:
        logging.getLogger("speakback.x").exception("failed")
    out = stderr_log()
    assert "Traceback" in out and "RuntimeError" in out and SECRET not in out


def test_a_secret_read_later_is_masked_too(stderr_log):
    setup_logging("INFO", TOKEN)
    later = "a-secret-read-from-its-file-later"
    redact_also(later)
    logging.getLogger("speakback").info("key %s", later)
    assert later not in stderr_log()


@pytest.mark.parametrize(
    "shaped",
    [
        "OTk5OTk5OTk5OTk5OTk5OTk5.Gxyz12.abcdefghijklmnopqrstuvwxyz0123456789",  # token shape
        "9c1185a5c5e9fc54612808977ee8f548b2258d31a0b8c2f1e7d4c6a9b3e2f1d0",  # token_hex(32)
        "8E2F1A9C3B7D4E6F0A1B2C3D4E5F6A7B",
        "Jx3kP9_qLm2vRt8wYz1aBc4dEf7gHi0jKl5nOp6sTu-V",  # token_urlsafe(32)
        "c2VjcmV0LWtleS0xMjM0NTY3ODkwLWFiY2RlZkdISUpL==",
    ],
)
def test_anything_shaped_like_a_token_or_a_key_is_masked(shaped):
    assert Redactor().redact(f"value={shaped}.") == f"value={MASK}."


@pytest.mark.parametrize(
    "ordinary",
    [
        "Outbox 12 (dm) was refused: Cannot send messages to this user",
        "Removed from guild 1311110000000000001; its data will be erased on 2027-01-01",
        "Generated a new secret key at /srv/speak-back/data/speakback.secret",
        "Applied migration 0019_membership_daily_counts.sql",
        "Meeting 3 (2026-12-03T18:00): 4 reminder(s) queued",
        "/tmp/pytest-of-someone/pytest-12/test_the_whole_story_at_debug0/world0/bot.db",
    ],
)
def test_ordinary_log_lines_are_left_as_they_are(ordinary):
    assert Redactor([TOKEN, SECRET]).redact(ordinary) == ordinary


def test_the_last_resort_handler_is_guarded_too(stderr_log):
    setup_logging("INFO", TOKEN)
    assert any(isinstance(f, Redactor) for f in logging.lastResort.filters)


def test_a_lost_connection_in_discord_py_is_one_line_and_ours_keep_their_traceback(stderr_log):
    setup_logging("INFO")
    try:
        raise ConnectionResetError("Connection reset by peer")
    except ConnectionResetError:
        logging.getLogger("discord.client").exception("Attempting a reconnect in %.2fs", 2.5)
        logging.getLogger("speakback").exception("our own failure")
    out = stderr_log()
    assert "Attempting a reconnect in 2.50s (ConnectionResetError: Connection reset by peer)" in out
    assert out.count("Traceback") == 1  # only our own record keeps its traceback
    assert out.index("our own failure") < out.index("Traceback")


def test_a_bug_in_discord_py_keeps_its_traceback(stderr_log):
    setup_logging("INFO")
    try:
        raise KeyError("not a network error")
    except KeyError:
        logging.getLogger("discord.gateway").exception("Unhandled")
    assert "Traceback" in stderr_log()
