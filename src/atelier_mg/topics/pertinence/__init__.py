"""Pertinence des soins : antibiotiques (tester ou traiter), polymédication et déprescription, sobriété."""
