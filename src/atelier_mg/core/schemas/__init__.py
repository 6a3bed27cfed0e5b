"""Schémas pandera des jeux de données (noms de colonnes en français, visibles des apprenants).

Every check carries a French ``error`` text: it is what the learner reads when a file is wrong.
The ``schema`` key of a dataset's metadata names one entry of :data:`SCHEMAS`.
"""

from __future__ import annotations

import pandera.pandas as pa

from .competencies import (
    CADRES,
    CAS_EXERCICE,
    COMPETENCES,
    COMPORTEMENTS,
    CORRESPONDANCES,
    FAMILLES,
    MISSIONS,
    NIVEAUX,
    PILIERS,
    VALEURS,
)
from .ecology import ECOLOGIE, TERRITOIRES
from .pertinence import (
    AGE_BANDS,
    CHIFFRES,
    CHIFFRES_SIMPLES,
    CLASSES_TRAITEMENT,
    DELIVRANCE_PHARMACIEN,
    MCISAAC,
    PARAMETRES_ENTIERS,
    POLYMEDICATION,
    PRATIQUE_STRATES,
    PROGRAMMES_PERTINENCE,
    TAUX_STRATES,
    TESTS_RAPIDES,
    TOP20_REMBOURSEMENT,
    TOP20_VOLUME,
)
from .prevention import (
    ACTES,
    FORFAIT_MT,
    INDICATEURS_PREVENTION,
    NIVEAUX_PREVENTION,
    PARAMETRES,
    PATIENTS,
    POPULATION,
    PRESETS_DEPISTAGE,
    PREVENTION_LEVELS,
    VIGNETTES_PREVENTION,
)

__all__ = ["AGE_BANDS", "PREVENTION_LEVELS", "SCHEMAS"]

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "taux_strates": TAUX_STRATES,
    "pratique_strates": PRATIQUE_STRATES,
    "classes_traitement": CLASSES_TRAITEMENT,
    "parametres_entiers": PARAMETRES_ENTIERS,
    "tests_rapides": TESTS_RAPIDES,
    "delivrance_pharmacien": DELIVRANCE_PHARMACIEN,
    "mcisaac": MCISAAC,
    "programmes_pertinence": PROGRAMMES_PERTINENCE,
    "indicateurs_chiffres": CHIFFRES,
    "indicateurs_chiffres_simples": CHIFFRES_SIMPLES,
    "polymedication": POLYMEDICATION,
    "top20_volume": TOP20_VOLUME,
    "top20_remboursement": TOP20_REMBOURSEMENT,
    "niveaux_prevention": NIVEAUX_PREVENTION,
    "indicateurs_prevention": INDICATEURS_PREVENTION,
    "forfait_mt": FORFAIT_MT,
    "population": POPULATION,
    "parametres": PARAMETRES,
    "patients": PATIENTS,
    "actes": ACTES,
    "vignettes_prevention": VIGNETTES_PREVENTION,
    "presets_depistage": PRESETS_DEPISTAGE,
    "missions": MISSIONS,
    "valeurs": VALEURS,
    "piliers": PILIERS,
    "cas_exercice": CAS_EXERCICE,
    "cadres": CADRES,
    "correspondances": CORRESPONDANCES,
    "ecologie": ECOLOGIE,
    "territoires_ecologie": TERRITOIRES,
    "competences": COMPETENCES,
    "comportements": COMPORTEMENTS,
    "familles": FAMILLES,
    "niveaux": NIVEAUX,
}
