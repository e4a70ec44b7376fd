"""ID token validation, as strict as the TypeScript SDK (openid-client's rules) with the official
Python SDK's messages: alg RS256, the required claims, ``iss`` byte for byte, ``iat`` and ``exp``
numeric, ``exp``/``nbf`` against the clock (tolerance default 0), ``aud``/``azp``, a non-empty
``sub``, the signature by ``kid`` from the JWKS (one refetch for an unknown kid), then ``nonce``
equality — a token carrying a nonce when the caller passed none fails too — and ``at_hash``
when present."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from typing import Any

from jwcrypto import jws

from .error import (
    Errors,
    SgidIdTokenError,
    get_expected_vs_received_error_message,
    get_expiry_error_message,
)
from .jwks import JwksCache

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_REQUIRED = ("iss", "sub", "aud", "exp", "iat")
_CHECK_HOSTNAME = "Check that hostname is the provider your client is registered with."


def b64url_decode(segment: str) -> bytes:
    """Strict base64url: the URL-safe alphabet only, no padding."""
    if not _B64URL.match(segment) or len(segment) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _decode_json(segment: str) -> dict[str, Any]:
    value = json.loads(b64url_decode(segment).decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fail(code: str, message: str, hint: str = _CHECK_HOSTNAME) -> SgidIdTokenError:
    return SgidIdTokenError(code, message, hint)


def validate_id_token(
    id_token: object,
    *,
    issuer: str,
    client_id: str,
    nonce: str | None,
    jwks: JwksCache,
    clock_tolerance: float = 0,
    access_token: str | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """Checks an ID token and returns its claims.

    Raises:
        SgidIdTokenError: with a code per failed check (``ERR_ID_TOKEN_*``, ``ERR_JWKS_*``).
        SgidResponseError: the JWKS endpoint failed.
    """
    if not isinstance(id_token, str) or id_token == "":
        raise _fail("ERR_ID_TOKEN_MISSING", Errors.ID_TOKEN_INVALID)
    parts = id_token.split(".")
    if len(parts) != 3:
        raise _fail("ERR_ID_TOKEN_MALFORMED", Errors.ID_TOKEN_MALFORMED)
    try:
        header = _decode_json(parts[0])
        payload = _decode_json(parts[1])
    except (ValueError, UnicodeDecodeError) as exc:
        raise _fail("ERR_ID_TOKEN_MALFORMED", Errors.ID_TOKEN_HEADER_PAYLOAD_MALFORMED) from exc

    if header.get("alg") != "RS256":
        raise _fail(
            "ERR_ID_TOKEN_ALG",
            get_expected_vs_received_error_message(Errors.ID_TOKEN_WRONG_SIGNING_ALG, "RS256", header.get("alg")),
            "sgID signs ID tokens with RS256 only; a token with another alg is forged or from another provider.",
        )
    present = [k for k in _REQUIRED if k in payload]
    if len(present) != len(_REQUIRED):
        raise _fail(
            "ERR_ID_TOKEN_CLAIM_MISSING",
            get_expected_vs_received_error_message(Errors.ID_TOKEN_MISSING_KEYS, ",".join(_REQUIRED), ",".join(present)),
        )
    if payload["iss"] != issuer:
        raise _fail(
            "ERR_ID_TOKEN_ISSUER",
            get_expected_vs_received_error_message(Errors.ID_TOKEN_ISS_MISMATCH, issuer, payload["iss"]),
            f'The issuer must be exactly "{issuer}" (<origin of hostname>/v2): check hostname.',
        )
    if not _is_number(payload["iat"]):
        raise _fail(
            "ERR_ID_TOKEN_IAT",
            get_expected_vs_received_error_message(Errors.ID_TOKEN_IAT_INVALID, "a valid number", payload["iat"]),
        )
    if not _is_number(payload["exp"]):
        raise _fail(
            "ERR_ID_TOKEN_EXP",
            get_expected_vs_received_error_message(Errors.ID_TOKEN_EXP_INVALID, "a valid number", payload["exp"]),
        )
    timestamp = time.time() if now is None else now
    if timestamp - clock_tolerance >= payload["exp"]:
        raise _fail(
            "ERR_ID_TOKEN_EXPIRED",
            get_expiry_error_message(Errors.ID_TOKEN_EXPIRED, payload["exp"]),
            "Check this server's clock (NTP), or set clock_tolerance (seconds).",
        )
    nbf = payload.get("nbf")
    if nbf is not None and (not _is_number(nbf) or nbf > timestamp + clock_tolerance):
        raise _fail(
            "ERR_ID_TOKEN_NOT_YET_VALID",
            f"ID token is not valid yet: nbf {nbf}, now {int(timestamp)}",
            "Check this server's clock (NTP), or set clock_tolerance (seconds).",
        )
    aud = payload["aud"]
    audience_ok = aud == client_id or (
        isinstance(aud, list) and client_id in aud and (len(aud) == 1 or payload.get("azp") is not None)
    )
    if not audience_ok or ("azp" in payload and payload["azp"] != client_id):
        raise _fail(
            "ERR_ID_TOKEN_AUDIENCE",
            get_expected_vs_received_error_message(Errors.ID_TOKEN_AUD_MISMATCH, client_id, aud),
            "Check client_id: the token was issued to another client.",
        )
    if not isinstance(payload["sub"], str) or payload["sub"] == "":
        raise _fail(
            "ERR_ID_TOKEN_SUB",
            get_expected_vs_received_error_message(Errors.ID_TOKEN_SUB_INVALID, "a non-empty string", payload["sub"]),
        )

    kid = header.get("kid")
    key = jwks.get_key(kid if isinstance(kid, str) else None)
    try:
        signed = jws.JWS()
        signed.deserialize(id_token)
        signed.verify(key, alg="RS256")
    except Exception as exc:
        raise _fail(
            "ERR_ID_TOKEN_SIGNATURE",
            Errors.ID_TOKEN_SIGNATURE_INVALID,
            "The token was altered or not signed by this provider: check hostname.",
        ) from exc

    received_nonce = payload.get("nonce")
    if (received_nonce is not None or nonce is not None) and received_nonce != nonce:
        raise _fail(
            "ERR_ID_TOKEN_NONCE",
            get_expected_vs_received_error_message(Errors.ID_TOKEN_NONCE_MISMATCH, nonce, received_nonce),
            "Pass callback() the nonce that authorization_url() returned for this login (None if you passed nonce=None).",
        )
    at_hash = payload.get("at_hash")
    if access_token is not None and at_hash is not None:
        digest = hashlib.sha256(access_token.encode("ascii")).digest()[:16]
        expected = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
        if not isinstance(at_hash, str) or not hmac.compare_digest(at_hash, expected):
            raise _fail(
                "ERR_ID_TOKEN_AT_HASH",
                "ID token 'at_hash' did not match the access token",
                "The access token does not belong to this ID token: the token response was tampered with.",
            )
    return payload
