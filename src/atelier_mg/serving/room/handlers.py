"""Les routes HTTP de la salle : pages, API des participants et de l'animateur, fichiers statiques."""

from __future__ import annotations

import datetime
import hmac
import json
import secrets
from typing import TYPE_CHECKING, Any

import tornado.web

from . import pages

if TYPE_CHECKING:
    from .app import Asset, Room
    from .definition import Question


class RoomHandler(tornado.web.RequestHandler):
    def initialize(self, room: Room) -> None:
        self.room = room

    def on_finish(self) -> None:
        self.room.keep_presence()

    def send_asset(self, asset: Asset, cache: str = "no-cache") -> None:
        self.set_header("Content-Type", asset.type)
        self.set_header("Cache-Control", cache)
        self.set_header("Vary", "Accept-Encoding")
        if "gzip" in self.request.headers.get("Accept-Encoding", ""):
            self.set_header("Content-Encoding", "gzip")
            self.finish(asset.gzipped)
        else:
            self.finish(asset.content)

    def page(self, status: int, title: str, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(pages.message_page(title, message, self.room.static_url))

    def send_json(self, value: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(value, ensure_ascii=False))

    def requested_question(self, body: dict[str, Any]) -> tuple[str, Question] | None:
        """The (dashboard, question) named by a JSON request, or None after answering 400 in French."""
        dashboard = str(body.get("tableau"))
        try:
            return dashboard, self.room.dashboard(dashboard).question(str(body.get("question")))
        except KeyError:
            self.send_json({"erreur": "Question inconnue."}, 400)
            return None

    def json_body(self) -> dict[str, Any]:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400) from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400)
        return body

    def write_error(self, status_code: int, **kwargs) -> None:
        messages = {403: "Accès refusé.", 404: "Cette page n'existe pas.", 400: "Requête invalide.",
                    405: "Méthode non permise."}
        message = messages.get(status_code, "Erreur du serveur : réessayez dans un instant.")
        if "/api/" in self.request.path:
            self.send_json({"erreur": message}, status_code)
        else:
            self.page(status_code, "Erreur", message)


class NotFoundHandler(RoomHandler):
    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


class JoinHandler(RoomHandler):
    def get(self) -> None:
        code = self.get_argument("code", "").strip().upper()
        if self.request.path == "/rejoindre":
            if hmac.compare_digest(code, self.room.code):
                self.redirect(f"/s/{self.room.code}")
                return
            self.set_status(400)
            self.finish(pages.join_page(self.room.static_url, f"Code « {code} » inconnu : vérifiez le code affiché."))
            return
        self.finish(pages.join_page(self.room.static_url))


PARTICIPANT_COOKIE = "salle_participant"


def participant_id(handler: RoomHandler, create: bool = False) -> str | None:
    value = handler.get_signed_cookie(PARTICIPANT_COOKIE, max_age_days=2)
    if value:
        return value.decode()
    if not create:
        return None
    pid = secrets.token_urlsafe(16)
    handler.set_signed_cookie(PARTICIPANT_COOKIE, pid, expires_days=1, httponly=True, samesite="Lax")
    return pid


class ParticipantPageHandler(RoomHandler):
    def get(self, code: str) -> None:
        if not hmac.compare_digest(code.upper(), self.room.code):
            self.page(404, "Salle introuvable", "Ce code de salle n'existe pas : vérifiez l'adresse ou le code affiché.")
            return
        pid = participant_id(self, create=True)
        if not self.room.store.join(pid, self.room.settings.places):
            self.page(503, "Salle complète",
                      f"Salle complète : les {self.room.settings.places} places sont prises. Prévenez l'animateur ; "
                      "une place se libère quand un participant quitte la page.")
            return
        self.xsrf_token  # noqa: B018 (sets the _xsrf cookie used by the page's requests)
        self.send_asset(self.room.participant_html)


LONG_POLL_SECONDS = 20


class ParticipantApiHandler(RoomHandler):
    async def get(self, action: str) -> None:
        if action != "etat":
            raise tornado.web.HTTPError(405)
        pid = participant_id(self)
        room = self.room
        if pid is None or not room.store.join(pid, room.settings.places):
            self.send_json({"rejoindre": True})
            return
        # « ?version=N »: the page already shows version N; answer as soon as something changes (step, question),
        # or after LONG_POLL_SECONDS (the participant is then counted present again).
        known = self.get_argument("version", "")
        if known.isdigit() and int(known) == room.version:
            await room.changed.wait(timeout=datetime.timedelta(seconds=LONG_POLL_SECONDS))
            stream = getattr(self.request.connection, "stream", None)
            if stream is not None and stream.closed():
                return
            room.store.touch(pid)
        state: dict[str, Any] = {"question": room.question_state(), "ma_reponse": None, "revele": None,
                                 "etape": room.step_state(), "version": room.version}
        if state["question"] is not None:
            q = state["question"]
            mine = room.store.answer_of(q["tableau"], q["id"], pid)
            state["ma_reponse"] = mine
            if "revele" in q:
                question = room.dashboard(q["tableau"]).question(q["id"])
                juste = mine is not None and question.is_correct(tuple(mine) if isinstance(mine, list) else mine)
                state["revele"] = {**q.pop("revele"), "juste": juste}
        self.send_json(state)

    def post(self, action: str) -> None:
        room = self.room
        if action == "rejoindre":
            pid = participant_id(self, create=True)
            joined = room.store.join(pid, room.settings.places)
            self.send_json({"ok": joined, "complet": not joined})
            return
        pid = participant_id(self)
        if pid is None:
            self.send_json({"erreur": "Rechargez la page pour rejoindre la salle."}, 403)
            return
        if action == "quitter":
            room.store.leave(pid)
            self.send_json({"ok": True})
            return
        if action != "reponse":
            raise tornado.web.HTTPError(404)
        body = self.json_body()
        requested = self.requested_question(body)
        if requested is None:
            return
        dashboard, question = requested
        room.store.touch(pid)
        try:
            value = room.store.answer(dashboard, question, pid, body.get("valeur"))
        except ValueError as exc:
            self.send_json({"erreur": str(exc)}, 400)
            return
        self.send_json({"ok": True, "valeur": value})


class FaviconHandler(RoomHandler):
    def get(self) -> None:
        self.set_status(204)
        self.set_header("Cache-Control", "public, max-age=86400")
        self.finish()


class PublicStateHandler(RoomHandler):
    def get(self) -> None:
        self.send_json(self.room.public_state())


class AssetHandler(RoomHandler):
    def get(self, name: str) -> None:
        asset = self.room.assets.get(name)
        if asset is None:
            raise tornado.web.HTTPError(404)
        self.send_asset(asset, cache="public, max-age=31536000, immutable")


FACILITATOR_COOKIE = "salle_animateur"


class FacilitatorHandler(RoomHandler):
    def is_facilitator(self) -> bool:
        value = self.get_signed_cookie(FACILITATOR_COOKIE, max_age_days=2)
        return value is not None and hmac.compare_digest(value.decode(), self.room.token)

    def prepare(self) -> None:
        token = self.get_argument("jeton", "")
        if token and hmac.compare_digest(token, self.room.token):
            self.set_signed_cookie(FACILITATOR_COOKIE, self.room.token, expires_days=1, httponly=True, samesite="Strict")
            self.redirect(self.request.path)  # the token leaves the address bar
            return
        if not self.is_facilitator():
            message = "Cette page est réservée à l'animateur : ouvrez l'adresse avec le jeton affiché au lancement de la salle."
            if "/api/" in self.request.path:
                self.send_json({"erreur": message}, 403)
            else:
                self.page(403, "Accès réservé à l'animateur", message)


class FacilitatorPageHandler(FacilitatorHandler):
    def get(self) -> None:
        self.xsrf_token  # noqa: B018
        self.send_asset(self.room.facilitator_html)


class ProjectionHandler(FacilitatorHandler):
    def get(self) -> None:
        self.send_asset(self.room.projection_html)


class FacilitatorApiHandler(FacilitatorHandler):
    async def get(self, action: str) -> None:
        if action == "reglages":
            await self.live_settings()
            return
        if action != "etat":
            raise tornado.web.HTTPError(405)
        room = self.room
        state = room.public_state()
        q = state["question"]
        if q is not None:
            state["distribution"] = room.store.distribution(q["tableau"], room.dashboard(q["tableau"]).question(q["id"]))
        self.send_json(state)

    def post(self, action: str) -> None:
        room = self.room
        if action == "fermer":
            room.store.close_question()
            room.notify()
            self.send_json({"ok": True})
            return
        if action == "etape":
            self.move(self.json_body())
            return
        if action == "reglages":
            try:
                key, settings = room.check_live(self.json_body())
            except ValueError as exc:
                self.send_json({"erreur": str(exc)}, 400)
                return
            self.send_json({"ok": True, "numero": room.set_live(key, settings)["numero"]})
            return
        requested = self.requested_question(self.json_body())
        if requested is None:
            return
        dashboard, question = requested
        if action == "ouvrir":
            room.store.open_question(dashboard, question.id)
        elif action == "devoiler":
            if room.store.current() != (dashboard, question.id):
                room.store.open_question(dashboard, question.id)
            room.store.reveal(dashboard, question.id)
        room.notify()
        self.send_json({"ok": True})

    async def live_settings(self) -> None:
        """« reglages?numero=N »: the facilitator's live settings, as soon as they differ from N (projection)."""
        room = self.room
        known = self.get_argument("numero", "")
        if known.isdigit() and int(known) == room.live["numero"]:
            await room.live_changed.wait(timeout=datetime.timedelta(seconds=LONG_POLL_SECONDS))
            stream = getattr(self.request.connection, "stream", None)
            if stream is not None and stream.closed():
                return
        self.send_json(room.live)

    def move(self, body: dict[str, Any]) -> None:
        """« etape »: {"sens": 1 | -1} (next, previous) or {"index": n} (a step of the list, from 0)."""
        room = self.room
        if room.programme is None:
            self.send_json({"erreur": "Cette salle n'a pas de programme (--programme)."}, 400)
            return
        current, total = room.step_index() or 0, len(room.programme.steps)
        sens = body.get("sens")
        target = body.get("index") if "index" in body else (
            current + sens if sens in (1, -1) and not isinstance(sens, bool) else None)
        if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target < total:
            self.send_json({"erreur": f"Étape inconnue : le programme a {total} étapes."}, 400)
            return
        room.go_to_step(target)
        self.send_json({"ok": True, "etape": room.step_state()})


class ReportHandler(FacilitatorHandler):
    """The session report: HTML page, or PDF printed by chromium (``/animateur/rapport.pdf``)."""

    async def get(self, pdf: str) -> None:
        from . import report

        page = report.report_html(self.room)
        if not pdf:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(page)
            return
        try:
            content = await report.print_pdf(page)
        except RuntimeError as exc:
            self.page(503, "Rapport en PDF indisponible", str(exc))
            return
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Disposition", f'attachment; filename="{self.room.session_name}-rapport.pdf"')
        self.finish(content)


class ExportHandler(FacilitatorHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="{self.room.session_name}.csv"')
        self.finish("\ufeff" + self.room.store.export_csv(self.room.dashboards))
