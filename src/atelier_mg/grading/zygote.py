"""Le « zygote » : processus chaud, dans le bac à sable, qui donne naissance à un noyau neuf par rendu.

Run inside bubblewrap by :mod:`atelier_mg.grading.sandbox` as ``python -m atelier_mg.grading.zygote``.
It imports once what every graded notebook needs (IPython, ipykernel, pandas, Altair, the package),
then serves JSON commands, one per line, on stdin/stdout:

* ``{"op": "start", "connection": {…}, "cwd": …, "env": {…}}`` → forks a child that drops to the
  sandbox's unprivileged uid, applies the resource limits and becomes an ipykernel listening on
  ``ipc`` sockets in ``cwd`` (a folder of the sandbox's /tmp the grader prepared); answers ``{"pid": …}``;
* ``{"op": "poll", "pid": …}`` → ``{"status": null}`` while alive, else the exit status;
* ``{"op": "signal", "pid": …, "signum": …}`` → signals the child's process group;
* ``{"op": "reset"}`` → kills every process of the sandbox but itself (the grader then empties ``/tmp``).

The zygote keeps root's CAP_SETUID/SETGID/KILL only (``bwrap --cap-drop ALL``); its children have no
capability at all, another uid, and cannot signal, trace or write to it.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import signal
import sys
import traceback

_KERNEL_ENV = dict(os.environ)


def _warm_imports() -> None:
    # Everything a graded notebook imports, loaded once and shared copy-on-write by every child.
    import ipykernel.debugger  # noqa: F401 - a tenth of a second per kernel otherwise
    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import ipykernel.zmqshell  # noqa: F401
    import IPython  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import atelier_mg.core.data as data
    import atelier_mg.grading.guard  # noqa: F401

    try:
        import altair  # noqa: F401
    except ImportError:  # pragma: no cover - altair is pinned in requirements.txt
        pass
    # The course's datasets, read and validated once (load() hands every caller its own copy).
    for name in data.available():
        try:
            data.load(name)
        except Exception:  # noqa: BLE001 - a broken dataset is reported by the notebook that loads it
            pass


def _child(request: dict, uid: int, gid: int, limits: dict) -> None:
    """In the forked child: become an unprivileged, limited ipykernel. Never returns."""
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, 1024)
        for name, value in limits.items():
            limit = getattr(resource, name)
            resource.setrlimit(limit, (value, value))
        if os.geteuid() != uid:  # as root; unprivileged, the kernel already has the only uid mapped here
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
        os.chdir(request["cwd"])
        connection_file = os.path.join(request["cwd"], ".connexion.json")
        with open(connection_file, "w", encoding="utf-8") as handle:
            json.dump(request["connection"], handle)
        os.environ.clear()
        os.environ.update(_KERNEL_ENV)
        os.environ.update(request["env"])
        os.environ["HOME"] = request["cwd"]
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        sys.argv = ["ipykernel_launcher", "-f", connection_file]

        from atelier_mg.grading.guard import install

        install()
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(["-f", connection_file, "--HistoryManager.hist_file=:memory:"])
        app.start()
    except BaseException:  # noqa: BLE001 - the child must never return into the zygote's loop
        try:  # for the grader's log: why this kernel could not start
            with open(os.path.join(request["cwd"], ".erreur-noyau.txt"), "w", encoding="utf-8") as handle:
                handle.write(traceback.format_exc())
        except OSError:
            pass
        os._exit(70)
    os._exit(0)


def _not_dumpable() -> None:
    """Unprivileged sandbox (a teacher's command on the hub): the kernels have the zygote's own uid. Not dumpable,
    the zygote (and each kernel it forks) cannot be traced nor have its memory or descriptors opened by a kernel:
    a submission cannot change how the next ones are run. The grader, owner of the user namespace, still can."""
    import ctypes

    PR_SET_DUMPABLE = 4
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE)")


def _reset() -> None:
    try:
        os.kill(-1, signal.SIGKILL)  # every process of this pid namespace we may signal, not ourselves
    except ProcessLookupError:
        pass
    while True:  # reap them all (the grader then empties /tmp: the zygote cannot read the kernels' folders)
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break


def _status(pid: int) -> int | None:
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return -1
    if done == 0:
        return None
    return os.waitstatus_to_exitcode(status)


def main() -> None:
    settings = json.loads(sys.argv[1])
    uid, limits = settings["uid"], settings["limits"]
    gid = settings.get("gid", uid)
    if os.geteuid() == uid:
        _not_dumpable()
    _warm_imports()
    gc.collect()
    gc.freeze()  # the warm objects stay out of the collector: children do not copy their pages by scanning them
    commands = os.fdopen(os.dup(0), "r", encoding="utf-8")
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in commands:
        request = json.loads(line)
        op = request.get("op")
        answer: dict = {}
        if op == "start":
            pid = os.fork()
            if pid == 0:
                commands.close()
                answers.close()
                _child(request, uid, gid, limits)
            answer = {"pid": pid}
        elif op == "poll":
            answer = {"status": _status(request["pid"])}
        elif op == "signal":
            try:
                os.killpg(request["pid"], request["signum"])
            except (ProcessLookupError, PermissionError):
                try:
                    os.kill(request["pid"], request["signum"])
                except (ProcessLookupError, PermissionError):
                    pass
        elif op == "reset":
            _reset()
        elif op == "ping":
            answer = {"pong": True}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()
    _reset()  # end of commands: no kernel outlives the zygote


if __name__ == "__main__":
    main()
