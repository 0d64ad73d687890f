"""A pre-imported interpreter that forks the bot under test, instead of a cold start per test.

`python -m bot run` spends most of its start-up importing (discord.py, aiohttp,
matplotlib, the cogs). This helper, started once per pytest process, imports all
of that once and then forks one child per bot start. It creates no event loop,
thread or database connection before forking: the only descriptors it owns are
its listening socket and its connections, which the child closes first.

Each child is a real, separate process (tests SIGKILL and restart it). It takes
the test's environment, working directory and log file, then runs the module
exactly as `python -m <module> <args>` would (`runpy`, so `bot/__main__.py` calls
`bot.cli.main`), and exits through the normal interpreter shutdown.

Protocol, one connection per child, JSON lines:
    -> {"module": "bot", "args": ["run"], "env": {...}, "cwd": "...", "log": "..."}
    <- {"pid": 1234}          (or {"error": "..."})
    <- {"exit": 0}            when the child has exited (negative: killed by that signal)
The server kills a child whose connection closes first, and every child at EOF on stdin.

    python -m tests.emulator.forkserver SOCKET_PATH
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Modules a child would otherwise import at start-up (the cogs are found the bot's way).
PRELOAD = (
    "bot.cli",
    "bot.client",
    "bot.testing",
    "bot.charts",
    "aiohttp.web",
    "dotenv",
    "discord",
    "discord.ext.commands",
    "matplotlib.backends.backend_agg",
    "tests.emulator.echo_bot",
)


def preload() -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    from bot.client import extension_names

    extension_names()  # imports every cog module (and what they import)


@dataclass
class Job:
    module: str
    args: list[str]
    env: dict[str, str]
    cwd: str
    log: str


@dataclass
class Child:
    pid: int
    pidfd: int
    conn: socket.socket | None


def _send(conn: socket.socket | None, message: dict[str, Any]) -> None:
    if conn is None:
        return
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
    except OSError:
        pass


class Server:
    def __init__(self, path: str) -> None:
        self.path = path
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, Child] = {}  # by pid
        self.pending: dict[socket.socket, bytes] = {}  # connections still sending a request
        staging = f"{path}.{os.getpid()}"
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(staging)
        self.listener.listen(64)
        os.rename(staging, path)  # the path exists only once it accepts connections
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(sys.stdin.fileno(), selectors.EVENT_READ, "stdin")

    def serve(self) -> Job | None:
        """Runs until stdin closes (returns None), or returns a Job in a forked child."""
        while True:
            for key, _ in self.selector.select():
                tag = key.data
                if tag == "accept":
                    conn, _ = self.listener.accept()
                    self.pending[conn] = b""
                    self.selector.register(conn, selectors.EVENT_READ, ("request", conn))
                elif tag == "stdin":
                    if not os.read(sys.stdin.fileno(), 4096):
                        self.shutdown()
                        return None
                elif tag[0] == "request":
                    job = self._read_request(tag[1])
                    if job is not None:
                        return job
                elif tag[0] == "child":
                    self._child_conn_readable(tag[1])
                elif tag[0] == "exited":
                    self._reap(tag[1])

    def _read_request(self, conn: socket.socket) -> Job | None:
        try:
            chunk = conn.recv(65536)
        except OSError:
            chunk = b""
        if not chunk:
            self._drop(conn)
            return None
        data = self.pending[conn] + chunk
        if b"\n" not in data:
            self.pending[conn] = data
            return None
        del self.pending[conn]
        self.selector.unregister(conn)
        try:
            raw = json.loads(data.split(b"\n", 1)[0])
            job = Job(raw["module"], list(raw["args"]), dict(raw["env"]), raw["cwd"], raw["log"])
        except (ValueError, KeyError, TypeError) as error:
            _send(conn, {"error": f"bad request: {error}"})
            conn.close()
            return None
        return self._fork(conn, job)

    def _fork(self, conn: socket.socket, job: Job) -> Job | None:
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as error:
            _send(conn, {"error": f"fork failed: {error}"})
            conn.close()
            return None
        if pid == 0:
            conn.close()
            self.close_in_child()
            return job
        child = Child(pid, os.pidfd_open(pid), conn)
        self.children[pid] = child
        _send(conn, {"pid": pid})
        self.selector.register(child.pidfd, selectors.EVENT_READ, ("exited", pid))
        self.selector.register(conn, selectors.EVENT_READ, ("child", pid))
        return None

    def _child_conn_readable(self, pid: int) -> None:
        child = self.children[pid]
        assert child.conn is not None
        try:
            chunk = child.conn.recv(4096)
        except OSError:
            chunk = b""
        if not chunk:  # the test went away without waiting: do not leave its bot running
            self.selector.unregister(child.conn)
            child.conn.close()
            child.conn = None
            _kill(pid)

    def _reap(self, pid: int) -> None:
        child = self.children.pop(pid)
        self.selector.unregister(child.pidfd)
        os.close(child.pidfd)
        _, status = os.waitpid(pid, 0)
        if child.conn is not None:
            self.selector.unregister(child.conn)
            _send(child.conn, {"exit": os.waitstatus_to_exitcode(status)})
            child.conn.close()

    def _drop(self, conn: socket.socket) -> None:
        self.pending.pop(conn, None)
        self.selector.unregister(conn)
        conn.close()

    def close_in_child(self) -> None:
        """Everything the server holds, closed through its objects (so nothing closes later)."""
        for child in self.children.values():
            os.close(child.pidfd)
            if child.conn is not None:
                child.conn.close()
        for conn in self.pending:
            conn.close()
        self.children.clear()
        self.pending.clear()
        self.selector.close()
        self.listener.close()

    def shutdown(self) -> None:
        for pid in list(self.children):
            _kill(pid)
        for pid in list(self.children):
            self._reap(pid)
        self.selector.close()
        self.listener.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def become(job: Job) -> None:
    """In the child: take the test's environment, files and signals, then run the module."""
    import runpy
    import time

    signal.signal(signal.SIGINT, signal.default_int_handler)  # as the interpreter starts
    os.environ.clear()
    os.environ.update(job.env)
    time.tzset()
    os.chdir(job.cwd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    log = os.open(job.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(devnull)
    os.close(log)
    sys.dont_write_bytecode = bool(job.env.get("PYTHONDONTWRITEBYTECODE"))
    sys.argv = [job.module, *job.args]
    runpy.run_module(job.module, run_name="__main__", alter_sys=True)


# -- the test side ------------------------------------------------------------

LOST = -(2**16)  # the exit status, if the fork server itself went away


class ForkedProcess:
    """A forked bot as tests see it: what BotProcess uses of asyncio.subprocess.Process."""

    def __init__(self, pid: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.pid = pid
        self.returncode: int | None = None
        self._reader = reader
        self._writer = writer
        self._exited = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        try:
            line = await self._reader.readline()
            code = json.loads(line)["exit"] if line else LOST
        finally:
            self._writer.close()
        self.returncode = code

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    async def wait(self) -> int:
        await asyncio.shield(self._exited)  # a timed-out wait must not stop the watching
        assert self.returncode is not None
        return self.returncode


class ForkServer:
    """The fork server process for this pytest process (started once, shared by tests)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="speakback-fork-"))  # short: socket paths are
        self.path = self.dir / "fork.sock"
        self.log_path = self.dir / "server.log"
        repo = Path(__file__).resolve().parents[2]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.emulator.forkserver", str(self.path)],
                cwd=repo,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
            )

    @staticmethod
    def forkable(command: list[str]) -> bool:
        """`python -m module ...` with this interpreter."""
        return len(command) >= 3 and command[0] == sys.executable and command[1] == "-m"

    async def spawn(
        self, command: list[str], *, env: dict[str, str], cwd: Path, log: Path
    ) -> ForkedProcess:
        await self._wait_listening()
        reader, writer = await asyncio.open_unix_connection(str(self.path))
        request = {"module": command[2], "args": command[3:], "env": env, "cwd": str(cwd)}
        request["log"] = str(log)
        writer.write(json.dumps(request).encode() + b"\n")
        await writer.drain()
        answer = json.loads(await reader.readline() or b'{"error": "the fork server closed"}')
        if "pid" not in answer:
            writer.close()
            raise RuntimeError(f"fork server: {answer.get('error')}\n{self._log()}")
        return ForkedProcess(answer["pid"], reader, writer)

    async def _wait_listening(self, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while not self.path.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the fork server did not start:\n{self._log()}")
            await asyncio.sleep(0.01)

    def _log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()  # EOF: it kills any child still running and exits
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


_active: ForkServer | None = None


def active() -> ForkServer | None:
    """The fork server BotProcess should use, if the test session started one."""
    return _active


def use(server: ForkServer | None) -> None:
    global _active
    _active = server


# -- the server's entry point ------------------------------------------------------


def main(argv: list[str]) -> Job | None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # pytest handles Ctrl-C; it closes our stdin
    preload()
    return Server(argv[0]).serve()


if __name__ == "__main__":
    _job = main(sys.argv[1:])
    if _job is not None:
        become(_job)  # a child: its exit status is the module's, as under `python -m`
