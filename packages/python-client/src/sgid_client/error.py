"""Errors: the official SDK's messages, raised as typed exceptions.

The official SDK raises a bare ``Exception(message)``. We raise subclasses of :class:`SgidError`
(itself an ``Exception``) with the same message, so ``except Exception`` and message comparisons
keep working, and add a stable ``code`` to switch on and a ``hint`` that says what to check.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import requests


class SgidClientError(NamedTuple):
    """The official SDK's message catalogue (kept under its name for code that imports it)."""

    MISSING_REDIRECT_URI: str
    TOKEN_ENDPOINT_FAILED: str
    ID_TOKEN_INVALID: str
    ID_TOKEN_MALFORMED: str
    ID_TOKEN_HEADER_PAYLOAD_MALFORMED: str
    ID_TOKEN_WRONG_SIGNING_ALG: str
    ID_TOKEN_MISSING_KEYS: str
    ID_TOKEN_ISS_MISMATCH: str
    ID_TOKEN_IAT_INVALID: str
    ID_TOKEN_EXP_INVALID: str
    ID_TOKEN_EXPIRED: str
    ID_TOKEN_AUD_MISMATCH: str
    ID_TOKEN_NONCE_MISMATCH: str
    ID_TOKEN_SUB_INVALID: str
    ID_TOKEN_SIGNATURE_INVALID: str
    ACCESS_TOKEN_INVALID: str
    USERINFO_ENDPOINT_FAILED: str
    JWKS_ENDPOINT_FAILED: str
    PRIVATE_KEY_IMPORT: str
    USERINFO_SUB_MISMATCH: str
    USERINFO_BLOCK_KEY_DECRYPT_FAILED: str
    USERINFO_DATA_DECRYPT_FAILED: str
    CODE_VERIFIER_LENGTH_ERROR: str
    PKCE_PAIR_LENGTH_ERROR: str
    INVALID_SGID_USERINFO_DATA_ERROR: str


# The official 0.3.0 messages, word for word: applications compare them.
Errors = SgidClientError(
    MISSING_REDIRECT_URI="No redirect URI registered with this client. You must either specify a valid redirect URI in the SgidClient constructor, or pass it to the authorization_url and callback functions.",
    TOKEN_ENDPOINT_FAILED="sgID responded with an error at the token endpoint",
    ID_TOKEN_INVALID="sgID token endpoint did not return a valid ID token. Expected a non-empty string.",
    ID_TOKEN_MALFORMED="sgID server returned a malformed ID token which did not contain the expected components (header, payload, signature)",
    ID_TOKEN_HEADER_PAYLOAD_MALFORMED="ID token header or payload was malformed",
    ID_TOKEN_WRONG_SIGNING_ALG="Unexpected signing algorithm used for ID token",
    ID_TOKEN_MISSING_KEYS="ID token payload did not contain the required keys",
    ID_TOKEN_ISS_MISMATCH="ID token 'iss' did not match expected value",
    ID_TOKEN_IAT_INVALID="ID token 'iat' is invalid",
    ID_TOKEN_EXP_INVALID="ID token 'exp' is invalid",
    ID_TOKEN_EXPIRED="ID token is expired",
    ID_TOKEN_AUD_MISMATCH="ID token 'aud' did not match client ID",
    ID_TOKEN_NONCE_MISMATCH="ID token 'nonce' did not match the nonce passed to the callback function",
    ID_TOKEN_SUB_INVALID="ID token 'sub' is invalid",
    ID_TOKEN_SIGNATURE_INVALID="ID token signature is invalid",
    ACCESS_TOKEN_INVALID="sgID token endpoint did not return a valid access token. Expected a non-empty string.",
    USERINFO_ENDPOINT_FAILED="sgID responded with an error at the userinfo endpoint",
    JWKS_ENDPOINT_FAILED="sgID responded with an error at the jwks endpoint",
    USERINFO_SUB_MISMATCH="Sub returned by sgID did not match the sub passed to the userinfo method. Check that you passed the correct sub to the userinfo method.",
    PRIVATE_KEY_IMPORT="Failed to import private key. Check that privateKey is a valid PKCS1 or PKCS8 key.",
    USERINFO_BLOCK_KEY_DECRYPT_FAILED="Decryption of block key failed. Check that you passed the correct private key to the SgidClient constructor.",
    USERINFO_DATA_DECRYPT_FAILED="Decryption of data failed. Check that you passed the correct private key to the SgidClient constructor.",
    CODE_VERIFIER_LENGTH_ERROR="Code verifier should have a minimum length of 43 and a maximum length of 128",
    PKCE_PAIR_LENGTH_ERROR="generate_pkce_pair should receive a minimum length of 43 and a maximum length of 128",
    INVALID_SGID_USERINFO_DATA_ERROR="Failed to parse sgID userinfo data object. Check that the input is a valid object.",
)


class SgidError(Exception):
    """Base class of every error this package raises.

    Attributes:
        code: a stable code to switch on, e.g. ``"ERR_ID_TOKEN_NONCE"``.
        hint: what to check, in one sentence.
    """

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class SgidConfigError(SgidError, ValueError):
    """A mistake in how the SDK is called: redirect URI, private key, PKCE length."""


class SgidResponseError(SgidError):
    """An sgID endpoint answered with an error, or could not be reached in time.

    Attributes:
        status: the HTTP status, or ``None`` when there was no answer (network error, timeout).
        body: the response body as text ("" when there was no answer).
        error: the OAuth ``error`` code from the body or ``WWW-Authenticate``, when there is one.
    """

    def __init__(
        self,
        code: str,
        message: str,
        hint: str = "",
        *,
        status: int | None = None,
        body: str = "",
        error: str | None = None,
    ) -> None:
        super().__init__(code, message, hint)
        self.status = status
        self.body = body
        self.error = error


class SgidIdTokenError(SgidError):
    """The ID token failed a check: format, alg, iss, aud, exp, iat, nonce, signature, kid."""


class SgidUserinfoError(SgidError):
    """Userinfo could not be used: sub mismatch or decryption failure."""


class SgidDataError(SgidError, ValueError):
    """``parse_data`` was given something that is not a userinfo ``data`` dict."""


def get_network_error_message(message: str, status: int, body: str) -> str:
    return f"{message}\nResponse status: {status}\nResponse body: {body}"


def get_expected_vs_received_error_message(message: str, expected: object, received: object) -> str:
    return f"{message}. Expected {expected}, received {received}."


def get_expiry_error_message(message: str, expired_at: float) -> str:
    now = datetime.now()
    return (
        f"{message}. Current timestamp is {now.strftime('%Y/%m/%d, %H:%M:%S')}, "
        f"expiry was at {datetime.fromtimestamp(expired_at).strftime('%Y/%m/%d, %H:%M:%S')}"
    )


def get_www_authenticate_error_message(message: str, res: requests.Response) -> str:
    header = res.headers.get("www-authenticate")
    if header is None:
        return get_network_error_message(message=message, status=res.status_code, body=res.text)
    if header.startswith("error="):
        header = header[len("error=") :]
    return f"{message}\nResponse status: {res.status_code}\nError message: {header}"
