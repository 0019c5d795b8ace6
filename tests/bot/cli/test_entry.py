"""The ``newsqa`` command as a process: Ctrl-C while it starts ends it without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

COMMAND = [sys.executable, "-c", "from bot.entry import main; main()"]


def _interrupted(tmp_path: Path, after: float | str) -> tuple[int, str]:
    """Run ``newsqa ask`` on an empty index and press Ctrl-C ``after`` seconds, or once it prints that line."""
    env = {**os.environ, "NEWSQA_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [*COMMAND, "ask", "How many people were killed?"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    seen = ""
    if isinstance(after, str):
        assert process.stderr is not None
        while after not in seen and process.poll() is None:
            seen += process.stderr.readline()
    else:
        time.sleep(after)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, seen + stderr


def test_ctrl_c_while_importing_ends_quietly_with_status_130(tmp_path: Path) -> None:
    code, stderr = _interrupted(tmp_path, 0.3)  # the CLI's imports take longer than this
    assert "Traceback" not in stderr, stderr
    assert (code, stderr.strip()) == (130, "Interrupted.")


def test_ctrl_c_while_working_ends_without_a_traceback(tmp_path: Path) -> None:
    """Pressed while the first question indexes the samples: whatever the machine's speed, it is mid-work."""
    code, stderr = _interrupted(tmp_path, "The index is empty")
    assert "Traceback" not in stderr, stderr
    assert code == 130, stderr


def test_the_entry_point_runs_the_cli(tmp_path: Path) -> None:
    done = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0 and "ask" in done.stdout
