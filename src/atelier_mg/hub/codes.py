"""Codes d'inscription : un code par personne de la promotion, que le DMG distribue (publipostage).

Knowing an identifier of the roster is not enough to claim an account: the first sign-up asks for the person's
code. Codes are made when the roster is imported (``atelier hub`` at each start, for whoever has none yet);
the hub keeps only their bcrypt hash (``hub/codes-inscription.json``, mode 0600); the codes themselves are
written once, for the mail merge, to ``hub/codes-inscription-<date>.csv`` (mode 0600, root only): id, first
name, last name, e-mail, code. The DMG sends each person their code, then deletes that file.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import secrets
import sys
from pathlib import Path

import bcrypt

CODES_FILE = "codes-inscription.json"
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read on paper, typed by hand
LENGTH = 12  # 60 bits


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def normalize(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    os.chmod(path, 0o600)


def load_hashes(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def ensure_codes(state: Path, people: list[tuple[str, str, str, str]]) -> Path | None:
    """Give a code to each (id, first name, last name, e-mail) without one; returns the mail-merge file, if any."""
    store = state / CODES_FILE
    hashes = load_hashes(store)
    fresh = []
    for ident, first, last, email in people:
        if ident in hashes:
            continue
        code = new_code()
        hashes[ident] = bcrypt.hashpw(normalize(code).encode(), bcrypt.gensalt()).decode()
        fresh.append((ident, first, last, email, code))
    if not fresh:
        return None
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M%S")
    export = state / f"codes-inscription-{stamp}.csv"
    rows = [("id", "prenom", "nom", "email", "code")] + fresh
    from io import StringIO

    buffer = StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    _write_private(export, buffer.getvalue())
    _write_private(store, json.dumps(hashes, indent=1, sort_keys=True))
    return export


def check(path: Path, ident: str, code: str) -> bool:
    digest = load_hashes(path).get(ident)
    if not digest or not code:
        return False
    return bcrypt.checkpw(normalize(code).encode(), digest.encode())


def main(argv: list[str]) -> int:
    """``python -m atelier_mg.hub.codes <promotion.csv> <dossier>``: the codes of a hub without ``atelier hub``
    (Kubernetes, ``deploy/kubernetes/values.yaml``), from a roster ``id;prenom;nom;email``."""
    if len(argv) != 2:
        print("Usage : python -m atelier_mg.hub.codes <promotion.csv> <dossier des codes>", file=sys.stderr)
        return 2
    roster, folder = Path(argv[0]), Path(argv[1])
    try:
        with roster.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
        people = [(r["id"].strip(), r.get("prenom", ""), r.get("nom", ""), r.get("email", "")) for r in rows if r.get("id")]
    except (OSError, UnicodeDecodeError, KeyError) as exc:
        print(f"Promotion illisible ({roster}) : fichier CSV « id;prenom;nom;email » attendu ({exc}).", file=sys.stderr)
        return 1
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    export = ensure_codes(folder, people)
    print(f"Codes : {export} (publipostage, puis à effacer) ; empreintes : {folder / CODES_FILE}." if export
          else "Chacun a déjà son code : rien de nouveau.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
