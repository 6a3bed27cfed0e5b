"""Environnement Jupyter d'Atelier MG : où trouver notre gabarit Voilà et notre extension serveur."""

from __future__ import annotations

import os
from pathlib import Path

SHARE_DIR = Path(__file__).parent / "share"


def jupyter_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """Environment where Jupyter finds our Voilà template and enables our server extension."""
    env = dict(os.environ if env is None else env)

    def prepend(key: str, value: Path) -> None:
        current = env.get(key)
        env[key] = str(value) if not current else os.pathsep.join([str(value), current])

    prepend("JUPYTER_PATH", SHARE_DIR)
    prepend("JUPYTER_CONFIG_PATH", SHARE_DIR / "jupyter_config")
    return env
