"""L'erreur que l'utilisateur peut corriger lui-même : affichée en français, sans trace Python."""


class UserError(Exception):
    """An error the user can fix (wrong folder, busy port, failed build); shown in French without a traceback."""
