"""Configuration nbgrader d'Atelier MG.

solutions/<devoir>/  : notebooks sources (avec corrections et tests cachés), réservés aux enseignants
exercises/<devoir>/  : notebooks distribués aux internes, générés par « nbgrader generate_assignment »
"""

import os
from pathlib import Path

import nbgrader.server_extensions.formgrader as _formgrader

import atelier_mg.grading

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.course_id = os.environ.get("ATELIER_COURS", "atelier-mg")  # « atelier hub » : cours du hub
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.db_url = os.environ.get("ATELIER_GRADEBOOK", "sqlite:///gradebook.db")

# Échange entre enseignants et internes (release/fetch/submit/collect) : dossier partagé.
c.Exchange.root = os.environ.get("ATELIER_EXCHANGE", str(Path(__file__).resolve().parent / ".exchange"))

# Ce que voit l'interne à la place des solutions.
c.ClearSolutions.code_stub = {"python": "# VOTRE CODE ICI\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "VOTRE RÉPONSE ICI"

# Exécution des notebooks : délai court (voir les notes sur les blocages de nbclient).
c.ExecutePreprocessor.timeout = 60

# Retours aux internes : gabarit nbgrader sans MathJax chargé depuis un CDN.
c.HTMLExporter.template_name = "feedback_hors_ligne"
c.HTMLExporter.extra_template_basedirs = [
    str(Path(atelier_mg.grading.__file__).parent / "templates"),
    str(Path(_formgrader.__file__).parent / "templates"),
]

# Retours : ni le code des tests cachés, ni leurs messages d'échec (qui citeraient la réponse).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

from atelier_mg.grading.feedback import HideHiddenTestFailures  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTestFailures, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Les corrigés commentés et les clés de correction (cles.yaml) restent dans solutions/ : jamais copiés dans exercises/.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "CORRIGE*.md", "cles*.yaml"]
