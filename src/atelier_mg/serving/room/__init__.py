"""La salle de DPC en direct (``atelier salle``) : pages sans noyau, questions, réponses en direct."""
