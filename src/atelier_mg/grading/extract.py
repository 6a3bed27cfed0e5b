"""Sortir les réponses du noyau de l'interne, comme données (exécuté DANS ce noyau, après le notebook).

:class:`~.execute.SandboxedExecute` calls :func:`export` through a silent ``user_expressions`` request
once every cell has run. It reads the answer names the key asks for, and evaluates the key's probe
calls (``effectifs(white, 60_000)``) for questions that ask for a function, then returns everything as
one JSON text in the fixed format of :mod:`atelier_mg.core.answers`.

Nothing here is trusted: the intern's code ran in this process and may have replaced this module,
``json`` or pandas. Whatever comes out is only data, read with ``json.loads`` and checked by the clean
evaluation process (:mod:`.evaluate`); tampering here can only change the intern's own answers, which
the intern could have written anyway.
"""

from __future__ import annotations

import json

from atelier_mg.core.answers import NotAnAnswer, encode


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}" + (f" : {text[0][:160]}" if text else "")


_MEMO: dict = {}


def memo(function, *args, **kwargs):
    """``function(*args, **kwargs)``, computed once per kernel for all the probes (test data built by a model)."""
    key = (function, args, tuple(sorted(kwargs.items())))
    if key not in _MEMO:
        _MEMO[key] = function(*args, **kwargs)
    return _MEMO[key]


def _function(call: str) -> str:
    """« la fonction effectifs » for a probe call: its arguments (the key's test data) are never shown."""
    import ast

    helpers = {"table", "pd", "memo", "float", "round", "list", "sorted", "__import__"}
    try:
        names = [n.func.id for n in ast.walk(ast.parse(call, mode="eval"))
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id not in helpers]
    except SyntaxError:
        names = []
    return f"la fonction {names[0]}" if names else "une de vos fonctions"


def _probe_namespace(namespace: dict) -> dict:
    """The notebook's names, plus ``table`` (a data/ table), ``memo`` and ``pd`` for the probes' arguments."""
    import pandas as pd

    from atelier_mg.core.data import load_table

    return {**namespace, "table": load_table, "pd": pd, "memo": memo}


def export(names: list[str], probes: dict[str, str]) -> str:
    """JSON ``{name: {"valeur": …} | {"erreur": "raison en français"}}`` for every answer and probe."""
    from IPython import get_ipython

    return export_namespace(get_ipython().user_ns, names, probes)


def export_namespace(namespace: dict, names: list[str], probes: dict[str, str]) -> str:
    """:func:`export` from a given namespace (the kernel's, or a test's)."""
    probe_namespace = None
    result: dict[str, dict] = {}
    for name in names:
        if name not in namespace:
            result[name] = {"erreur": f"« {name} » n'est pas défini dans le notebook"}
            continue
        try:
            result[name] = {"valeur": encode(namespace[name])}
        except NotAnAnswer as exc:
            result[name] = {"erreur": f"« {name} » : {exc}"}
        except BaseException as exc:  # noqa: BLE001 - a hostile object: it only loses its own answer
            result[name] = {"erreur": f"« {name} » n'a pas pu être lu ({_describe(exc)})"}
    for name, call in probes.items():
        try:
            if probe_namespace is None:
                probe_namespace = _probe_namespace(namespace)
            value = eval(call, probe_namespace)  # noqa: S307 - the key's probe call, in the intern's own kernel
        except BaseException as exc:  # noqa: BLE001 - the intern's function raised: 0 on that question
            result[name] = {"erreur": f"{_function(call)}, appelée par la correction, a échoué ({_describe(exc)})"}
            continue
        try:
            result[name] = {"valeur": encode(value)}
        except NotAnAnswer as exc:
            result[name] = {"erreur": f"le résultat de {_function(call)} : {exc}"}
        except BaseException as exc:  # noqa: BLE001
            result[name] = {"erreur": f"le résultat de {_function(call)} n'a pas pu être lu ({_describe(exc)})"}
    return json.dumps(result, allow_nan=True, ensure_ascii=False)
