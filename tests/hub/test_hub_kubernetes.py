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
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "atelier_mg.hub.auth.AtelierAuthenticator"


def test_the_image_is_built_from_the_pinned_requirements():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r /srv/atelier/requirements.txt" in dockerfile and "pip check" in dockerfile
    assert '"locale": "fr_FR"' in dockerfile


def test_like_atelier_hub_teachers_are_not_admins_and_sign_up_needs_a_code(values, tmp_path):
    import subprocess
    import sys

    from atelier_mg.hub import codes

    hub = values["hub"]
    config = hub["config"]
    assert config["JupyterHub"]["authenticator_class"] == "atelier_mg.hub.auth.AtelierAuthenticator"
    assert not config["Authenticator"].get("admin_users"), "les enseignants ne sont pas administrateurs"
    teachers = set(_groups(hub)["formgrade-atelier-mg"]["users"])
    assert teachers and teachers <= set(config["Authenticator"]["allowed_users"])
    native = config["NativeAuthenticator"]
    assert native["open_signup"] and native["allowed_failed_logins"] == 5 and native["seconds_before_next_try"] >= 60
    # The codes' hashes come from a secret mounted where the authenticator reads them.
    codes_file = config["AtelierAuthenticator"]["codes_file"]
    mount = next(m for m in hub["extraVolumeMounts"] if codes_file.startswith(m["mountPath"] + "/"))
    volume = next(v for v in hub["extraVolumes"] if v["name"] == mount["name"])
    assert volume["secret"]["secretName"] == "atelier-codes" and mount["readOnly"]
    assert hub["image"]["name"] != "quay.io/jupyterhub/k8s-hub", "l'image du hub contient atelier_mg.hub.auth"
    assert "-e /srv/atelier" in (DEPLOY / "Dockerfile.hub").read_text()
    # The command the header of values.yaml gives makes that file, and the codes for the mail merge.
    roster = tmp_path / "promotion.csv"
    roster.write_text("id;prenom;nom;email\nalice;Alice;Interne;alice@exemple.fr\ndupont;;;\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "atelier_mg.hub.codes", str(roster), str(tmp_path / "codes")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    made = tmp_path / "codes" / codes_file.rsplit("/", 1)[1]
    export = next((tmp_path / "codes").glob("codes-inscription-*.csv"))
    sent = {line.split(";")[0]: line.split(";")[-1] for line in export.read_text().splitlines()[1:]}
    assert set(sent) == {"alice", "dupont"} and made.stat().st_mode & 0o777 == 0o600
    assert codes.check(made, "alice", sent["alice"]) and not codes.check(made, "alice", sent["dupont"])


def _groups(hub: dict) -> dict:
    """``c.JupyterHub.load_groups`` of the values' extraConfig (Python), read without running it."""
    import ast

    for source in hub["extraConfig"].values():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "c.JupyterHub.load_groups":
                return ast.literal_eval(node.value)
    raise AssertionError("load_groups absent")
