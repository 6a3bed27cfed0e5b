"""Une salle de participants : seuls les tableaux de bord prévus sont servis, chaque participant a son dossier privé.

- a notebook outside the allowlist (the carnet, even placed in the served folder) gets a French 404,
  and so do the file listings of Voilà (tree page, contents API, /voila/files/);
- every kernel (one per page) runs in its own temporary folder, removed when it stops;
- two participants at once never see each other's data.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, voila_on
from playwright.sync_api import expect

from atelier_mg.core import privacy
from atelier_mg.serving.dashboards import ROOM_SAFE
from atelier_mg.serving.kernels import ParticipantKernelManager


def status_and_text(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_allowlist_is_the_dashboards_folder_and_leaves_the_carnet_out():
    assert set(ROOM_SAFE) == {p.stem for p in (ROOT / "dashboards").glob("*.ipynb")}
    assert "carnet" not in ROOM_SAFE and (ROOT / "notebooks" / "carnet.ipynb").is_file()


def test_each_kernel_runs_in_its_own_folder_removed_when_it_stops(tmp_path):
    """Two kernels write a file with the same name where they run: each lands in its own private folder."""

    async def scenario():
        km = ParticipantKernelManager(workdirs_root=str(tmp_path), root_dir=str(ROOT / "dashboards"))
        kernels = [await km.start_kernel(path="", kernel_name="python3") for _ in range(2)]
        seen = {}
        try:
            for i, kid in enumerate(kernels):
                client = km.get_kernel(kid).client()
                client.start_channels()
                await client.wait_for_ready(timeout=60)
                lines = []
                code = (f"import os, tempfile\nopen('trace.txt', 'w').write('participant {i}')\n"
                        "print(os.getcwd()); print(tempfile.gettempdir()); "
                        f"print(os.environ.get({privacy.SERVED_TO_OTHERS_ENV!r}))")
                await client.execute_interactive(
                    code, timeout=60,
                    output_hook=lambda m, lines=lines: lines.extend(m["content"].get("text", "").split()),
                )
                client.stop_channels()
                seen[kid] = lines
            folders = [km.workdir(k) for k in kernels]
            assert folders[0] != folders[1]
            for i, (kid, folder) in enumerate(zip(kernels, folders, strict=True)):
                assert folder.parent == tmp_path
                # working folder, TMPDIR, and the flag that makes dashboards refuse personal health data
                assert seen[kid] == [str(folder), str(folder), "1"]
                assert (folder / "trace.txt").read_text() == f"participant {i}"
            assert not (ROOT / "dashboards" / "trace.txt").exists()
            await km.shutdown_kernel(kernels[0])
            assert not folders[0].exists() and folders[1].exists()
        finally:
            await km.shutdown_all()
        assert list(tmp_path.iterdir()) == []

    asyncio.run(scenario())


@pytest.fixture(scope="module")
def room_with_a_stray_notebook(tmp_path_factory):
    """A server whose dashboards folder also holds the carnet: the allowlist, not the folder, decides."""
    base = tmp_path_factory.mktemp("salle")
    dashboards = base / "tableaux"
    dashboards.mkdir()
    shutil.copy(ROOT / "dashboards" / "ecologie.ipynb", dashboards)
    shutil.copy(ROOT / "notebooks" / "carnet.ipynb", dashboards)
    (dashboards / "secret.txt").write_text("pas pour les participants")
    with voila_on(base, allowed=("ecologie",)) as url:
        yield url, dashboards


@pytest.mark.slow
@pytest.mark.parametrize("path", [
    "/voila/render/carnet.ipynb",
    "/voila/render/inconnu.ipynb",
    "/voila/render/./carnet.ipynb",
    "/voila/render/ecologie.ipynb%2F..%2Fcarnet.ipynb",
    "/voila/render/%65cologie.ipynb",
    "/voila/tree",
    "/voila/tree/",
    "/voila/api/contents",
    "/voila/api/contents/carnet.ipynb",
    "/voila/files/secret.txt",
    "/voila/files/carnet.ipynb",
])
def test_what_is_not_allowlisted_gets_a_french_404(room_with_a_stray_notebook, path):
    url, _ = room_with_a_stray_notebook
    status, text = status_and_text(url + path)
    assert status == 404
    assert "Page introuvable" in text and 'lang="fr"' in text
    assert "pas pour les participants" not in text and "carnet_app" not in text
    assert "cdn" not in text.lower()


@pytest.mark.slow
def test_an_allowlisted_dashboard_is_served(room_with_a_stray_notebook):
    url, dashboards = room_with_a_stray_notebook
    status, text = status_and_text(url + "/voila/render/ecologie.ipynb")
    assert status == 200 and "Écologie des soins" in text
    assert sorted(p.name for p in dashboards.iterdir()) == ["carnet.ipynb", "ecologie.ipynb", "secret.txt"]


# -- two participants at once, in a real browser ---------------------------------------------------

def participant_kernels() -> dict[int, Path]:
    """Kernel processes started by a room (their working folder is a participant folder)."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if b"ipykernel_launcher" not in (proc / "cmdline").read_bytes():
                continue
            cwd = Path(os.readlink(proc / "cwd"))
        except OSError:
            continue
        if cwd.name.startswith("participant-") and cwd.parent.name.startswith("atelier-participants-"):
            found[int(proc.name)] = cwd
    return found


@pytest.mark.slow
def test_two_participants_never_see_each_others_data(browser, server, tmp_path):
    """Served to a room, the patientèle dashboard accepts no file (health data stay on the GP's computer);
    two participants each draw their own fictitious patientèle, in their own kernel and folder."""
    before = set(participant_kernels())
    served = sorted(p.name for p in (ROOT / "dashboards").iterdir())
    contexts = [browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR") for _ in range(2)]
    try:
        pages = [ctx.new_page() for ctx in contexts]
        for pg in pages:
            pg.goto(f"{server}/voila/render/patientele.ipynb", wait_until="commit")  # stalls: bounded, then reloaded
        for pg in pages:
            expect(pg.locator(".atelier-synthese")).to_contain_text("patientèle fictive de 1000 patients", timeout=90_000)
            expect(pg.locator(".atelier-sans-fichiers")).to_contain_text("il ne reçoit aucun fichier")
            assert pg.locator("input[type=file]").count() == 0
            assert pg.locator(".atelier-charger, .atelier-fichier-patients, .atelier-fichier-actes").count() == 0
        a, b = pages
        size = a.locator(".widget-text input, .widget-inline-hbox input").first
        size.fill("40")
        a.locator("button", has_text="Générer une patientèle fictive").click()
        expect(a.locator(".atelier-synthese")).to_contain_text("patientèle fictive de 40 patients", timeout=30_000)
        b.wait_for_timeout(1000)
        expect(b.locator(".atelier-synthese")).to_contain_text("patientèle fictive de 1000 patients")
        expect(b.locator(".atelier-synthese")).to_contain_text("1\u202f000 patients")

        mine = {pid: cwd for pid, cwd in participant_kernels().items() if pid not in before}
        assert len(mine) >= 2, mine
        folders = set(mine.values())
        assert len(folders) == len(mine)  # one folder per kernel
        for folder in folders:
            assert folder.is_dir() and not folder.is_relative_to(ROOT)
            assert not any(folder.iterdir()), list(folder.iterdir())  # nothing written by the dashboard
    finally:
        for ctx in contexts:
            ctx.close()
    assert sorted(p.name for p in (ROOT / "dashboards").iterdir()) == served
    assert not list(ROOT.glob("*.csv"))


def test_the_patientele_dashboard_offers_uploads_only_in_ones_own_jupyterlab(monkeypatch):
    import ipywidgets as w

    from atelier_mg.core import privacy
    from atelier_mg.topics.patientele import dashboard

    def uploads(widget) -> int:
        children = getattr(widget, "children", ())
        return isinstance(widget, w.FileUpload) + sum(uploads(c) for c in children)

    monkeypatch.delenv(privacy.SERVED_TO_OTHERS_ENV, raising=False)
    assert uploads(dashboard.dashboard()) == 2
    monkeypatch.setenv(privacy.SERVED_TO_OTHERS_ENV, "1")
    served = dashboard.dashboard()
    assert uploads(served) == 0
    assert any("il ne reçoit aucun fichier" in str(getattr(c, "value", "")) for c in served.children)
