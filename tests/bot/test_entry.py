"""The ``newsqa`` command as a process: Ctrl-C while it starts ends it without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-c", "from bot.entry import main; main()"]


@pytest.mark.parametrize("after", [0.3, 1.0])
def test_ctrl_c_while_starting_ends_quietly(tmp_path: Path, after: float) -> None:
    env = {**os.environ, "NEWSQA_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [*COMMAND, "ask", "How many people were killed?"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    time.sleep(after)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr, stderr
    assert process.returncode != 0


def test_the_entry_point_runs_the_cli(tmp_path: Path) -> None:
    done = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0 and "ask" in done.stdout
