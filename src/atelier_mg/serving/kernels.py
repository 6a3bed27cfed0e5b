"""Un dossier privé par participant : chaque noyau démarre dans son propre dossier temporaire.

Voilà starts every kernel in the notebook's folder, so every participant of a room would share
one working folder (and any file a dashboard writes). Here each kernel gets a fresh folder
(its working directory and ``TMPDIR``) under the server's own temporary root; the folder is
deleted when the kernel stops (page closed, culled, server stopped), the root when the server exits.
Every such kernel is marked as served to others (:func:`atelier_mg.core.privacy.served_to_others`): the
patientèle dashboard then offers no upload of patients' files to the organiser's server.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Unicode

from ..core.privacy import SERVED_TO_OTHERS_ENV


class ParticipantKernelManager(AsyncMappingKernelManager):
    """Kernel manager whose kernels each run in a private, temporary working folder."""

    workdirs_root = Unicode(
        "", config=True, help="Dossier où créer les dossiers des participants (par défaut : un dossier temporaire)."
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.workdirs_root:
            self.workdirs_root = tempfile.mkdtemp(prefix="atelier-participants-")
            atexit.register(shutil.rmtree, self.workdirs_root, ignore_errors=True)
        self._workdirs: dict[str, Path] = {}

    def workdir(self, kernel_id: str) -> Path | None:
        """The private folder of a running kernel."""
        return self._workdirs.get(kernel_id)

    async def start_kernel(self, *, kernel_id: str | None = None, path: str | None = None, **kwargs) -> str:
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        workdir = Path(tempfile.mkdtemp(prefix="participant-", dir=self.workdirs_root))
        env = dict(kwargs.pop("env", None) or os.environ)
        env["TMPDIR"] = str(workdir)
        env[SERVED_TO_OTHERS_ENV] = "1"  # dashboards served to others accept no file of personal data
        kwargs["cwd"] = str(workdir)  # ``path`` (the notebook's folder) is deliberately not used
        try:
            kernel_id = await super().start_kernel(kernel_id=kernel_id, env=env, **kwargs)
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        self._workdirs[kernel_id] = workdir
        return kernel_id

    def remove_kernel(self, kernel_id: str):
        km = super().remove_kernel(kernel_id)
        workdir = self._workdirs.pop(kernel_id, None)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
        return km
