"""Ce qui rend nbgrader plus rapide sans rien changer à ce qu'il calcule.

Applied in the grading workers only (one process grading many submissions of the same course):

* nbgrader validates the metadata of every cell with ``jsonschema.validate``, which checks the schema
  itself and builds a new validator at each call (about 5 ms a cell, twice per notebook): the shim
  gives it the same function with the validator built once per schema (same errors, same order);
* every ``Gradebook(...)`` (a dozen per submission) creates an SQLAlchemy engine, lists the tables and
  runs ``create_all``: the engine is now made once per database URL and the schema checked once per
  process (the schema does not change during a grading run).
"""

from __future__ import annotations

import types

import jsonschema
from jsonschema.exceptions import best_match

_validators: dict[int, object] = {}


def validate(instance, schema, cls=None, *args, **kwargs):
    key = id(schema)
    validator = _validators.get(key)
    if validator is None:
        validator_class = cls or jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
        validator = _validators[key] = (schema, validator_class(schema, *args, **kwargs))
    error = best_match(validator[1].iter_errors(instance))
    if error is not None:
        raise error


_engines: dict[str, object] = {}
_schema_ready: set[str] = set()


def apply() -> None:
    from nbgrader import api
    from nbgrader.nbgraderformat import common

    shim = types.ModuleType("jsonschema_cache")
    shim.__dict__.update({name: getattr(jsonschema, name) for name in dir(jsonschema) if not name.startswith("__")})
    shim.validate = validate
    common.jsonschema = shim

    create_engine, inspect, create_all = api.create_engine, api.inspect, api.Base.metadata.create_all

    def shared_engine(url, *args, **kwargs):
        key = str(url)
        if key not in _engines:
            _engines[key] = create_engine(url, *args, **kwargs)
        return _engines[key]

    class _Known:
        def get_table_names(self):
            return ["known"]

    def known_inspect(target):
        return _Known() if str(getattr(target, "url", "")) in _schema_ready else inspect(target)

    def create_all_once(bind=None, **kwargs):
        key = str(getattr(bind, "url", ""))
        if key not in _schema_ready:
            create_all(bind=bind, **kwargs)
            _schema_ready.add(key)

    api.create_engine = shared_engine
    api.inspect = known_inspect
    api.Base.metadata.create_all = create_all_once
