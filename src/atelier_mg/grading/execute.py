"""L'exécution nbgrader, dans le bac à sable : le préprocesseur ``Execute`` de nbgrader, étendu.

:class:`SandboxedExecute` replaces nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``
during ``atelier correction noter``. Same cells, same order, same timeout handling and same error
outputs as nbgrader (so the same scores), with:

* kernels born in the worker's bubblewrap sandbox (:mod:`.kernel`) instead of local processes;
* a bounded output: past :attr:`max_output_bytes` for the notebook, outputs are dropped (a French
  note says so) and the running cell is interrupted, as on a timeout, so a print loop cannot exhaust
  the grader's memory;
* the tripwire of :mod:`.guard` run silently before every graded test cell;
* what happened (kernel death, tampering, truncated output) written to :data:`REPORT` for the
  worker, which turns it into a French reason for the intern.
"""

from __future__ import annotations

import ast
import asyncio
import json
import time
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

from .kernel import SandboxKernelManager

REPORT: dict[str, Any] = {}
GUARD = "__import__('atelier_mg.grading.guard', fromlist=['guard'])"
EXTRACT = "__import__('atelier_mg.grading.extract', fromlist=['extract']).export({names!r}, {probes!r})"
MAX_EXPORT = 32 * 1024 * 1024
TRUNCATED_NOTE = "[Sortie coupée par la correction : ce notebook affiche trop de texte (plus de {mib} Mio).]\n"


def reset_report() -> dict[str, Any]:
    REPORT.clear()
    REPORT.update(tampering=[], failure=None, failed_cell=None, output_truncated=False, request=None, answers=None)
    return REPORT


class SandboxKernelClient(AsyncKernelClient):
    """jupyter_client's client, without the fixed 0.2 s wait for silence on IOPub at start-up."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.time() + (timeout if timeout is not None else 60)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Exception:  # noqa: BLE001 - queue.Empty: ask again
                msg = None
            if msg and msg["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=1)  # IOPub connected
                except Exception:  # noqa: BLE001 - not yet: start over
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:  # drop the start-up messages still queued
            try:
                await self.iopub_channel.get_msg(timeout=0.01)
            except Exception:  # noqa: BLE001 - queue.Empty
                break


class GradingKernelManager(SandboxKernelManager):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client_factory = SandboxKernelClient


def _is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def export_answers(client) -> None:
    """After the last cell: the answers the key asks for, taken out of the kernel as JSON (see :mod:`.extract`)."""
    request = REPORT.get("request")
    if not request:
        return
    names, probes = request
    text = None
    try:
        msg_id = client.kc.execute("", silent=True, store_history=False,
                                   user_expressions={"r": EXTRACT.format(names=list(names), probes=dict(probes))})
        reply = client.wait_for_reply(msg_id)
        value = reply["content"]["user_expressions"]["r"]
        if value.get("status") == "ok":
            text = ast.literal_eval(value["data"]["text/plain"])
    except Exception:  # noqa: BLE001 - no answers: every keyed question scores 0, with the reason
        text = None
    try:
        answers = json.loads(text) if isinstance(text, str) and len(text) < MAX_EXPORT else None
    except ValueError:
        answers = None
    REPORT["answers"] = answers if isinstance(answers, dict) else None


class LocalExecute(Execute):
    """nbgrader's Execute, unsandboxed (``--sans-bac-a-sable``), with the answers exported at the end."""

    def preprocess_cell(self, cell, resources, index):
        result = super().preprocess_cell(cell, resources, index)
        if index == len(self.nb.cells) - 1:
            export_answers(self)
        return result


class SandboxedExecute(Execute):
    """nbgrader's Execute, with kernels from the sandbox, bounded output and the tripwire."""

    max_output_bytes = Integer(4 * 1024 * 1024, help="Taille totale des sorties conservées par notebook.").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = GradingKernelManager
        kwargs.setdefault("shutdown_kernel", "immediate")
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        self._output_size = 0
        self._guarded = False
        if not REPORT:
            reset_report()
        try:
            return super().preprocess(nb, resources, km)
        except DeadKernelError:
            REPORT["failure"] = "kernel_died"
            raise

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            REPORT["failed_cell"] = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cellule {index + 1}"
            if not self._guarded:
                self._guarded = True
                self._silent(f"{GUARD}.snapshot()")
            if _is_test_cell(cell):
                changed = self._silent(f"{GUARD}.check()")
                if changed is None:
                    REPORT["tampering"].append((cell.metadata.nbgrader.get("grade_id"), ["vérification impossible"]))
                else:
                    try:
                        names = json.loads(changed)
                    except ValueError:
                        names = None
                    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                        names = ["vérification impossible"]
                    if names:
                        REPORT["tampering"].append((cell.metadata.nbgrader.get("grade_id"), names))
        result = super().preprocess_cell(cell, resources, index)
        REPORT["failed_cell"] = None
        if index == len(self.nb.cells) - 1:
            export_answers(self)
        return result

    def _silent(self, expression: str) -> str | None:
        """Evaluate ``expression`` in the kernel without a trace in the notebook; its string value."""
        msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"r": expression})
        reply = self.wait_for_reply(msg_id)
        try:
            value = reply["content"]["user_expressions"]["r"]
            if value.get("status") != "ok":
                return None
            text = ast.literal_eval(value["data"]["text/plain"])
            return text if isinstance(text, str) else None
        except Exception:  # noqa: BLE001 - any surprise means the check could not run
            return None

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        size += sum(len(line) for line in content.get("traceback", []))
        self._output_size += size
        if self._output_size > self.max_output_bytes:
            if not REPORT.get("output_truncated"):
                REPORT["output_truncated"] = True
                REPORT["truncated_cell"] = REPORT.get("failed_cell")
                outs.append(NotebookNode(output_type="stream", name="stderr",
                                         text=TRUNCATED_NOTE.format(mib=self.max_output_bytes // (1024 * 1024))))
                try:  # a runaway print loop: stop the cell now, as a timeout would (KeyboardInterrupt in the cell)
                    asyncio.get_running_loop().create_task(self.km.interrupt_kernel())
                except RuntimeError:
                    pass
            return None
        return super().output(outs, msg, display_id, cell_index)
