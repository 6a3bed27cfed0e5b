"""Ce que tout le paquet partage : jeux de données et schémas, rendu hors ligne des graphiques,
nombres à la française, éléments d'interface, aides pour le livre, repérage des données identifiantes.

Imports nothing from the other subsystems.
"""
