"""Pourquoi un rendu n'a pas pu être noté, et quoi faire : les messages destinés aux internes.

Every refusal has a stable code (kept in the grading journal), a French explanation and what the
intern should do. ``retours`` shows both; ``exporter`` puts the explanation in Moodle's comment column.
"""

from __future__ import annotations

from dataclasses import dataclass

RESUBMIT = ("Ouvrez le notebook dans JupyterLab, choisissez « Noyau → Redémarrer le noyau et tout exécuter », "
            "vérifiez qu'aucune cellule ne s'arrête sur une erreur, enregistrez (Ctrl+S), puis déposez à nouveau "
            "le fichier .ipynb.")
AS_SAVED = ("Déposez le fichier .ipynb tel que JupyterLab l'enregistre (Fichier → Télécharger), sans l'ouvrir "
            "ni l'enregistrer avec un autre logiciel, puis prévenez votre enseignant.")


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    advice: str

    def render(self, **details: str) -> Refusal:
        return Refusal(self.code, self.message.format(**details), self.advice.format(**details))


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    advice: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "advice": self.advice}


REASONS = {r.code: r for r in (
    Reason("absent", "Aucun notebook « {notebook}.ipynb » dans le rendu.",
           "Déposez le notebook du devoir (le fichier .ipynb que vous avez récupéré et complété)."),
    Reason("vide", "Le fichier rendu « {fichier} » est vide (0 octet).",
           "Enregistrez le notebook dans JupyterLab (Ctrl+S) avant de le déposer. " + AS_SAVED),
    Reason("encodage", "Le fichier rendu « {fichier} » n'est pas un notebook lisible : son texte n'est pas en UTF-8.",
           AS_SAVED),
    Reason("json", "Le fichier rendu « {fichier} » n'est pas un notebook valide : {detail}.", AS_SAVED),
    Reason("format", "Le fichier rendu « {fichier} » n'a pas la structure d'un notebook Jupyter : {detail}.", AS_SAVED),
    Reason("nom", "Le fichier rendu « {fichier} » n'est pas le notebook du devoir « {devoir} » "
           "(attendu : « {notebook}.ipynb »).",
           "Déposez le notebook du devoir que vous avez récupéré, sans le remplacer par un autre fichier."),
    Reason("noyau", "Le notebook arrête son propre noyau Python pendant la cellule « {cellule} » "
           "(par exemple exit(), quit(), os._exit(), os.kill(), ou une consommation de ressources qui le fait arrêter).",
           "Retirez ce code. " + RESUBMIT),
    Reason("temps", "Le notebook n'a pas fini dans le temps accordé ({secondes} s au total) : une cellule "
           "tourne sans fin (« {cellule} »).",
           "Cherchez la boucle qui ne s'arrête pas. " + RESUBMIT),
    Reason("temps_cellule", "La cellule « {cellule} » ne s'est pas arrêtée, même interrompue, dans le temps accordé.",
           "Cherchez la boucle qui ne s'arrête pas dans cette cellule. " + RESUBMIT),
    Reason("sortie", "La cellule « {cellule} » affiche beaucoup trop de texte (plusieurs mégaoctets) : la correction "
           "l'a arrêtée.", "Retirez l'affichage en boucle (print dans une boucle sans fin). " + RESUBMIT),
    Reason("cellules", "Les cellules notées du notebook ont été modifiées, copiées ou ajoutées : leurs métadonnées "
           "nbgrader ne correspondent plus au devoir.",
           "Repartez du notebook distribué (récupérez-le à nouveau), recopiez-y vos réponses dans les cellules prévues, "
           "sans dupliquer ni ajouter de cellule notée. " + RESUBMIT),
    Reason("triche", "Le notebook modifie les outils de vérification utilisés par les tests "
           "({noms}, avant la cellule « {cellule} ») : les tests ne peuvent pas être crus.",
           "Les réponses doivent être calculées sans redéfinir les fonctions de Python, de math, de NumPy "
           "ou de pandas, ni le fonctionnement de Jupyter. " + RESUBMIT),
    Reason("correction", "La correction automatique de ce rendu a échoué pour une raison qui ne dépend pas de vous "
           "({detail}).", "Votre enseignant relance la correction ; vous n'avez rien à faire."),
)}


def refusal(code: str, **details: str) -> Refusal:
    return REASONS[code].render(**details)
