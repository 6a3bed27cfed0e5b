"""deploy/kubernetes : values.yaml valide pour le chart Zero to JupyterHub, comme helm le vérifie.

Helm merges the chart's default values with ours, then validates the result against the chart's published
schema (``values.schema.json``, generated from ``values.schema.yaml``); both are copied from the chart's
repository into ``deploy/kubernetes/chart/`` (PROVENANCE.md says from which commit).
"""

from __future__ import annotations

import copy

import jsonschema
import pytest
import yaml
from conftest import ROOT

from atelier_mg.hub.settings import parse_size

DEPLOY = ROOT / "deploy" / "kubernetes"


def merged(defaults: dict, ours: dict) -> dict:
    out = copy.deepcopy(defaults)
    for key, value in ours.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load(name: str) -> dict:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def values() -> dict:
    return load("values.yaml")


def test_values_pass_the_chart_schema_once_merged_with_its_defaults(values):
    schema = load("chart/values.schema.yaml")
    jsonschema.validate(merged(load("chart/values.yaml"), values), schema)


def test_the_schema_catches_a_wrong_key(values):
    schema = load("chart/values.schema.yaml")
    wrong = merged(load("chart/values.yaml"), {**values, "singleuser": {**values["singleuser"], "memoire": "2G"}})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, schema)


def test_sized_for_300_interns_with_culling_and_a_shared_exchange(values):
    single = values["singleuser"]
    assert parse_size(single["memory"]["guarantee"]) < parse_size(single["memory"]["limit"])
    assert 300 * parse_size(single["memory"]["guarantee"]) <= 200 * 1024**3, "300 internes : au plus 200 Gio garantis"
    assert values["cull"]["enabled"] and values["cull"]["timeout"] <= 3600
    claim = single["storage"]["extraVolumes"][0]["persistentVolumeClaim"]["claimName"]
    pvc = load("echange-pvc.yaml")
    assert pvc["metadata"]["name"] == claim and pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    mount = single["storage"]["extraVolumeMounts"][0]["mountPath"]
    assert single["extraEnv"]["ATELIER_EXCHANGE"] == mount
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "nativeauthenticator.NativeAuthenticator"


def test_the_image_is_built_from_the_pinned_requirements():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r /srv/atelier/requirements.txt" in dockerfile and "pip check" in dockerfile
    assert '"locale": "fr_FR"' in dockerfile
