"""Garde du noyau de correction : détecte un rendu qui modifie les outils de vérification des tests.

Imported by the zygote before any student code. :func:`snapshot` runs in the kernel once the kernel
is up and before the first cell; :func:`check` runs (silently) before every graded test cell and
lists what the student's code has replaced since: a function of ``builtins``, ``math``, ``operator``,
NumPy or pandas (``math.isclose = lambda *a: True``), a module name of the notebook's namespace bound
to something else, IPython's input or AST transformers, cell-execution hooks, ``sys.settrace``.

This is a tripwire against the usual tricks, not a proof: code running in the same process can always
defeat a check made from inside it. What a hostile submission can reach is bounded by the sandbox.
"""

from __future__ import annotations

import json
import sys
import types

WATCHED_MODULES = ("builtins", "math", "operator", "numpy", "numpy.testing", "pandas", "pandas.testing")
MODULE_ALIASES = {"math": "math", "np": "numpy", "numpy": "numpy", "pd": "pandas", "pandas": "pandas"}
_state: dict = {}


def _module_attributes(name: str) -> dict[str, int]:
    module = sys.modules.get(name)
    if module is None:
        return {}
    return {key: id(value) for key, value in vars(module).items() if not key.startswith("_")}


def _shell_hooks(shell) -> dict[str, object]:
    events = getattr(shell, "events", None)
    callbacks = {}
    if events is not None:
        for event in ("pre_execute", "pre_run_cell", "post_execute", "post_run_cell"):
            callbacks[event] = tuple(id(cb) for cb in events.callbacks.get(event, []))
    return {
        "input_transformers_cleanup": tuple(id(t) for t in getattr(shell, "input_transformers_cleanup", [])),
        "input_transformers_post": tuple(id(t) for t in getattr(shell, "input_transformers_post", [])),
        "ast_transformers": tuple(id(t) for t in getattr(shell, "ast_transformers", [])),
        **{name: (id(getattr(type(shell), name, None)), name in vars(shell))
           for name in ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "transform_cell")},
        "events": callbacks,
        "trace": id(sys.gettrace()),
        "profile": id(sys.getprofile()),
    }


def install() -> None:
    """In the fresh kernel process, before IPython starts: record the watched modules."""
    _state["modules"] = {name: _module_attributes(name) for name in WATCHED_MODULES}


def snapshot() -> str:
    """Once the kernel runs, before the first cell: record IPython's hooks."""
    from IPython import get_ipython

    _state["modules"] = {name: _module_attributes(name) for name in WATCHED_MODULES}
    _state["shell"] = _shell_hooks(get_ipython())
    return "ok"


def check() -> str:
    """JSON list of the replaced names (empty when nothing was touched)."""
    from IPython import get_ipython

    changed = []
    for name, before in _state.get("modules", {}).items():
        now = _module_attributes(name)
        for key, ident in before.items():
            if key in now and now[key] != ident:
                label = key if name == "builtins" else f"{name}.{key}"
                changed.append(label)
    shell = get_ipython()
    if "shell" in _state:
        now_hooks = _shell_hooks(shell)
        for key, before in _state["shell"].items():
            if now_hooks.get(key) != before:
                changed.append(f"IPython : {key}")
    namespace = getattr(shell, "user_ns", {})
    for alias, module_name in MODULE_ALIASES.items():
        if alias in namespace:
            value = namespace[alias]
            if isinstance(value, types.ModuleType):
                if sys.modules.get(value.__name__) is not value or (
                    value.__name__ in MODULE_ALIASES.values() and value.__name__ != module_name
                ):
                    changed.append(f"{alias} (module remplacé)")
            else:
                changed.append(f"{alias} (n'est plus un module)")
    return json.dumps(sorted(set(changed)))
