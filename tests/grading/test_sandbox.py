"""Le bac à sable bubblewrap : ce que voit, peut et ne peut pas faire le code d'un interne."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from atelier_mg.grading.execute import GradingKernelManager
from atelier_mg.grading.kernel import use_sandbox
from atelier_mg.grading.sandbox import Sandbox, bwrap_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sandbox():
    assert bwrap_path(), "bubblewrap doit être installé (scripts/system-deps.sh)"
    box = Sandbox(slot=7)
    box.start()
    use_sandbox(box)
    yield box
    use_sandbox(None)
    box.close()


def execute(sandbox: Sandbox, *sources: str) -> list[str]:
    """Run cells in a fresh kernel of the sandbox; the text each cell printed (or its error)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(nb, kernel_manager_class=GradingKernelManager, kernel_name="python3", timeout=20,
                   allow_errors=True, shutdown_kernel="immediate").execute()
    sandbox.reset()
    out = []
    for cell in nb.cells:
        texts = []
        for o in cell.outputs:
            texts.append(o.get("text") or o.get("data", {}).get("text/plain") or f"{o.get('ename')}: {o.get('evalue')}")
        out.append("".join(texts).strip())
    return out


def test_kernel_runs_unprivileged_without_network_in_a_private_tmp(sandbox):
    uid, net, cwd = execute(
        sandbox,
        "import os\nprint(os.getuid(), os.getgid())",
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n    print('réseau')\n"
        "except OSError as e:\n    print('pas de réseau', type(e).__name__)",
        "print(os.getcwd())",
    )
    assert uid == "64007 64007"
    assert net.startswith("pas de réseau")
    assert cwd.startswith("/tmp/rendu-")


def test_only_the_system_python_and_course_data_are_visible_read_only(sandbox):
    listing, data, write = execute(
        sandbox,
        f"import os\nprint(sorted(os.listdir({str(ROOT)!r})))",
        "from atelier_mg.core.data import load_table\nprint(load_table('ecologie_white_1961').shape[0] > 0)",
        f"open({str(ROOT / 'data' / 'x.csv')!r}, 'w')",
    )
    visible = set(eval(listing))  # noqa: S307 - a list printed by the test itself
    assert visible <= {".venv", "src", "data", "_config.yml", "_toc.yml"}
    assert "solutions" not in visible and "gradebook.db" not in visible
    assert data == "True"
    assert write.startswith(("PermissionError", "OSError"))
    assert not (ROOT / "data" / "x.csv").exists()


def test_limits_memory_and_processes(sandbox):
    memory, forks = execute(
        sandbox,
        "try:\n    b = bytearray(8 * 1024**3)\n    b[::4096] = b'x' * (len(b) // 4096)\n    print('alloué')\n"
        "except MemoryError:\n    print('MemoryError')",
        "import os\nn = 0\ntry:\n    for _ in range(500):\n        if os.fork() == 0:\n            import time\n"
        "            time.sleep(30)\n            os._exit(0)\n        n += 1\nexcept OSError:\n    pass\nprint(n < 100)",
    )
    assert memory == "MemoryError"
    assert forks == "True"


def test_reset_kills_what_a_submission_left_behind_and_wipes_tmp(sandbox):
    execute(sandbox, "import subprocess\nsubprocess.Popen(['sleep', '600'])\nopen('/tmp/reste', 'w').write('x')")
    (left,) = execute(sandbox, "import os\nprint(os.path.exists('/tmp/reste'), len(os.listdir('/proc')))")
    exists, _ = left.split()
    assert exists == "False"
    procs = [p for p in os.listdir(sandbox.outside("/proc")) if p.isdigit()]
    assert len(procs) <= 3, procs  # bwrap's init, the zygote (and at most a dying kernel)


def test_a_kernel_cannot_kill_or_trace_the_zygote(sandbox):
    (out,) = execute(sandbox, "import os\ntry:\n    os.kill(os.getppid(), 9)\n    print('tué')\nexcept PermissionError:\n"
                              "    print('refusé')")
    assert out == "refusé"
    assert sandbox.alive()
    assert Path(f"/proc/{sandbox.process.pid}").exists()
