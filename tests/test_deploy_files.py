"""The PM2 and systemd files agree with the exit codes the bot really uses."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot import exitcodes

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_ecosystem_loads_with_node_and_stops_on_permanent_codes():
    script = "const c = require('./ecosystem.config.js');console.log(JSON.stringify(c.apps));"
    out = subprocess.run(
        ["node", "-e", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    apps = json.loads(out)
    assert len(apps) == 1
    app = apps[0]
    assert app["exec_mode"] == "fork" and app["instances"] == 1
    assert app["args"][:3] == ["-m", "bot", "run"]
    assert sorted(app["stop_exit_codes"]) == sorted(exitcodes.PERMANENT)
    assert exitcodes.RESTART not in app["stop_exit_codes"]
    assert app["kill_timeout"] >= 10000  # the bot ends itself within 10 s of SIGTERM
    assert app["env"]["NEONIZE_BOT_TAG"] == "off"
    assert app["max_restarts"] > 0 and app["exp_backoff_restart_delay"] > 0


def test_systemd_unit_prevents_restart_on_permanent_codes():
    unit = (ROOT / "jadwal-bot.service").read_text()
    match = re.search(r"^RestartPreventExitStatus=(.+)$", unit, re.M)
    assert match is not None
    assert sorted(int(c) for c in match[1].split()) == sorted(exitcodes.PERMANENT)
    for line in (
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "ExecStart=/opt/jadwal-bot/.venv/bin/python -m bot run",
        "Environment=NEONIZE_BOT_TAG=off",
    ):
        assert line in unit.splitlines()
