"""Connexion : comptes locaux de nativeauthenticator, réservés aux personnes de la promotion et aux enseignants.

An intern chooses a password at first login (``/hub/signup``), only for an identifier of the roster
(``allowed_users``) and with the sign-up code the DMG gave them (``codes.py``): knowing someone's identifier is not
enough to claim their account. Failed logins are counted per identifier *and* per client address (the proxy's
``X-Forwarded-For``): five failures block that address for a minute, with a French message, and nobody else can
keep a named intern locked out. Pages and messages are in French (``templates/``). For the faculty's Moodle,
LTI 1.3 (``jupyterhub-ltiauthenticator``) is documented in the README as configuration: ``[lti]`` in ``hub.toml``.
"""

from __future__ import annotations

from pathlib import Path

from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import LoginHandler, SignUpHandler
from traitlets import Unicode

from . import codes

BAD_CODE = ("Code d'inscription incorrect : c'est le code personnel que le département de médecine générale vous a "
            "envoyé avec votre identifiant (12 lettres et chiffres). Sans ce code, demandez-le au DMG.")
BLOCKED = ("Trop d'essais : la connexion à ce compte est bloquée une minute depuis cet appareil (elle reste possible "
           "depuis un autre). Réessayez dans une minute.")


class CodeSignUpHandler(SignUpHandler):
    """The sign-up page, which first checks the person's sign-up code."""

    async def post(self):
        auth = self.authenticator
        username = auth.normalize_username(self.get_body_argument("username", "", strip=False))
        code = self.get_body_argument("code", "", strip=True)
        # Outside the roster, nativeauthenticator refuses the name itself; without a roster (a misconfigured hub),
        # the code is still asked.
        if auth.codes_file and (not auth.allowed_users or username in auth.allowed_users) \
                and not auth.user_exists(username) and not codes.check(Path(auth.codes_file), username, code):
            html = await self.render_template("signup.html", result_message=BAD_CODE, alert="alert-danger",
                                              ask_email=False, two_factor_auth=False, two_factor_auth_user=False,
                                              two_factor_auth_value="", recaptcha_key="", tos="")
            self.finish(html)
            return
        await super().post()


class BlockingLoginHandler(LoginHandler):
    """The login page, which says in French that too many attempts came from this address."""

    async def post(self):
        auth = self.authenticator
        username = auth.normalize_username(self.get_argument("username", "", strip=False))
        if auth.allowed_failed_logins and auth.is_blocked(auth.attempt_key(username, self.request.remote_ip)):
            self.finish(await self._render(login_error=BLOCKED, username=username))
            return
        await super().post()


class AtelierAuthenticator(NativeAuthenticator):
    """NativeAuthenticator where only the promotion's identifiers may sign up, each with their own code."""

    codes_file = Unicode("", help="bcrypt hashes of the sign-up codes (codes.py); empty: no code asked").tag(config=True)

    def validate_username(self, username: str) -> bool:
        if self.allowed_users and username not in self.allowed_users:
            return False
        return super().validate_username(username)

    @staticmethod
    def attempt_key(username: str, address: str | None) -> str:
        return f"{username}\n{address or ''}"

    async def authenticate(self, handler, data):
        username = self.normalize_username(data["username"])
        key = self.attempt_key(username, handler.request.remote_ip if handler is not None else None)
        user = self.get_user(username)
        if not user:
            return None
        if self.allowed_failed_logins and self.is_blocked(key):
            return None
        if user.is_authorized and user.is_valid_password(data["password"]):
            self.successful_login(key)
            return username
        self.add_login_attempt(key)
        return None

    def get_handlers(self, app):
        ours = {"/login": BlockingLoginHandler, "/signup": CodeSignUpHandler}
        return [(path, ours.get(path, handler)) for path, handler in super().get_handlers(app)]
