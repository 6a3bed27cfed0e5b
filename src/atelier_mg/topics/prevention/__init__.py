"""Prévention : les quatre niveaux (Jamoulle) et le classement de vignettes, la cascade de dépistage."""
