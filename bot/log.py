"""Logging, configured once for the whole process. Logs hold no personal data, at any level.

- Our own code logs ids of things (polls, meetings, outbox rows, servers), never a
  person's id, name, anything they typed, or a secret.
- Libraries that would log more are held back whatever ``LOG_LEVEL`` says:
  aiosqlite logs every call with its arguments at DEBUG (a member's id, their
  anonymous choice, the bot's secret), so it stays at WARNING; discord.py logs
  every gateway event and request body at DEBUG (message contents, names), so it
  stays at INFO at most; the scheduler and the charting libraries at WARNING.
- Belt and braces: every handler has a :class:`Redactor` filter that masks the
  bot token, the bot's secret, and anything shaped like a Discord token or a long
  random key, in the message, in an exception's traceback and in stack info. It
  is on each handler rather than on a logger because a logger's filters do not
  see records propagated up from its child loggers.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

MASK = "[redacted]"

# A Discord token: base64 of the bot's id, a timestamp and an HMAC, dot-separated.
DISCORD_TOKEN_SHAPE = r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{20,}"
# A long hex key (e.g. `secrets.token_hex(32)`, an HMAC digest).
HEX_SECRET_SHAPE = r"(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])"
# A long base64 or url-safe key: 32 or more of its characters with a digit, a capital
# and a small letter among them (so ordinary long words and file paths, which have
# "/" in them and are not random, are left alone).
BASE64_SECRET_SHAPE = (
    r"(?<![A-Za-z0-9+_-])"
    r"(?=[A-Za-z0-9+_-]*[0-9])(?=[A-Za-z0-9+_-]*[A-Z])(?=[A-Za-z0-9+_-]*[a-z])"
    r"[A-Za-z0-9+_-]{32,}={0,2}"
    r"(?![A-Za-z0-9+_-])"
)
SECRET_SHAPES = re.compile(f"{DISCORD_TOKEN_SHAPE}|{HEX_SECRET_SHAPE}|{BASE64_SECRET_SHAPE}")

# Level floors: these loggers never go below them, whatever LOG_LEVEL says.
LIBRARY_FLOORS = {
    "aiosqlite": logging.WARNING,  # logs each call with its arguments at DEBUG
    "discord": logging.INFO,  # gateway payloads and request bodies at DEBUG
    "apscheduler": logging.WARNING,
    "matplotlib": logging.WARNING,
    "PIL": logging.WARNING,
    # The certificate's PDF library warns of letters a font lacks by quoting them: they
    # are a member's typed name (bot/certificate.py tells the member instead).
    "fpdf": logging.ERROR,
    "fontTools": logging.ERROR,
}


class Redactor(logging.Filter):
    """Masks known secrets and secret-shaped text in every record a handler emits."""

    def __init__(self, secrets: Iterable[str | bytes] = ()) -> None:
        super().__init__()
        self._secrets: list[str] = []
        self._traceback = logging.Formatter()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | bytes) -> None:
        text = secret.decode(errors="replace") if isinstance(secret, bytes) else secret
        text = text.strip()
        if text and text not in self._secrets:
            self._secrets.append(text)
            self._secrets.sort(key=len, reverse=True)  # a longer one may contain a shorter

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return SECRET_SHAPES.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log what we can, safely
            message = str(record.msg)
        record.msg, record.args = self.redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._traceback.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class PlainNetworkErrors(logging.Filter):
    """discord.py logs a lost or refused connection with its whole traceback (40 lines
    for "no internet") and then reconnects by itself. For those errors only, and only
    from discord.py's loggers, the record keeps one line: what failed, and why."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("discord") or not record.exc_info:
            return True
        error = record.exc_info[1]
        if error is not None and _is_network_error(error):
            record.msg = f"{record.getMessage()} ({type(error).__name__}: {error})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def _is_network_error(error: BaseException) -> bool:
    import aiohttp
    import discord

    network = (OSError, TimeoutError, aiohttp.ClientError, discord.GatewayNotFound)
    return isinstance(error, network) or isinstance(error, discord.ConnectionClosed)


_redactor = Redactor()
_plain_network_errors = PlainNetworkErrors()


def redact_also(secret: str | bytes) -> None:
    """Mask this secret too from now on (e.g. one read from its file after start-up)."""
    _redactor.add(secret)


def setup_logging(level: str, *secrets: str | bytes) -> None:
    """One handler on the root logger, to stderr, with the redaction filter; level floors
    for the libraries above. `secrets` (the token, the bot's secret) are masked."""
    for secret in secrets:
        _redactor.add(secret)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    guard_every_handler()
    wanted = logging.getLevelName(level)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, wanted))


def guard_every_handler() -> None:
    """Put the redaction filter on every handler of every logger (and the last resort)."""
    loggers: list[logging.Logger] = [logging.getLogger()]
    for candidate in logging.Logger.manager.loggerDict.values():
        if isinstance(candidate, logging.Logger):
            loggers.append(candidate)
    handlers = [h for logger in loggers for h in logger.handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if _plain_network_errors not in handler.filters:  # before the redactor runs
            handler.addFilter(_plain_network_errors)
        if _redactor not in handler.filters:
            handler.addFilter(_redactor)
