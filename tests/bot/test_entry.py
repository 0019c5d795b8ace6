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


def _interrupted(tmp_path: Path, after: float) -> tuple[int, str]:
    env = {**os.environ, "NEWSQA_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [*COMMAND, "ask", "How many people were killed?"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    time.sleep(after)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


def test_ctrl_c_while_importing_ends_quietly_with_status_130(tmp_path: Path) -> None:
    code, stderr = _interrupted(tmp_path, 0.3)  # the CLI's imports take longer than this
    assert "Traceback" not in stderr, stderr
    assert (code, stderr.strip()) == (130, "Interrupted.")


@pytest.mark.parametrize("after", [1.0, 2.5])
def test_ctrl_c_later_ends_without_a_traceback(tmp_path: Path, after: float) -> None:
    code, stderr = _interrupted(tmp_path, after)
    assert "Traceback" not in stderr, stderr
    assert code != 0


def test_the_entry_point_runs_the_cli(tmp_path: Path) -> None:
    done = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0 and "ask" in done.stdout
