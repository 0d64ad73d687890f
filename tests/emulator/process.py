"""The bot under test as a separate process, and its test control server.

Contract (see bot/testing.py): `GET /health` -> {"ready": bool}; `POST /clock`
{"now": ISO} -> runs what is due and returns when settled; `POST /settle`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:  # imported when used: the fork server itself runs that module as __main__
    from tests.emulator.forkserver import ForkedProcess

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEAKBACK = [sys.executable, "-m", "bot", "run"]
ECHO_BOT = [sys.executable, "-m", "tests.emulator.echo_bot"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BotCrashed(AssertionError):
    pass


class BotProcess:
    def __init__(self, command: list[str], env: dict[str, str], log_path: Path) -> None:
        self.command = command
        self.env = env
        self.log_path = log_path
        self.control_port = int(env["SPEAKBACK_TEST_CONTROL_PORT"])
        self.proc: asyncio.subprocess.Process | ForkedProcess | None = None
        self.starts = 0
        self._session: aiohttp.ClientSession | None = None

    @property
    def control_url(self) -> str:
        return f"http://127.0.0.1:{self.control_port}"

    async def start(self) -> None:
        """Starts the bot: forked from the session's fork server if there is one, else cold."""
        from tests.emulator import forkserver

        self.starts += 1
        server = forkserver.active()
        forked = server is not None and server.forkable(self.command)
        how = " (forked)" if forked else ""
        with self.log_path.open("ab") as log:
            log.write(f"\n===== bot start #{self.starts}{how}: {' '.join(self.command)}\n".encode())
        if forked:
            assert server is not None
            self.proc = await server.spawn(
                self.command, env=self.env, cwd=REPO_ROOT, log=self.log_path
            )
            return
        with self.log_path.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *self.command,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    async def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=60)
            self._session = aiohttp.ClientSession(timeout=timeout)
        return self._session

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        session = await self._http()
        async with session.request(method, self.control_url + path, json=body) as response:
            data = await response.json(content_type=None)
            if response.status != 200:
                raise AssertionError(f"bot control {method} {path} -> {response.status}: {data}")
            return data

    async def wait_ready(self, within: float = 30.0) -> None:
        deadline = time.monotonic() + within
        session = await self._http()
        while time.monotonic() < deadline:
            if not self.running:
                raise BotCrashed(
                    f"the bot exited with code {self.proc and self.proc.returncode} "
                    f"before it was ready:\n{self.log_text()[-4000:]}"
                )
            with contextlib.suppress(aiohttp.ClientError, ValueError):
                async with session.get(self.control_url + "/health") as response:
                    if (await response.json(content_type=None)).get("ready"):
                        return
            await asyncio.sleep(0.02)
        raise BotCrashed(f"the bot was not ready within {within} s:\n{self.log_text()[-4000:]}")

    async def kill(self) -> None:
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def stop(self, grace: float = 5.0) -> None:
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), grace)
            except TimeoutError:
                await self.kill()
        if self._session is not None:
            await self._session.close()


def bot_env(
    *,
    api_base: str,
    token: str,
    database: Path,
    control_port: int,
    now_iso: str,
    dev_guild_id: int | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DISCORD_TOKEN": token,
            "DISCORD_API_BASE": api_base,
            "DATABASE_PATH": str(database),
            "SPEAKBACK_SECRET": "emulator-secret-0123456789abcdef0123456789abcdef",
            "LOG_LEVEL": "INFO",
            "DEV_GUILD_ID": str(dev_guild_id) if dev_guild_id else "",
            "SPEAKBACK_ENABLE_TEST_CONTROL": "1",
            "SPEAKBACK_TEST_CONTROL_PORT": str(control_port),
            "SPEAKBACK_TEST_NOW": now_iso,
            "WEB_PORT": "0",  # the pages on a free port (the control's /health says which)
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra or {})
    return env
