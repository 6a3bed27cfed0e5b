"""Connexion : comptes locaux de nativeauthenticator, réservés aux personnes de la promotion et aux enseignants.

An intern chooses a password at first login (``/hub/signup``), only for an identifier of the roster
(``allowed_users``); pages and messages are in French (``templates/``). For the faculty's Moodle, LTI 1.3
(``jupyterhub-ltiauthenticator``) is documented in the README as configuration: ``[lti]`` in ``hub.toml``.
"""

from __future__ import annotations

from nativeauthenticator import NativeAuthenticator


class AtelierAuthenticator(NativeAuthenticator):
    """NativeAuthenticator where only the promotion's identifiers may sign up."""

    def validate_username(self, username: str) -> bool:
        if self.allowed_users and username not in self.allowed_users:
            return False
        return super().validate_username(username)
