"""``atelier correction`` : les commandes du DMG (aujourd'hui : importer la promotion)."""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import UserError
from .roster import RosterError, import_roster


def gradebook_url(root: Path, url: str | None = None) -> str:
    """The gradebook: ``--base``, else ``$ATELIER_GRADEBOOK``, else the course's ``gradebook.db`` (as nbgrader_config)."""
    return url or os.environ.get("ATELIER_GRADEBOOK") or f"sqlite:///{root / 'gradebook.db'}"


def import_promotion(root: Path, path: Path, url: str | None = None) -> None:
    try:
        added, updated = import_roster(path, gradebook_url(root, url))
    except RosterError as exc:
        raise UserError(str(exc)) from None
    print(f"Promotion importée depuis {path.name} : {added} interne(s) ajouté(s), {updated} mis à jour.", flush=True)
