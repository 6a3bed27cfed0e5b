"""Un module (ou sous-paquet) par notion enseignée : modèle pur, graphique Altair, interface ipywidgets mince.

Topics import :mod:`atelier_mg.core`; a topic may use another topic's public functions (pertinence uses
the shared patientèle generator), never its private names.
"""
