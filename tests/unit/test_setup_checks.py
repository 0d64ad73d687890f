"""Set-up that explains itself (issue 27): the Python check make runs first, the exit
statuses `make run` relies on, and one plain line when Discord cannot be reached."""

from __future__ import annotations

import importlib.util
import itertools
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.cli import EXIT_REFUSED, retry_delays, unreachable_reason

ROOT = Path(__file__).resolve().parents[2]
DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'
UBUNTU = 'NAME="Ubuntu"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\n'


def _check_python():
    spec = importlib.util.spec_from_file_location("check_python", ROOT / "scripts/check_python.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _check_python()


def test_a_new_enough_python_with_venv_passes():
    assert check.problem((3, 11, 2), "linux", DEBIAN) is None
    assert check.problem((3, 13, 0), "darwin") is None


def test_python_3_10_on_ubuntu_is_told_which_packages_to_install():
    said = check.problem((3, 10, 12), "linux", UBUNTU)
    assert "needs Python 3.11 or newer; this is Python 3.10" in said
    assert "sudo apt install python3.11 python3.11-venv" in said
    assert "make run PYTHON=python3.11" in said


def test_an_old_python_on_macos_is_pointed_at_a_newer_one():
    said = check.problem((3, 9, 6), "darwin")
    assert "this is Python 3.9" in said and "brew install python@3.12" in said


def test_a_missing_venv_module_on_debian_names_python3_venv():
    said = check.problem((3, 11, 2), "linux", DEBIAN, has_venv=False)
    assert "venv" in said and "sudo apt install python3-venv" in said


def test_the_script_itself_passes_on_this_python_and_refuses_a_faked_old_one(tmp_path):
    ok = subprocess.run([sys.executable, "scripts/check_python.py"], cwd=ROOT, capture_output=True)
    assert ok.returncode == 0 and ok.stderr == b""
    # The same script, with this interpreter pretending to be 3.10 (as make would run it).
    fake = (
        "import sys, runpy; sys.version_info = (3, 10, 12, 'final', 0); "
        "runpy.run_path('scripts/check_python.py', run_name='__main__')"
    )
    old = subprocess.run([sys.executable, "-c", fake], cwd=ROOT, capture_output=True, text=True)
    assert old.returncode == 1
    assert "this is Python 3.10" in old.stderr and "Traceback" not in old.stderr


def test_the_makefile_checks_python_and_says_it_is_setting_up_before_installing():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("$(STAMP): pyproject.toml") :]
    assert recipe.index("scripts/check_python.py") < recipe.index("Setting up, about a minute...")
    assert recipe.index("Setting up, about a minute...") < recipe.index("-m venv")
    assert "@$(PY) -m bot run || test $$? -eq 2" in makefile


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SPEAKBACK_"))}
    env.update(extra, PYTHONPATH=str(ROOT))
    return env


def test_run_without_a_token_exits_2_and_make_run_exits_0_with_the_message_last(tmp_path):
    direct = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=_env(), capture_output=True
    )
    assert direct.returncode == EXIT_REFUSED == 2
    # make's own recipe line, as make runs it (sh -c), with our interpreter as $(PY).
    line = f"{sys.executable} -m bot run || test $? -eq 2"
    made = subprocess.run(
        ["sh", "-c", line], cwd=tmp_path, env=_env(), capture_output=True, text=True
    )
    assert made.returncode == 0
    last = (made.stdout + made.stderr).strip().splitlines()[-1]
    assert "DISCORD_TOKEN" in (made.stderr) and "Error" not in last


def test_the_retry_waits_double_up_to_five_minutes():
    assert list(itertools.islice(retry_delays(), 9)) == [5, 10, 20, 40, 80, 160, 300, 300, 300]


def test_only_network_failures_count_as_unreachable():
    import aiohttp

    assert unreachable_reason(TimeoutError()) == "it did not answer in time"
    assert "network error" in unreachable_reason(aiohttp.ServerDisconnectedError())
    assert unreachable_reason(ValueError("a bug")) is None


def test_discord_unreachable_is_one_plain_line_and_a_retry_never_a_traceback(tmp_path):
    env = _env(
        DISCORD_TOKEN="MTIz.abc.defghijklmnop",
        DATABASE_PATH=str(tmp_path / "d.db"),
        DISCORD_API_BASE="http://127.0.0.1:9/api/v10",  # nothing listens on port 9
    )
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        for line in bot.stderr:  # read until the line arrives (the test's timeout bounds it)
            lines.append(line)
            if "Could not reach Discord" in line:
                break
        assert bot.poll() is None, "it keeps going, to try again"
        bot.send_signal(signal.SIGTERM)
        _, rest = bot.communicate(timeout=30)
    finally:
        if bot.poll() is None:
            bot.kill()
    out = "".join(lines) + rest
    [said] = [line for line in out.splitlines() if "Could not reach Discord" in line]
    assert "cannot connect to 127.0.0.1:9" in said and "try again in 5 seconds" in said
    assert "Traceback" not in out
    assert "voice will NOT be supported" not in out
    assert bot.returncode == 0
