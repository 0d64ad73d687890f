"""The fork server hands each test a real, separate process with the test's settings."""

from __future__ import annotations

import os
import signal
import sys

import pytest

PROBE = [sys.executable, "-m", "tests.emulator.fork_probe"]


@pytest.fixture
def server(fork_server):
    if fork_server is None:
        pytest.skip("SPEAKBACK_TEST_COLD_START=1: no fork server")
    return fork_server


async def test_a_child_runs_the_module_with_the_tests_environment_cwd_and_log(server, tmp_path):
    log = tmp_path / "child.log"
    env = {**os.environ, "PROBE": "hello"}
    child = await server.spawn([*PROBE, "7"], env=env, cwd=tmp_path, log=log)
    assert child.pid != os.getpid()
    assert await child.wait() == 7
    assert child.returncode == 7
    text = log.read_text()
    assert f"stdout: hello {tmp_path} ['7']" in text
    assert "stderr: __main__" in text


async def test_a_killed_child_reports_the_signal_and_a_crash_its_traceback(server, tmp_path):
    log = tmp_path / "child.log"
    sleeper = await server.spawn([*PROBE, "sleep"], env=dict(os.environ), cwd=tmp_path, log=log)
    assert sleeper.returncode is None
    sleeper.send_signal(signal.SIGKILL)
    assert await sleeper.wait() == -signal.SIGKILL
    crash = await server.spawn([*PROBE, "raise"], env=dict(os.environ), cwd=tmp_path, log=log)
    assert await crash.wait() == 1
    assert "RuntimeError: the probe failed" in log.read_text()
