"""The provider's JWKS, fetched once and refetched when an ID token names a key we do not know
(key rotation) — at most once a minute, as the TypeScript SDK (openid-client's rule), so forged
``kid`` values cannot make us flood the provider with requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from jwcrypto import jwk

from .error import Errors, SgidIdTokenError, get_network_error_message
from .transport import Http, json_object, response_error

#: Minimum seconds between two JWKS fetches caused by an unknown ``kid``.
JWKS_REFETCH_INTERVAL = 60.0


class JwksCache:
    def __init__(self, uri: str, http: Http, clock: Callable[[], float] = time.monotonic) -> None:
        self.uri = uri
        self._http = http
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: list[dict[str, Any]] | None = None
        self._fetched_at = 0.0
        self._imported: dict[str, jwk.JWK] = {}

    def _fetch(self) -> None:
        res = self._http.get(self.uri, what="jwks")
        message = get_network_error_message(Errors.JWKS_ENDPOINT_FAILED, res.status_code, res.text)
        if res.status_code != 200:
            raise response_error("ERR_JWKS_ENDPOINT", message, "Check hostname: it must be the origin of your sgID provider.", res)
        body = json_object(res)
        keys = body.get("keys") if body is not None else None
        if not isinstance(keys, list):
            raise response_error("ERR_JWKS_ENDPOINT", message, "The provider's JWKS is not a JSON key set: check hostname.", res)
        self._keys = [k for k in keys if isinstance(k, dict)]
        self._fetched_at = self._clock()
        self._imported = {}

    @staticmethod
    def _matches(key: dict[str, Any], kid: str | None) -> bool:
        return (
            key.get("kty") == "RSA"
            and key.get("use", "sig") == "sig"
            and key.get("alg", "RS256") == "RS256"
            and (kid is None or key.get("kid") == kid)
        )

    def get_key(self, kid: str | None) -> jwk.JWK:
        """The RS256 key for a token header's ``kid`` (the only RSA signing key when there is no kid).

        Raises:
            SgidIdTokenError: no such key, even after a refetch; or no kid and several keys.
            SgidResponseError: the JWKS endpoint failed.
        """
        with self._lock:
            if self._keys is None:
                self._fetch()
            matches = [k for k in self._keys or [] if self._matches(k, kid)]
            if not matches and self._clock() - self._fetched_at >= JWKS_REFETCH_INTERVAL:
                self._fetch()
                matches = [k for k in self._keys or [] if self._matches(k, kid)]
            if not matches:
                raise SgidIdTokenError(
                    "ERR_JWKS_NO_KEY",
                    Errors.ID_TOKEN_SIGNATURE_INVALID,
                    f"The provider publishes no RS256 key with kid {kid!r}: check hostname (a token from "
                    "another provider?) or wait a minute after a key rotation.",
                )
            if len(matches) > 1:
                raise SgidIdTokenError(
                    "ERR_JWKS_AMBIGUOUS",
                    Errors.ID_TOKEN_SIGNATURE_INVALID,
                    "The provider publishes several signing keys but the ID token has no kid header.",
                )
            found = matches[0]
            cache_key = str(found.get("kid")) + "|" + str(found.get("n"))
            imported = self._imported.get(cache_key)
            if imported is None:
                try:
                    imported = jwk.JWK(**found)
                except Exception as exc:
                    raise SgidIdTokenError(
                        "ERR_JWKS_INVALID",
                        Errors.ID_TOKEN_SIGNATURE_INVALID,
                        f"The provider's JWKS key {found.get('kid')!r} could not be imported.",
                    ) from exc
                self._imported[cache_key] = imported
            return imported
