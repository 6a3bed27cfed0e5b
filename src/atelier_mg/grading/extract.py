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


def _probe_namespace(namespace: dict) -> dict:
    """The notebook's names, plus ``table`` (a data/ table) and ``pd`` for the probes' arguments."""
    import pandas as pd

    from atelier_mg.core.data import load_table

    return {**namespace, "table": load_table, "pd": pd}


def export(names: list[str], probes: dict[str, str]) -> str:
    """JSON ``{name: {"valeur": …} | {"erreur": "raison en français"}}`` for every answer and probe."""
    from IPython import get_ipython

    namespace = get_ipython().user_ns
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
            result[name] = {"erreur": f"l'appel {call} a échoué ({_describe(exc)})"}
            continue
        try:
            result[name] = {"valeur": encode(value)}
        except NotAnAnswer as exc:
            result[name] = {"erreur": f"le résultat de {call} : {exc}"}
        except BaseException as exc:  # noqa: BLE001
            result[name] = {"erreur": f"le résultat de {call} n'a pas pu être lu ({_describe(exc)})"}
    return json.dumps(result, allow_nan=True, ensure_ascii=False)
