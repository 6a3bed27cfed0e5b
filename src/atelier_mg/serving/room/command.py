"""Lancer une salle : tout préparer, puis annoncer « Salle prête » avec les adresses à donner."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from ...core.errors import UserError
from ..server import check_port
from . import definition, report
from .app import Room, RoomSettings
from .definition import RoomDefinitionError
from .programme import ProgrammeError


def open_room(settings: RoomSettings) -> Room:
    try:
        return Room(settings)
    except (RoomDefinitionError, ProgrammeError) as exc:
        raise UserError(str(exc)) from None


def list_rooms(root: Path) -> str:
    """``atelier salle --liste``: every dashboard a room can serve, its simulators and questions."""
    folder = root / "dashboards"
    lines = ["Tableaux de bord disponibles pour une salle (à combiner librement, par exemple :",
             "  atelier salle ecologie depistage --places 30) :"]
    for name in definition.available(folder):
        try:
            room = definition.load(name, folder)
        except RoomDefinitionError as exc:
            lines.append(f"  {name:<22} fichier invalide : {str(exc).splitlines()[0]}")
            continue
        lines.append(f"  {name:<22} {room.title} ({len(room.simulators)} simulateur(s), "
                     f"{len(room.questions)} questions ; chapitre {room.chapter})")
    programmes = sorted((root / "seances").glob("*.yaml"))
    if programmes:
        lines.append("Programmes de séance prêts (atelier salle --programme seances/<nom>.yaml) :")
        lines += [f"  seances/{p.name}" for p in programmes]
    return "\n".join(lines)


def announce(room: Room) -> str:
    s = room.settings
    steps = f"Programme : {len(room.programme.steps)} étapes, {room.programme.minutes:g} minutes.\n" if room.programme else ""
    return (
        f"\nSalle prête : {room.title} ({s.places} places).\n{steps}"
        f"  Participants : {room.participant_url}   (ou code {room.code} sur {room.base_url}/)\n"
        f"  Animateur    : {room.facilitator_url}\n"
        f"  État         : {room.base_url}/salle/etat\n"
        f"  Projection   : {room.base_url}/animateur/projection   Rapport : {room.base_url}/animateur/rapport\n"
        f"  Réponses     : {room.store.path} (reprendre après un arrêt : --seance {room.session_name})\n"
        "Arrêt : Ctrl+C."
    )


def serve_room(root: Path, dashboards: list[str], places: int, ip: str, port: int, session: str | None = None,
               public_host: str | None = None, sessions_dir: Path | None = None, programme: Path | None = None) -> None:
    """``atelier salle``: prepare the room, listen, then print the addresses."""
    import tornado.ioloop

    check_port(ip, port)
    book = root / "_build" / "html"
    settings = RoomSettings(
        dashboards=dashboards, dashboards_dir=root / "dashboards", sessions_dir=sessions_dir or root / "seances", places=places,
        ip=ip, port=port, session=session, public_host=public_host, book_dir=book if book.is_dir() else None,
        programme=programme,
    )
    print(f"Préparation de la salle ({', '.join(dashboards) or programme}) …", flush=True)
    room = open_room(settings)
    app = room.make_app()
    app.listen(port, address=ip, xheaders=False)
    print(announce(room), flush=True)
    loop = tornado.ioloop.IOLoop.current()
    # Stopped by Ctrl+C or by the system (SIGTERM): the session report is written before leaving.
    signal.signal(signal.SIGTERM, lambda *_: loop.add_callback_from_signal(loop.stop))
    try:
        loop.start()
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    finally:
        try:
            written = report.write_final(room)
            print("Rapport de séance : " + ", ".join(str(p) for p in written), flush=True)
        finally:
            room.store.close()
            if room.voila is not None:
                room.voila.stop()  # the facilitator's kernel and Voilà's connection files
