"""Connexion : comptes locaux de nativeauthenticator, réservés aux personnes de la promotion et aux enseignants.

An intern chooses a password at first login (``/hub/signup``), only for an identifier of the roster
(``allowed_users``) and with the sign-up code the DMG gave them (``codes.py``): knowing someone's identifier is not
enough to claim their account. Failed logins are counted per identifier, per client address (the proxy's
``X-Forwarded-For``) and apart for a browser where that person has logged in before (``DEVICE_COOKIE``): five
failures block that address for a minute, with a French message; nobody elsewhere, nor anybody behind the same
address (a NAT), can keep a named intern locked out of the browser they use. Pages and messages are in French
(``templates/``). For the faculty's Moodle,
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


# A browser where a person has logged in carries a signed cookie with their name: failures from it are counted apart.
# Behind one address (a faculty's NAT, a room's Wi-Fi), a classmate who tries wrong passwords in someone's name
# blocks only the browsers that have not logged in as that person; theirs still logs in.
DEVICE_COOKIE = "atelier-appareil"
DEVICE_DAYS = 180


def known_device(handler, username: str) -> bool:
    value = handler.get_secure_cookie(DEVICE_COOKIE, max_age_days=DEVICE_DAYS)
    return value is not None and value.decode(errors="replace") == username


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
        key = auth.attempt_key(username, self.request.remote_ip, known_device(self, username))
        if auth.allowed_failed_logins and auth.is_blocked(key):
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
    def attempt_key(username: str, address: str | None, device: bool = False) -> str:
        return f"{username}\n{address or ''}\n{'appareil connu' if device else ''}"

    async def authenticate(self, handler, data):
        username = self.normalize_username(data["username"])
        key = self.attempt_key(username, handler.request.remote_ip if handler is not None else None,
                               handler is not None and known_device(handler, username))
        user = self.get_user(username)
        if not user:
            return None
        if self.allowed_failed_logins and self.is_blocked(key):
            return None
        if user.is_authorized and user.is_valid_password(data["password"]):
            self.successful_login(key)
            if handler is not None:
                handler.set_secure_cookie(DEVICE_COOKIE, username, expires_days=DEVICE_DAYS, httponly=True,
                                          path=handler.hub.base_url)
            return username
        self.add_login_attempt(key)
        return None

    def get_handlers(self, app):
        ours = {"/login": BlockingLoginHandler, "/signup": CodeSignUpHandler}
        return [(path, ours.get(path, handler)) for path, handler in super().get_handlers(app)]
