"""Les réponses des exercices notés, comme données : format fixe d'échange, et comparaison à une clé.

Kept in ``core`` because both sides use it: the exporter that runs in the intern's kernel after the
notebook (``grading/extract``) writes answers with :func:`encode`; the clean evaluation process that
applies the key (``grading/evaluate``) reads them back with :func:`decode`. The format is JSON with
tagged objects, never pickle: the reading side only ever builds builtin values and pandas objects from
lists of builtin values, so an answer cannot run code where it is graded.

* ``None``, ``bool``, ``int``, ``float`` (NaN and infinities allowed), ``str``: themselves;
* list, tuple: a JSON list (a tuple comes back as a list);
* ``{"$d": [[key, value], …]}``: a dict (keys: scalars or tuples of scalars);
* ``{"$s": […]}``: a set or frozenset (comes back as a set, elements sorted on the way out);
* ``{"$series": {"index": […], "values": […], "name": …}}``: a pandas Series;
* ``{"$df": {"columns": […], "index": […], "data": [[…], …]}}``: a pandas DataFrame.

Subclasses of builtin types, numpy scalars and arrays are brought back to the plain builtin value
(through the base type's own method, never the object's), so an object that lies about equality or
its string cannot cross. Anything else is refused with a French reason.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping

MAX_ITEMS = 200_000
MAX_DEPTH = 32


class NotAnAnswer(ValueError):
    """A value that cannot be taken out of the notebook as an answer (the message is in French)."""


def _type_name(value: object) -> str:
    return type(value).__name__


def encode(value: object) -> object:
    """The JSON-ready form of an answer; raises :class:`NotAnAnswer`."""
    budget = [MAX_ITEMS]
    return _encode(value, budget, 0)


def _scalar(value: object):
    """The exact builtin scalar behind ``value``, or ``NotImplemented``."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, bool):  # pragma: no cover - bool cannot be subclassed
        return bool(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, str):
        return str.__str__(value)
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic):
        plain = numpy.generic.item(value)
        if plain is None or type(plain) in (bool, int, float, str):
            return plain
        raise NotAnAnswer(f"une valeur numpy de type « {_type_name(value)} » ne peut pas servir de réponse")
    return NotImplemented


def _encode(value: object, budget: list[int], depth: int) -> object:
    budget[0] -= 1
    if budget[0] < 0:
        raise NotAnAnswer(f"réponse trop volumineuse (plus de {MAX_ITEMS} éléments)")
    if depth > MAX_DEPTH:
        raise NotAnAnswer("réponse trop imbriquée")
    plain = _scalar(value)
    if plain is not NotImplemented:
        return plain
    pandas = sys.modules.get("pandas")
    numpy = sys.modules.get("numpy")
    if pandas is not None and isinstance(value, pandas.Series):
        index = pandas.Index.tolist(value.index)
        values = numpy.ndarray.tolist(numpy.asarray(pandas.Series.to_numpy(value), dtype=object))
        return {"$series": {"index": [_encode(i, budget, depth + 1) for i in index],
                            "values": [_encode(v, budget, depth + 1) for v in values],
                            "name": _encode(value.name, budget, depth + 1)}}
    if pandas is not None and isinstance(value, pandas.DataFrame):
        columns = pandas.Index.tolist(value.columns)
        index = pandas.Index.tolist(value.index)
        rows = numpy.ndarray.tolist(numpy.asarray(pandas.DataFrame.to_numpy(value, dtype=object), dtype=object))
        return {"$df": {"columns": [_encode(c, budget, depth + 1) for c in columns],
                        "index": [_encode(i, budget, depth + 1) for i in index],
                        "data": [[_encode(v, budget, depth + 1) for v in row] for row in rows]}}
    if numpy is not None and isinstance(value, numpy.ndarray):
        return [_encode(v, budget, depth + 1) for v in numpy.ndarray.tolist(value)]
    if isinstance(value, (list, tuple)):
        items = list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value)
        return [_encode(v, budget, depth + 1) for v in items]
    if isinstance(value, (set, frozenset)):
        items = [_encode(v, budget, depth + 1) for v in (set.__iter__(value) if isinstance(value, set)
                                                         else frozenset.__iter__(value))]
        return {"$s": sorted(items, key=repr)}
    if isinstance(value, dict):
        pairs = []
        for key in dict.__iter__(value):
            plain_key = _encode(key, budget, depth + 1)
            nested = isinstance(plain_key, list) and any(isinstance(k, (dict, list)) for k in plain_key)
            if isinstance(plain_key, dict) or nested:
                raise NotAnAnswer("une clé de dictionnaire doit être un texte, un nombre ou un n-uplet simple")
            pairs.append([plain_key, _encode(dict.__getitem__(value, key), budget, depth + 1)])
        return {"$d": pairs}
    if callable(value):
        raise NotAnAnswer("c'est une fonction, pas une valeur (appelez-la et gardez son résultat)")
    raise NotAnAnswer(f"une valeur de type « {_type_name(value)} » ne peut pas servir de réponse")


def decode(data: object) -> object:
    """The answer back from its JSON form: builtin values, sets, pandas objects; raises :class:`NotAnAnswer`."""
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is float:
        return data
    if type(data) is list:
        return [decode(v) for v in data]
    if type(data) is dict and len(data) == 1:
        (tag, body), = data.items()
        if tag == "$d" and type(body) is list:
            return {_key(k): decode(v) for k, v in body}
        if tag == "$s" and type(body) is list:
            items = [_key(v) for v in body]
            try:
                return set(items)
            except TypeError:
                return items
        if tag == "$series" and type(body) is dict:
            import pandas as pd

            return pd.Series([decode(v) for v in body["values"]], index=_index(body["index"]), name=_key(body["name"]),
                             dtype=_dtype(body["values"]))
        if tag == "$df" and type(body) is dict:
            import pandas as pd

            frame = pd.DataFrame([[decode(v) for v in row] for row in body["data"]], index=_index(body["index"]),
                                 columns=[_key(c) for c in body["columns"]])
            return frame.infer_objects()
    raise NotAnAnswer("réponse illisible")


def _key(value: object) -> object:
    plain = decode(value)
    if isinstance(plain, list):
        return tuple(_key(v) if isinstance(v, list) else v for v in plain)
    if isinstance(plain, (dict, set)):
        raise NotAnAnswer("réponse illisible")
    return plain


def _index(values: list):
    import pandas as pd

    return pd.Index([_key(v) for v in values])


def _dtype(values: list) -> object:
    kinds = {type(v) for v in values}
    if kinds and kinds <= {int}:
        return "int64"
    if kinds and kinds <= {int, float}:
        return "float64"
    if kinds == {bool}:
        return "bool"
    return None


def is_number(value: object) -> bool:
    """A real number answer (``bool`` excluded), finite."""
    return type(value) in (int, float) and math.isfinite(value)


def score_answers(
    answers: Mapping[str, object], key: Mapping[str, str | set[str] | frozenset[str] | tuple[str, ...]]
) -> tuple[int, list[str]]:
    """Number of correct answers and the list of wrong or missing items.

    ``key`` gives, for each item, the expected answer or the set of accepted answers (when the
    référentiel allows two readings). Answers are compared without case or surrounding spaces.
    """
    def norm(value: object) -> str:
        return str(value).strip().upper()

    wrong = []
    for item, expected in key.items():
        accepted = {norm(expected)} if isinstance(expected, str) else {norm(e) for e in expected}
        if item not in answers or norm(answers[item]) not in accepted:
            wrong.append(item)
    return len(key) - len(wrong), wrong
