"""The ``newsqa`` command as a process: Ctrl-C while it starts ends it without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

COMMAND = [sys.executable, "-c", "from bot.entry import main; main()"]
# The same command, made to announce when it starts importing the vector store
# and to stay there until interrupted: Ctrl-C lands mid-import on any machine.
PAUSED_IN_IMPORTS = [sys.executable, "-c", """
import sys, threading
class Pause:
    def find_spec(self, name, path=None, target=None):
        if name == "chromadb":
            sys.meta_path.remove(self)
            print("importing chromadb", file=sys.stderr, flush=True)
            threading.Event().wait()
        return None
sys.meta_path.insert(0, Pause())
from bot.entry import main; main()
"""]  # fmt: skip


def _interrupted(tmp_path: Path, command: list[str], once: str) -> tuple[int, str]:
    """Run ``command ask`` on an empty index and press Ctrl-C once it prints the line ``once``."""
    env = {**os.environ, "NEWSQA_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [*command, "ask", "How many people were killed?"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert process.stderr is not None
    seen = ""
    while once not in seen and process.poll() is None:
        seen += process.stderr.readline()
    assert once in seen, seen
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, seen + stderr


def test_ctrl_c_while_importing_ends_quietly_with_status_130(tmp_path: Path) -> None:
    code, stderr = _interrupted(tmp_path, PAUSED_IN_IMPORTS, "importing chromadb")
    assert "Traceback" not in stderr, stderr
    assert (code, stderr.strip()) == (130, "importing chromadb\n\nInterrupted.")


def test_ctrl_c_while_working_ends_without_a_traceback(tmp_path: Path) -> None:
    """Pressed while the first question indexes the samples: whatever the machine's speed, it is mid-work."""
    code, stderr = _interrupted(tmp_path, COMMAND, "The index is empty")
    assert "Traceback" not in stderr, stderr
    assert code == 130, stderr


def test_the_entry_point_runs_the_cli(tmp_path: Path) -> None:
    done = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0 and "ask" in done.stdout
