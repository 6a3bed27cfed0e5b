"""Patientèle d'un médecin traitant : indicateurs de prévention, forfait médecin traitant, fichiers, patientèle fictive."""
