"""Lancer une salle : tout préparer, puis annoncer « Salle prête » avec les adresses à donner."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ...core.errors import UserError
from ..server import check_port
from .app import Room, RoomSettings
from .definition import RoomDefinitionError


def open_room(settings: RoomSettings) -> Room:
    try:
        return Room(settings)
    except RoomDefinitionError as exc:
        raise UserError(str(exc)) from None


def announce(room: Room) -> str:
    s = room.settings
    return (
        f"\nSalle prête : {room.title} ({s.places} places).\n"
        f"  Participants : {room.participant_url}   (ou code {room.code} sur {room.base_url}/)\n"
        f"  Animateur    : {room.facilitator_url}\n"
        f"  État         : {room.base_url}/salle/etat\n"
        f"  Réponses     : {room.store.path} (reprendre après un arrêt : --seance {room.session_name})\n"
        "Arrêt : Ctrl+C."
    )


def serve_room(root: Path, dashboards: list[str], places: int, ip: str, port: int, session: str | None = None,
               public_host: str | None = None, sessions_dir: Path | None = None) -> None:
    """``atelier salle``: prepare the room, listen, then print the addresses."""
    import tornado.ioloop

    check_port(ip, port)
    book = root / "_build" / "html"
    settings = RoomSettings(
        dashboards=dashboards, dashboards_dir=root / "dashboards", sessions_dir=sessions_dir or root / "seances", places=places,
        ip=ip, port=port, session=session, public_host=public_host, book_dir=book if book.is_dir() else None,
    )
    print(f"Préparation de la salle ({', '.join(dashboards)}) …", flush=True)
    room = open_room(settings)
    app = room.make_app()
    app.listen(port, address=ip, xheaders=False)
    print(announce(room), flush=True)
    try:
        tornado.ioloop.IOLoop.current().start()
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    finally:
        room.store.close()
