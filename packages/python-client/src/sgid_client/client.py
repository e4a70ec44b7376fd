"""SgidClient: the drop-in for sgid-client 0.3.0's class."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from jwcrypto import jwk

from .decrypt import decrypt_userinfo
from .error import (
    Errors,
    SgidConfigError,
    SgidIdTokenError,
    SgidUserinfoError,
    get_network_error_message,
    get_www_authenticate_error_message,
)
from .generators import generate_nonce
from .transport import DEFAULT_TIMEOUT, Http, Timeout, json_object, response_error
from .id_token import validate_id_token
from .jwks import JwksCache
from .results import AuthorizationUrlReturn, CallbackReturn, UserInfoReturn
from .util import ParsedValue, load_private_key, parse_data

API_VERSION = 2
SGID_RESPONSE_TYPE = "code"
SGID_CODE_CHALLENGE_METHOD = "S256"
SGID_GRANT_TYPE = "authorization_code"


class _Generated:
    """The default of ``authorization_url``'s ``nonce``: generate a fresh one for this call."""

    def __repr__(self) -> str:
        return "<a fresh random nonce>"


GENERATED_NONCE: Any = _Generated()


class _DefaultHostname(str):
    """The default ``hostname``: the real sgID, unless ``SGID_HOSTNAME`` names another provider."""


DEFAULT_HOSTNAME = _DefaultHostname("https://api.id.gov.sg")


def _origin(hostname: str) -> str:
    parts = urlsplit(hostname)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SgidConfigError(
            "ERR_HOSTNAME",
            f"hostname must be an http(s) origin such as https://api.id.gov.sg, got {hostname!r}",
            "Pass the provider's origin, without a path.",
        )
    return f"{parts.scheme}://{parts.netloc}"


def _oauth_error(res: requests.Response) -> str | None:
    body = json_object(res)
    if body is not None and isinstance(body.get("error"), str):
        return str(body["error"])
    header = res.headers.get("www-authenticate", "")
    marker = 'error="'
    if marker in header:
        return header.split(marker, 1)[1].split('"', 1)[0]
    return None


class SgidClient:
    """Class which allows you to interact with the sgID API."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        private_key: str,
        redirect_uri: str | None = None,
        hostname: str = DEFAULT_HOSTNAME,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        clock_tolerance: float = 0,
        session: requests.Session | None = None,
    ) -> None:
        """Initialises an SgidClient instance.

        Args:
            client_id: Client ID provided during client registration.
            client_secret: Client secret provided during client registration.
            private_key: Client private key provided during client registration (PKCS#1 or
                PKCS#8 PEM; literal ``\\n`` sequences are read as newlines).
            redirect_uri: Redirection URI for the user to return to your application after
                login. If not provided here, it must be passed to ``authorization_url`` and
                ``callback``.
            hostname: Origin of the OpenID provider (sgID). Defaults to "https://api.id.gov.sg",
                or to the ``SGID_HOSTNAME`` environment variable when it is set (so code written
                without ``hostname``, as the docs' quick start, can be pointed at a local
                provider). Any path is dropped: the issuer is ``<origin>/v2``.
            timeout: Seconds to wait for sgID (connect, then each read), or a
                ``(connect, read)`` pair, for every HTTP call. Defaults to 10.
            clock_tolerance: Seconds of clock skew accepted on the ID token's ``exp``/``nbf``.
                Defaults to 0, as the official SDKs.
            session: A ``requests.Session`` to send requests with (proxies, retries, CA bundle).

        Raises:
            SgidConfigError: if the private key is invalid (an ``Exception`` with the
                official message).
        """
        self.client_id = client_id
        self.client_secret = client_secret
        key = load_private_key(private_key)
        self._private_jwk = jwk.JWK.from_pyca(key)
        self.redirect_uri = redirect_uri
        if hostname is DEFAULT_HOSTNAME:
            hostname = os.environ.get("SGID_HOSTNAME") or hostname
        self.hostname = _origin(hostname)
        self.issuer = f"{self.hostname}/v{API_VERSION}"
        self.clock_tolerance = clock_tolerance
        self._http = Http(timeout, session)
        self._jwks = JwksCache(f"{self.issuer}/.well-known/jwks.json", self._http)

    @property
    def timeout(self) -> Timeout:
        return self._http.timeout

    @property
    def private_key(self) -> str:
        """The private key in PKCS#8 PEM (as 0.3.0 exposes it)."""
        return self._private_jwk.export_to_pem(private_key=True, password=None).decode("ascii")

    def _redirect_uri(self, redirect_uri: str | None) -> str:
        uri = self.redirect_uri if redirect_uri is None else redirect_uri
        if uri is None:
            raise SgidConfigError(
                "ERR_REDIRECT_URI_MISSING",
                Errors.MISSING_REDIRECT_URI,
                "Pass redirect_uri to the SgidClient constructor, or to both authorization_url and callback.",
            )
        return uri

    def authorization_url(
        self,
        code_challenge: str,
        state: str | None = None,
        redirect_uri: str | None = None,
        scope: str | list[str] = "openid myinfo.name",
        nonce: str | None = GENERATED_NONCE,
    ) -> AuthorizationUrlReturn:
        """Generates the authorization URL to redirect the end-user to sgID's login page.

        Args:
            code_challenge: The code challenge from ``generate_pkce_pair()``.
            state: A string passed back to your redirect URI after login. Check it there.
            redirect_uri: Overrides the constructor's redirect URI for this login.
            scope: Space-separated string or list; must contain "openid". Defaults to
                "openid myinfo.name".
            nonce: Unique nonce for this login. If not given, a fresh random nonce is
                generated for this call and returned (0.3.0 reused one per process). Pass
                ``None`` to send none.

        Raises:
            SgidConfigError: if no redirect URI is given here nor in the constructor.

        Returns:
            AuthorizationUrlReturn: ``(url, nonce)``.
        """
        if nonce is GENERATED_NONCE:
            nonce = generate_nonce()
        params = {
            "client_id": self.client_id,
            "scope": " ".join(scope) if isinstance(scope, (list, tuple)) else scope,
            "redirect_uri": self._redirect_uri(redirect_uri),
            "response_type": SGID_RESPONSE_TYPE,
            "code_challenge": code_challenge,
            "code_challenge_method": SGID_CODE_CHALLENGE_METHOD,
        }
        if state is not None:
            params["state"] = state
        if nonce is not None:
            params["nonce"] = nonce
        return AuthorizationUrlReturn(url=f"{self.issuer}/oauth/authorize?{urlencode(params)}", nonce=nonce)

    def callback(
        self,
        code: str,
        code_verifier: str,
        nonce: str | None = None,
        redirect_uri: str | None = None,
    ) -> CallbackReturn:
        """Exchanges the authorization code for tokens and validates the ID token.

        Args:
            code: The authorization code from the redirect's query.
            code_verifier: The code verifier of this login's code challenge.
            nonce: The nonce ``authorization_url`` returned for this login; ``None`` if none
                was sent. A token whose nonce differs — or that carries one when ``None`` is
                passed — is refused.
            redirect_uri: The redirect URI used in the authorization request, if it was not
                the constructor's.

        Raises:
            SgidConfigError: no redirect URI.
            SgidResponseError: the token or JWKS endpoint failed or did not answer in time.
            SgidIdTokenError: the ID token failed validation (or is missing).
            SgidError: the access token is missing.

        Returns:
            CallbackReturn: ``(sub, id_token, access_token)``; also unpacks as
            ``sub, access_token = …`` as in the docs.
        """
        data = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self._redirect_uri(redirect_uri),
            "code": code,
            "grant_type": SGID_GRANT_TYPE,
            "code_verifier": code_verifier,
        }
        res = self._http.post_form(f"{self.issuer}/oauth/token", "token", data)
        if res.status_code != 200:
            error = _oauth_error(res)
            message = get_network_error_message(Errors.TOKEN_ENDPOINT_FAILED, res.status_code, res.text)
            raise response_error("ERR_TOKEN_ENDPOINT", message, _token_hint(error), res, error)
        body = json_object(res)
        if body is None:
            message = get_network_error_message(Errors.TOKEN_ENDPOINT_FAILED, res.status_code, res.text)
            raise response_error("ERR_TOKEN_ENDPOINT", message, "The token endpoint did not answer with a JSON object: check hostname.", res)
        id_token = body.get("id_token")
        access_token = body.get("access_token")
        claims = validate_id_token(
            id_token,
            issuer=self.issuer,
            client_id=self.client_id,
            nonce=nonce,
            jwks=self._jwks,
            clock_tolerance=self.clock_tolerance,
            access_token=access_token if isinstance(access_token, str) else None,
        )
        if not isinstance(access_token, str) or access_token == "":
            raise SgidIdTokenError(
                "ERR_ACCESS_TOKEN_MISSING",
                Errors.ACCESS_TOKEN_INVALID,
                "The token endpoint sent no access token: check hostname.",
            )
        assert isinstance(id_token, str)
        return CallbackReturn(sub=claims["sub"], id_token=id_token, access_token=access_token)

    def userinfo(self, sub: str, access_token: str) -> UserInfoReturn:
        """Retrieves the user's verified data and decrypts it with your private key.

        Args:
            sub: The sub returned by ``callback``.
            access_token: The access token returned by ``callback``.

        Raises:
            SgidResponseError: the userinfo endpoint failed or did not answer in time.
            SgidUserinfoError: the sub differs from the one passed, or decryption failed.

        Returns:
            UserInfoReturn: ``(sub, data)``; ``data`` is ``{}`` for an ``openid``-only login.
        """
        res = self._http.get(
            f"{self.issuer}/oauth/userinfo", "userinfo", headers={"Authorization": f"Bearer {access_token}"}
        )
        if res.status_code != 200:
            error = _oauth_error(res)
            hint = (
                "The access token is unknown, expired or revoked (reusing a code revokes its token): log the user in again."
                if error == "invalid_token"
                else "Check hostname and the access token."
            )
            message = get_www_authenticate_error_message(Errors.USERINFO_ENDPOINT_FAILED, res)
            raise response_error("ERR_USERINFO_ENDPOINT", message, hint, res, error)
        body = json_object(res)
        if body is None or body.get("sub") != sub:
            raise SgidUserinfoError(
                "ERR_USERINFO_SUB_MISMATCH",
                Errors.USERINFO_SUB_MISMATCH,
                "Pass userinfo() the sub that callback() returned with this access token.",
            )
        data = decrypt_userinfo(body.get("key"), body.get("data"), self._private_jwk)
        return UserInfoReturn(sub=body["sub"], data=data)

    def parse_data(self, data: object) -> dict[str, ParsedValue]:
        """Parses userinfo ``data``: stringified JSON arrays and objects become lists and dicts.

        Raises:
            SgidDataError: if ``data`` is not a dict of strings.
        """
        return parse_data(data)

    # sgid-client 0.3.0's spelling.
    parseData = parse_data


def _token_hint(error: str | None) -> str:
    return {
        "invalid_client": "Check client_id and client_secret (the secret is shown once, at registration).",
        "invalid_grant": "A code is valid once, for a few minutes, with the code_verifier and redirect_uri of its "
        "own login: pass callback() this login's code_verifier, and never reuse a code.",
        "invalid_request": "Check code, code_verifier and redirect_uri.",
    }.get(error or "", "Check hostname, client_id and client_secret.")
