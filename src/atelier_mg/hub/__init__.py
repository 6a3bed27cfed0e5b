"""« atelier hub » : l'espace de travail de la promotion (JupyterHub en français, nbgrader, livre)."""
