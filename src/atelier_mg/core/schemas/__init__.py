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
    COMPETENCES_CNGE,
    COMPORTEMENTS,
    CORRESPONDANCES,
    ETUDES_RELATION_SOIN,
    FAMILLES,
    MAQUETTE,
    MISSIONS,
    NIVEAUX,
    PILIERS,
    REPERES_JURIDIQUES,
    VALEURS,
    VIGNETTES_ETHIQUES,
)
from .demography import ACTIVITE_PEDIATRIQUE, CHIFFRES_PERIODE, DEMOGRAPHIE_MG, PARAMETRES_SIMULATEUR
from .ecology import ECOLOGIE, TERRITOIRES
from .organisation import CHRONOLOGIE_EQUIPE, COMPOSITIONS_EQUIPE, DISPOSITIFS_REMUNERATION, PARAMETRES_EQUIPE
from .pertinence import (
    AGE_BANDS,
    ANTIBIOTHERAPIES,
    CHIFFRES,
    CHIFFRES_SIMPLES,
    CLASSES_TRAITEMENT,
    DELIVRANCE_PHARMACIEN,
    MCISAAC,
    PARAMETRES_ENTIERS,
    POLYMEDICATION,
    PRATIQUE_STRATES,
    PROGRAMMES_PERTINENCE,
    REGLES_DISPOSITIF,
    TAUX_STRATES,
    TESTS_RAPIDES,
    TOP20_REMBOURSEMENT,
    TOP20_VOLUME,
)
from .prevention import (
    ACTES,
    BILAN_PREVENTION,
    CALENDRIER_NOUVEAUTES,
    FORFAIT_MT,
    INDICATEURS_PREVENTION,
    NIVEAUX_PREVENTION,
    PARAMETRES,
    PARAMETRES_BIAIS,
    PATIENTS,
    POPULATION,
    PRESETS_DEPISTAGE,
    PREVENTION_LEVELS,
    VIGNETTES_PREVENTION,
    WILSON_JUNGNER,
)
from .sources import DOCUMENTS_SOURCES, SECTIONS_SOURCES

__all__ = ["AGE_BANDS", "PREVENTION_LEVELS", "SCHEMAS"]

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "taux_strates": TAUX_STRATES,
    "pratique_strates": PRATIQUE_STRATES,
    "regles_dispositif": REGLES_DISPOSITIF,
    "classes_traitement": CLASSES_TRAITEMENT,
    "parametres_entiers": PARAMETRES_ENTIERS,
    "tests_rapides": TESTS_RAPIDES,
    "antibiotherapies": ANTIBIOTHERAPIES,
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
    "parametres_biais_depistage": PARAMETRES_BIAIS,
    "criteres_wilson_jungner": WILSON_JUNGNER,
    "bilan_prevention": BILAN_PREVENTION,
    "calendrier_vaccinal_nouveautes": CALENDRIER_NOUVEAUTES,
    "missions": MISSIONS,
    "valeurs": VALEURS,
    "piliers": PILIERS,
    "cas_exercice": CAS_EXERCICE,
    "vignettes_ethiques": VIGNETTES_ETHIQUES,
    "etudes_relation_soin": ETUDES_RELATION_SOIN,
    "reperes_juridiques": REPERES_JURIDIQUES,
    "cadres": CADRES,
    "correspondances": CORRESPONDANCES,
    "ecologie": ECOLOGIE,
    "territoires_ecologie": TERRITOIRES,
    "competences": COMPETENCES,
    "comportements": COMPORTEMENTS,
    "familles": FAMILLES,
    "niveaux": NIVEAUX,
    "documents_sources": DOCUMENTS_SOURCES,
    "sections_sources": SECTIONS_SOURCES,
    "maquette": MAQUETTE,
    "competences_cnge": COMPETENCES_CNGE,
    "parametres_equipe": PARAMETRES_EQUIPE,
    "compositions_equipe": COMPOSITIONS_EQUIPE,
    "chronologie_equipe": CHRONOLOGIE_EQUIPE,
    "dispositifs_remuneration": DISPOSITIFS_REMUNERATION,
    "demographie_mg": DEMOGRAPHIE_MG,
    "activite_pediatrique": ACTIVITE_PEDIATRIQUE,
    "chiffres_periode": CHIFFRES_PERIODE,
    "parametres_simulateur": PARAMETRES_SIMULATEUR,
}
