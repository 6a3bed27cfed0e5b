"""Le tableau de bord Voilà complet depuis la salle : même processus, même port, un noyau pour l'animateur seul ;
les participants, les inconnus et les chemins forgés n'atteignent ni Voilà ni un noyau."""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect
from roomkit import Client, RoomProcess, facilitator, participant

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_room_security import participant_kernels  # noqa: E402

pytestmark = pytest.mark.slow

RENDER = "/animateur/voila/voila/render/{}.ipynb"
FORGED = (
    "/animateur/voila/voila/render/carnet.ipynb",
    "/animateur/voila/voila/render/bilan_stage.ipynb",
    "/animateur/voila/voila/render/..%2F..%2Fnotebooks%2Fcarnet.ipynb",
    "/animateur/voila/voila/render/%2E%2E/notebooks/carnet.ipynb",
    "/animateur/voila/voila/tree",
    "/animateur/voila/voila/tree/ecologie.ipynb",
    "/animateur/voila/voila/files/ecologie.salle.yaml",
    "/animateur/voila/voila/api/contents",
    "/animateur/voila/",
    "/animateur/voila/livre/index.html",
)


def room_kernels(pid: int) -> list[int]:
    """Kernels started by the room's process (children of it)."""
    found = []
    for kernel in participant_kernels():
        try:
            parent = int((Path("/proc") / str(kernel) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
        if parent == pid:
            found.append(kernel)
    return found


def test_the_full_dashboard_is_for_the_facilitator_alone(browser, tmp_path):
    with RoomProcess(tmp_path, "voila", places=3, room=("ecologie", "depistage")) as room:
        boss, (phone, status, _), stranger = facilitator(room), participant(room), Client(room.base)
        assert status == 200
        stranger.request("/")
        # Participants and strangers: 403 on the page, on the kernels API and on the websocket, 404 elsewhere.
        for who in (phone, stranger):
            for path in (RENDER.format("ecologie"), "/animateur/voila/api/kernels/0c3f0a8e-0000-4000-8000-000000000000",
                         "/animateur/voila/api/kernels/0c3f0a8e-0000-4000-8000-000000000000/channels",
                         "/animateur/voila/voila/static/voila.js", "/animateur/voila/voila/api/shutdown/x"):
                assert who.request(path)[0] == 403, path
            assert who.request("/animateur/voila/voila/api/shutdown/x", body={})[0] == 403
        for path in FORGED:
            for who in (boss, phone):
                status, _, body = who.request(path)
                assert status in (403, 404), (path, status)
                assert "Écologie" not in html.unescape(body.decode(errors="replace")) or status == 404, path
        assert room_kernels(room.proc.pid) == []

        # The facilitator opens it from their page: Voilà runs the dashboard in one kernel, on the room's port.
        ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
        try:
            page = ctx.new_page()
            page.goto(room.facilitator_url)
            with ctx.expect_page() as opened:
                page.get_by_role("link", name="Écologie des soins").click()
            live = opened.value
            assert live.url == room.base + RENDER.format("ecologie")
            expect(live.locator(".widget-slider, .jupyter-widgets input, .widget-dropdown").first).to_be_visible(timeout=120_000)
            assert len(room_kernels(room.proc.pid)) == 1
            # Another dashboard: still one kernel (the previous one is stopped).
            live.goto(room.base + RENDER.format("depistage"))
            expect(live.locator(".widget-slider, .jupyter-widgets input").first).to_be_visible(timeout=120_000)
            live.wait_for_timeout(1000)
            assert len(room_kernels(room.proc.pid)) == 1
            # A participant's browser, even on the same computer, gets nothing.
            phone_ctx = browser.new_context(locale="fr-FR")
            try:
                other = phone_ctx.new_page()
                other.goto(room.participant_url)
                response = other.goto(room.base + RENDER.format("ecologie"))
                assert response.status == 403
                assert len(room_kernels(room.proc.pid)) == 1
            finally:
                phone_ctx.close()
        finally:
            ctx.close()
        pid = room.proc.pid
    assert not os.path.exists(f"/proc/{pid}") or room_kernels(pid) == []
