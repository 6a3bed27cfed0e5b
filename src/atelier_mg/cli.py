"""Commande ``atelier`` : lit la ligne de commande et délègue aux sous-systèmes (rien d'autre ici)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .core.errors import UserError
from .core.paths import find_root

BASE_HELP = "base de notes : sqlite:///chemin.db ou postgresql://… (par défaut : gradebook.db du dépôt)"


def _french_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » (format AAAA-MM-JJ)") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="atelier",
        description="Atelier MG : livre interactif, simulateurs et tableaux de bord de médecine générale.",
    )
    p.add_argument("--racine", type=Path, default=None, help="dossier du dépôt (par défaut : détecté)")
    sub = p.add_subparsers(dest="commande", required=True, metavar="commande")

    p_build = sub.add_parser("build", help="construire le livre dans _build/html")
    p_build.add_argument("--propre", action="store_true", help="repartir de zéro (efface _build, cache compris)")

    p_serve = sub.add_parser("serve", help="servir le livre et les tableaux de bord en direct")
    p_serve.add_argument("--ip", default="127.0.0.1", help="adresse d'écoute (par défaut 127.0.0.1)")
    p_serve.add_argument("--port", type=int, default=8866, help="port (par défaut 8866)")
    p_serve.add_argument("--sans-construction", action="store_true", help="ne pas reconstruire le livre")

    p_salle = sub.add_parser("salle", help="animer une séance de DPC : une salle de participants sur le réseau local")
    p_salle.add_argument("tableaux", nargs="*", metavar="tableau",
                         help="tableaux de bord de la séance (par exemple : ecologie tester_ou_traiter)")
    p_salle.add_argument("--liste", action="store_true", help="lister les tableaux de bord qu'une salle peut servir")
    p_salle.add_argument("--programme", type=Path, default=None,
                         help="programme de la séance, étape par étape (par exemple : seances/antibiotiques.yaml)")
    p_salle.add_argument("--places", type=int, default=30, help="nombre de participants au plus (par défaut 30)")
    p_salle.add_argument("--ip", default="0.0.0.0",
                         help="adresse d'écoute (par défaut 0.0.0.0 : tout le réseau local ; 127.0.0.1 pour essayer seul)")
    p_salle.add_argument("--port", type=int, default=8870, help="port (par défaut 8870)")
    p_salle.add_argument("--seance", default=None, help="nom de la séance : le même nom reprend une séance interrompue")
    p_salle.add_argument("--dossier-seances", type=Path, default=None,
                         help="où enregistrer les réponses (par défaut : le dossier seances/ du dépôt)")
    p_salle.add_argument("--adresse-publique", default=None,
                         help="adresse à mettre dans le QR code (par défaut : l'adresse de cet ordinateur sur le réseau)")

    p_corr = sub.add_parser("correction", help="corriger les devoirs d'une promotion (DMG)")
    corr = p_corr.add_subparsers(dest="action", required=True, metavar="action")
    p_roster = corr.add_parser("importer-promotion", help="importer la liste des internes (CSV, ou export Moodle)")
    p_roster.add_argument("fichier", type=Path, help="CSV : id;prenom;nom;email, l'export « Participants » de Moodle, "
                          "ou la feuille d'évaluation du devoir Moodle")
    p_roster.add_argument("--feuille", type=Path, default=None,
                          help="feuille d'évaluation du devoir Moodle : seuls ses étudiants sont gardés "
                               "de l'export « Participants »")
    p_roster.add_argument("--base", default=None, help=BASE_HELP)
    p_subs = corr.add_parser("importer-rendus", help="importer les rendus d'un devoir (zip Moodle, dossier, échange nbgrader)")
    p_subs.add_argument("devoir", help="nom du devoir (par exemple : ecologie)")
    p_subs.add_argument("source", type=Path, nargs="?", default=None,
                        help="le zip « Télécharger tous les travaux remis » de Moodle, ou un dossier")
    p_subs.add_argument("--feuille", type=Path, default=None,
                        help="feuille d'évaluation Moodle du devoir (CSV) : rattache les rendus par courriel plutôt que par nom")
    p_subs.add_argument("--echange", action="store_true", help="ramasser les rendus dans l'échange nbgrader (JupyterHub)")
    p_subs.add_argument("--base", default=None, help=BASE_HELP)
    p_grade = corr.add_parser("noter", help="noter tous les rendus d'un devoir, en parallèle, dans un bac à sable")
    p_grade.add_argument("devoir")
    p_grade.add_argument("--force", action="store_true", help="noter à nouveau les rendus déjà notés")
    p_grade.add_argument("--cles", type=Path, default=None,
                         help="fichier (ou dossier) de clés de correction privées, au lieu de solutions/<devoir>/cles.yaml")
    p_grade.add_argument("--sans-bac-a-sable", action="store_true",
                         help="exécuter sans bubblewrap (rendus de confiance seulement : le code s'exécute avec vos droits)")
    p_grade.add_argument("--processus", type=int, default=None,
                         help="nombre de rendus notés en même temps (par défaut : un par cœur)")
    p_grade.add_argument("--delai", type=int, default=15, help="secondes accordées à chaque cellule (par défaut 15)")
    p_grade.add_argument("--base", default=None, help=BASE_HELP)
    p_back = corr.add_parser("retours", help="produire un retour HTML en français par interne")
    p_back.add_argument("devoir")
    p_back.add_argument("--processus", type=int, default=None)
    p_back.add_argument("--base", default=None, help=BASE_HELP)
    p_export = corr.add_parser("exporter", help="notes pour Moodle, détail par question et par étiquette, synthèse")
    p_export.add_argument("devoir")
    p_export.add_argument("--feuille", type=Path, default=None,
                          help="feuille d'évaluation téléchargée depuis le devoir Moodle : remplie telle quelle")
    p_export.add_argument("--sur", type=float, default=None,
                          help="sans --feuille : la note maximale du devoir Moodle "
                               "(avec --feuille, elle est lue dans la feuille)")
    p_export.add_argument("--langue", choices=["fr", "en"], default="fr",
                          help="sans --feuille : langue du site Moodle, pour les intitulés des colonnes (par défaut fr)")
    p_export.add_argument("--base", default=None, help=BASE_HELP)

    p_hub = sub.add_parser("hub", help="l'espace de travail de la promotion : JupyterHub en français (faculté)",
                           description="Sans action : prépare les comptes et démarre le hub. Actions enseignant : "
                           "publier <devoir>, retours <devoir> (diffuse les retours), correction <…> "
                           "(« atelier correction » sur le cours du hub).")
    p_hub.add_argument("--reglages", type=Path, default=Path("hub.toml"),
                       help="fichier de réglages (par défaut : hub.toml ; modèle : src/atelier_mg/hub/hub.exemple.toml)")
    p_hub.add_argument("action", nargs="?", default="demarrer", choices=["demarrer", "publier", "retours", "correction"])
    p_hub.add_argument("arguments", nargs=argparse.REMAINDER, help="le devoir, ou les arguments d'« atelier correction »")

    p_src = sub.add_parser("verifier-sources", help="lister les chiffres vérifiés il y a plus de N mois, et leurs chapitres",
                           description="Pour préparer un semestre : chaque jeu de données de data/ dont la dernière "
                           "vérification date de plus de N mois, l'adresse où le revérifier et les chapitres qui "
                           "l'utilisent (d'après la dernière construction du livre).")
    p_src.add_argument("--mois", type=int, default=6, help="ancienneté au-delà de laquelle revérifier (par défaut 6)")
    p_src.add_argument("--chapitre", default=None, help="seulement les jeux de données de ce chapitre (par exemple : ecologie)")
    p_src.add_argument("--au", type=_french_day, default=None, metavar="AAAA-MM-JJ",
                       help="date de référence, par exemple la rentrée du semestre (par défaut : aujourd'hui)")
    p_src.add_argument("--strict", action="store_true", help="code de sortie 1 s'il reste quelque chose à revérifier")

    p_lab = sub.add_parser("lab", help="ouvrir JupyterLab sur le dépôt (exercices, simulateurs)")
    p_lab.add_argument("--ip", default="127.0.0.1")
    p_lab.add_argument("--port", type=int, default=8888)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        root = args.racine.resolve() if args.racine else find_root()
        if args.commande == "build":
            from .serving.book import build

            build(root, clean=args.propre)
        elif args.commande == "serve":
            from .serving.server import serve

            serve(root, args.ip, args.port, rebuild=not args.sans_construction)
        elif args.commande == "salle":
            from .serving.room.command import list_rooms, serve_room

            if args.liste:
                print(list_rooms(root))
                return 0
            serve_room(root, args.tableaux, args.places, args.ip, args.port, args.seance, args.adresse_publique,
                       args.dossier_seances, programme=args.programme)
        elif args.commande == "correction":
            from .grading import command

            if args.action == "importer-promotion":
                command.import_promotion(root, args.fichier, args.base, args.feuille)
            elif args.action == "importer-rendus":
                command.import_submissions(root, args.devoir, args.source, args.base, args.feuille, args.echange)
            elif args.action == "noter":
                command.grade(root, args.devoir, args.base, args.force, args.sans_bac_a_sable, args.processus, args.delai,
                              args.cles)
            elif args.action == "retours":
                command.feedback(root, args.devoir, args.base, args.processus)
            elif args.action == "exporter":
                command.export(root, args.devoir, args.base, args.feuille, args.sur, args.langue)
        elif args.commande == "hub":
            from .hub import command as hub

            if args.action == "demarrer":
                return hub.hub(root, args.reglages)
            if args.action == "correction":
                return hub.correction(root, args.reglages, args.arguments)
            if len(args.arguments) != 1:
                raise UserError(f"atelier hub {args.action} : nommez un devoir (par exemple : ecologie).")
            run = hub.publish if args.action == "publier" else hub.release_feedback
            run(root, args.reglages, args.arguments[0])
        elif args.commande == "verifier-sources":
            from .core.freshness import report

            return report(root, args.mois, args.chapitre, args.au, args.strict)
        elif args.commande == "lab":
            from .serving.lab import lab

            return lab(root, args.ip, args.port)
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nArrêt demandé.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
