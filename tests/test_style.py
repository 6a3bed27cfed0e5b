"""Le code du paquet, des tests et des mesures reste propre (ruff, configuré dans pyproject.toml)."""

import subprocess

from conftest import BIN, ROOT


def test_ruff_is_clean():
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "src", "tests", "benchmarks", "nbgrader_config.py"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout
