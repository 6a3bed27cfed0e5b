"""Noyaux de correction nés dans le bac à sable : un fournisseur (« provisioner ») jupyter_client.

:class:`SandboxKernelManager` is the ``AsyncKernelManager`` nbgrader's execution uses during
``atelier correction noter``: instead of ``subprocess.Popen``, its provisioner asks the current
worker's :class:`~.sandbox.Sandbox` to fork a fresh kernel from the warm zygote, and talks to it over
``ipc`` sockets inside the sandbox's private ``/tmp``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase

from .sandbox import Sandbox

WORKDIR = "/tmp/rendu"
_current: dict[str, Sandbox] = {}


def use_sandbox(sandbox: Sandbox | None) -> None:
    """The sandbox this process's grading kernels are born in (one per worker process)."""
    if sandbox is None:
        _current.pop("sandbox", None)
    else:
        _current["sandbox"] = sandbox


def current_sandbox() -> Sandbox:
    try:
        return _current["sandbox"]
    except KeyError:
        raise RuntimeError("aucun bac à sable actif pour ce processus de correction") from None


class SandboxProvisioner(KernelProvisionerBase):
    """Launch, watch, signal and kill a kernel forked by the sandbox's zygote."""

    pid: int | None = None

    @property
    def has_process(self) -> bool:
        return self.pid is not None

    @property
    def sandbox(self) -> Sandbox:
        return current_sandbox()

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        folder = f"{WORKDIR}-{uuid.uuid4().hex[:8]}"
        host_cwd = kwargs.pop("cwd", None)
        self.sandbox.prepare(folder, files_from=None if host_cwd is None else Path(host_cwd))
        self.inside = folder
        km.transport = "ipc"
        km.ip = str(self.sandbox.outside(folder)) + "/noyau"
        km.shell_port, km.iopub_port, km.stdin_port, km.hb_port, km.control_port = 1, 2, 3, 4, 5
        kwargs.pop("extra_arguments", None)
        kwargs["cmd"] = ["ipykernel (zygote)"]
        env = {key: value for key, value in (kwargs.get("env") or {}).items() if key in ("NBGRADER_EXECUTION",)}
        env.setdefault("NBGRADER_EXECUTION", os.environ.get("NBGRADER_EXECUTION", "autograde"))
        self.kernel_env = env
        return await super().pre_launch(**kwargs)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        km = self.parent
        inside = dict(km.get_connection_info(session=False))
        inside["ip"] = f"{self.inside}/noyau"
        inside["key"] = inside["key"].decode() if isinstance(inside["key"], bytes) else inside["key"]
        answer = self.sandbox.request(op="start", cwd=self.inside, connection=inside, env=self.kernel_env)
        self.pid = answer["pid"]
        info = dict(km.get_connection_info(session=False))
        self.connection_info = info
        await self._wait_for_sockets()
        return info

    async def _wait_for_sockets(self, timeout: float = 30) -> None:
        base = self.sandbox.outside(self.inside)
        for _ in range(int(timeout / 0.02)):
            if all((base / f"noyau-{port}").exists() for port in (1, 2, 3, 4, 5)):
                return
            if await self.poll() is not None:
                return
            await asyncio.sleep(0.02)

    async def poll(self) -> int | None:
        if self.pid is None:
            return 0
        try:
            return self.sandbox.request(op="poll", pid=self.pid)["status"]
        except Exception:  # noqa: BLE001 - a dead sandbox means a dead kernel
            return -1

    async def wait(self) -> int | None:
        status = await self.poll()
        while status is None:
            await asyncio.sleep(0.05)
            status = await self.poll()
        self.pid = None
        return status

    async def send_signal(self, signum: int) -> None:
        if self.pid is not None:
            try:
                self.sandbox.request(op="signal", pid=self.pid, signum=int(signum))
            except Exception:  # noqa: BLE001 - nothing left to signal
                pass

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        return None

    def get_shutdown_wait_time(self, recommended: float = 5.0) -> float:
        return 1.0


class SandboxKernelManager(AsyncKernelManager):
    """nbclient's kernel manager for grading: every kernel comes from the sandbox."""

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.provisioner = SandboxProvisioner(
                kernel_id=self.kernel_id or str(uuid.uuid4()), kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)

    def write_connection_file(self, **kwargs: Any) -> None:  # the kernel gets its connection in the request
        return None
