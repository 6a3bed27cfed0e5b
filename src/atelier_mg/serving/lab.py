"""``atelier lab`` : JupyterLab sur le dépôt, avec l'extension serveur qui sert Vega hors ligne."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..core.paths import tool
from .environment import jupyter_env
from .static import vendor_handlers


def lab(root: Path, ip: str, port: int) -> int:
    """Run JupyterLab on the project; returns its exit code."""
    cmd = [tool("jupyter"), "lab", f"--ServerApp.ip={ip}", f"--ServerApp.port={port}", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and teaching VMs often run as root
    return subprocess.call(cmd, cwd=root, env=jupyter_env())


# -- Jupyter Server extension (enabled by ``atelier lab`` through JUPYTER_CONFIG_PATH) --

def _load_jupyter_server_extension(serverapp) -> None:
    base_url = serverapp.web_app.settings.get("base_url", "/")
    serverapp.web_app.add_handlers(".*$", vendor_handlers(base_url))
