"""Le fichier de réglages du hub (``hub.toml``) : lu, vérifié, expliqué en français en cas d'erreur.

Example (every key is documented in French in ``hub.exemple.toml`` next to this module)::

    cours = "atelier-mg"
    promotion = "promotion.csv"
    enseignants = ["dupont"]
    adresse = "127.0.0.1"
    port = 8000
    dossier = "/srv/atelier-hub"

Relative paths are relative to the settings file. Every problem is reported at once, each on its line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import UserError

EXAMPLE = Path(__file__).parent / "hub.exemple.toml"
NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
COURSE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
SIZE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([KMGT]?)(?:i?[Bo]?)?\s*$", re.IGNORECASE)
KNOWN = {"cours", "promotion", "enseignants", "adresse", "port", "dossier", "inscription", "limites", "lti", "salle",
         "enseignants_administrateurs", "reseau"}
NETWORK = {"isoler", "sous_reseau"}
LIMITS = {"memoire", "memoire_totale", "processeurs", "inactivite_minutes", "demarrage_secondes", "processus", "disque",
          "disque_echange"}
MIN_DISK = 32 * 1024**2
ROOM = {"adresse", "port"}
LTI = {"emetteur", "client_id", "url_autorisation", "url_jwks", "champ_identifiant"}


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 2 * 1024**3
    cpus: float = 1.0
    idle_seconds: int = 3600
    start_seconds: int = 120
    processes: int = 256
    total_bytes: int = 0  # memory the JupyterLabs may take together (« memoire_totale »); 0: no bound
    disk_bytes: int = 0  # each home's own file system (« disque », disk.py); 0: the host's, no bound
    exchange_bytes: int = 0  # the exchange's own file system (« disque_echange »); 0: the host's, no bound

    @property
    def places(self) -> int:
        """How many JupyterLabs may run at once, each counted at its limit (0: no bound)."""
        return self.total_bytes // self.memory_bytes if self.total_bytes else 0


@dataclass(frozen=True)
class HubSettings:
    path: Path
    course_id: str
    roster: Path
    teachers: tuple[str, ...]
    ip: str
    port: int
    data_dir: Path
    open_signup: bool = True
    limits: Limits = field(default_factory=Limits)
    lti: dict[str, str] | None = None
    room_ip: str = "127.0.0.1"  # the DPC room started from the hub (« [salle] »): where participants connect
    room_port: int = 8870
    teachers_admin: bool = False  # « enseignants_administrateurs »: teachers may open interns' servers
    subnet: str | None = "10.213.0.0/16"  # « [reseau] »: one network namespace per server (network.py); None: shared

    @property
    def exchange(self) -> Path:
        return self.data_dir / "echange"

    @property
    def homes(self) -> Path:
        return self.data_dir / "internes"

    @property
    def state(self) -> Path:
        return self.data_dir / "hub"

    @property
    def grades(self) -> Path:
        """The teachers' folder (group ``formgrade-<cours>``): nbgrader's gradebook and its journal."""
        return self.data_dir / "notes"

    @property
    def gradebook(self) -> str:
        return f"sqlite:///{self.grades / 'gradebook.db'}"


def parse_size(text: object) -> int:
    """« 2G », « 512 Mo », « 1,5 Gio » → bytes; ValueError otherwise."""
    match = SIZE.match(str(text))
    if not match:
        raise ValueError(text)
    number = float(match.group(1).replace(",", "."))
    return int(number * 1024 ** " KMGT".index(match.group(2).upper() or " "))


def load(path: Path) -> HubSettings:
    """Read and check the settings file; :class:`UserError` listing every problem, in French."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"Fichier de réglages introuvable : {path} (modèle commenté : {EXAMPLE}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path.name} : fichier illisible ({exc}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path.name} : syntaxe TOML invalide ({exc}). Comparez avec le modèle {EXAMPLE}.") from None
    problems: list[str] = []
    base = path.resolve().parent

    def need(key: str, kind: type, what: str) -> object:
        value = data.get(key)
        if value is None:
            problems.append(f"« {key} » manque : {what}.")
        elif not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            problems.append(f"« {key} » : {what} (valeur lue : {value!r}).")
            return None
        return value

    for key in sorted(set(data) - KNOWN):
        problems.append(f"« {key} » : réglage inconnu (réglages possibles : {', '.join(sorted(KNOWN))}).")
    course = need("cours", str, "identifiant du cours, en minuscules (par exemple « atelier-mg »)")
    if isinstance(course, str) and not COURSE.match(course):
        problems.append(f"« cours » : « {course} » doit être en minuscules, chiffres, « - » ou « _ » (40 caractères au plus).")
    roster = need("promotion", str, "chemin du fichier de la promotion (CSV ou export Moodle)")
    roster_path = (base / roster) if isinstance(roster, str) else None
    if roster_path is not None and not roster_path.is_file():
        problems.append(f"« promotion » : fichier introuvable ({roster_path}).")
    teachers = need("enseignants", list, "liste des identifiants des enseignants, par exemple [\"dupont\"]")
    if isinstance(teachers, list):
        if not teachers:
            problems.append("« enseignants » : nommez au moins un enseignant.")
        for name in teachers:
            if not isinstance(name, str) or not NAME.match(name):
                problems.append(f"« enseignants » : identifiant invalide {name!r} (minuscules, chiffres, « . _ - @ »).")
    ip = data.get("adresse", "127.0.0.1")
    if not isinstance(ip, str) or not ip:
        problems.append(f"« adresse » : adresse d'écoute attendue, par exemple « 127.0.0.1 » (valeur lue : {ip!r}).")
    port = data.get("port", 8000)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        problems.append(f"« port » : nombre entre 1 et 65535 attendu (valeur lue : {port!r}).")
    folder = need("dossier", str, "dossier des données du hub (comptes, échange, travaux des internes)")
    signup = data.get("inscription", "ouverte")
    if signup not in ("ouverte", "validee"):
        problems.append(f"« inscription » : « ouverte » ou « validee » attendu (valeur lue : {signup!r}).")
    admin = data.get("enseignants_administrateurs", False)
    if not isinstance(admin, bool):
        problems.append(f"« enseignants_administrateurs » : true ou false attendu (valeur lue : {admin!r}).")
        admin = False
    if signup == "validee" and not admin:
        problems.append("« inscription = \"validee\" » : la page de validation des comptes est réservée aux "
                        "administrateurs du hub ; ajoutez « enseignants_administrateurs = true » (les enseignants "
                        "pourront alors aussi ouvrir les JupyterLab des internes) ou gardez « ouverte ».")
    limits = _limits(data.get("limites", {}), problems)
    subnet = _network(data.get("reseau", {}), problems)
    lti = data.get("lti")
    if lti is not None:
        if not isinstance(lti, dict):
            problems.append("« lti » : section [lti] attendue.")
        else:
            for key in sorted(LTI - set(lti)):
                problems.append(f"[lti] « {key} » manque.")
            for key in sorted(set(lti) - LTI):
                problems.append(f"[lti] « {key} » : réglage inconnu.")
    room = data.get("salle", {})
    room_ip, room_port = ip, 8870
    if not isinstance(room, dict):
        problems.append("« salle » : section [salle] attendue.")
    else:
        for key in sorted(set(room) - ROOM):
            problems.append(f"[salle] « {key} » : réglage inconnu (possibles : {', '.join(sorted(ROOM))}).")
        room_ip = room.get("adresse", ip)
        if not isinstance(room_ip, str) or not room_ip:
            problems.append(f"[salle] « adresse » : adresse d'écoute attendue, par exemple « 0.0.0.0 » "
                            f"(valeur lue : {room_ip!r}).")
        room_port = room.get("port", 8870)
        if not isinstance(room_port, int) or isinstance(room_port, bool) or not 1 <= room_port <= 65535 or \
                isinstance(port, int) and port <= room_port <= port + 4:
            problems.append(f"[salle] « port » : nombre entre 1 et 65535, hors des ports du hub (port à port+4) attendu "
                            f"(valeur lue : {room_port!r}).")
    if problems:
        raise UserError(f"{path.name} : réglages à corriger :\n" + "\n".join(f"  - {p}" for p in problems))
    return HubSettings(path=path.resolve(), course_id=course, roster=roster_path, teachers=tuple(teachers), ip=ip,
                       port=port, data_dir=(base / folder).resolve(), open_signup=signup == "ouverte", limits=limits,
                       lti=lti, room_ip=room_ip, room_port=room_port, teachers_admin=admin,
                       subnet=subnet)


def _network(section: object, problems: list[str]) -> str | None:
    import ipaddress

    default = HubSettings.__dataclass_fields__["subnet"].default
    if not isinstance(section, dict):
        problems.append("« reseau » : section [reseau] attendue.")
        return default
    for key in sorted(set(section) - NETWORK):
        problems.append(f"[reseau] « {key} » : réglage inconnu (possibles : {', '.join(sorted(NETWORK))}).")
    isolate = section.get("isoler", True)
    if not isinstance(isolate, bool):
        problems.append(f"[reseau] « isoler » : true ou false attendu (valeur lue : {isolate!r}).")
    subnet = section.get("sous_reseau", default)
    try:
        net = ipaddress.ip_network(subnet)
        if net.version != 4 or net.prefixlen > 16 or not net.is_private:
            raise ValueError(subnet)
    except (TypeError, ValueError):
        problems.append(f"[reseau] « sous_reseau » : réseau IPv4 privé de 65 536 adresses au moins attendu, par exemple "
                        f"« 10.213.0.0/16 » (valeur lue : {subnet!r}).")
        return default
    return str(net) if isolate is not False else None


def _limits(section: object, problems: list[str]) -> Limits:
    if not isinstance(section, dict):
        problems.append("« limites » : section [limites] attendue.")
        return Limits()
    for key in sorted(set(section) - LIMITS):
        problems.append(f"[limites] « {key} » : réglage inconnu (possibles : {', '.join(sorted(LIMITS))}).")
    default = Limits()
    memory = default.memory_bytes
    if "memoire" in section:
        try:
            memory = parse_size(section["memoire"])
        except ValueError:
            memory = 0
        if memory < 256 * 1024**2:
            problems.append(f"[limites] « memoire » : taille d'au moins 256 Mo attendue, par exemple « 2G » "
                            f"(valeur lue : {section['memoire']!r}).")
    cpus = section.get("processeurs", default.cpus)
    if not isinstance(cpus, (int, float)) or isinstance(cpus, bool) or cpus <= 0:
        problems.append(f"[limites] « processeurs » : nombre positif attendu, par exemple 1 ou 0.5 (valeur lue : {cpus!r}).")
        cpus = default.cpus
    idle = section.get("inactivite_minutes", default.idle_seconds // 60)
    if not isinstance(idle, int) or isinstance(idle, bool) or idle < 1:
        problems.append(f"[limites] « inactivite_minutes » : nombre entier de minutes attendu (valeur lue : {idle!r}).")
        idle = default.idle_seconds // 60
    start = section.get("demarrage_secondes", default.start_seconds)
    if not isinstance(start, int) or isinstance(start, bool) or start < 30:
        problems.append(f"[limites] « demarrage_secondes » : nombre entier de secondes, 30 au moins, attendu "
                        f"(valeur lue : {start!r}).")
        start = default.start_seconds
    processes = section.get("processus", default.processes)
    if not isinstance(processes, int) or isinstance(processes, bool) or processes < 64:
        problems.append(f"[limites] « processus » : nombre entier, 64 au moins, attendu (valeur lue : {processes!r}).")
        processes = default.processes
    total = 0
    if "memoire_totale" in section:
        try:
            total = parse_size(section["memoire_totale"])
        except ValueError:
            total = -1
        if total < memory:
            problems.append(f"[limites] « memoire_totale » : taille au moins égale à « memoire » attendue, par exemple "
                            f"« 20G » (valeur lue : {section['memoire_totale']!r}).")
            total = 0
    disks = {}
    for key in ("disque", "disque_echange"):
        disks[key] = 0
        if key in section:
            try:
                disks[key] = parse_size(section[key])
            except ValueError:
                disks[key] = -1
            if disks[key] < MIN_DISK:
                problems.append(f"[limites] « {key} » : taille d'au moins 32 Mo attendue, par exemple « 2G » "
                                f"(valeur lue : {section[key]!r}).")
                disks[key] = 0
    return Limits(memory_bytes=memory, cpus=float(cpus), idle_seconds=idle * 60, start_seconds=start,
                  processes=processes, total_bytes=total, disk_bytes=disks["disque"],
                  exchange_bytes=disks["disque_echange"])
