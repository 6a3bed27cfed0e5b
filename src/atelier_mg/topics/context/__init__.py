"""Le contexte de la médecine générale : démographie des médecins, besoins de santé, capacité d'un territoire."""
