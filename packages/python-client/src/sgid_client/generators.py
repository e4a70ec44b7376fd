"""PKCE (RFC 7636, S256 only) and nonce generators."""

from __future__ import annotations

import hashlib
import secrets
from base64 import urlsafe_b64encode
from typing import Any, NamedTuple, SupportsIndex, overload

from .error import Errors, SgidConfigError

MIN_VERIFIER_LENGTH = 43
MAX_VERIFIER_LENGTH = 128


class GeneratePkcePairReturn(NamedTuple):
    """A code verifier and its S256 challenge.

    Unpacks as ``code_verifier, code_challenge = pair`` (the docs) and also reads by name,
    ``pair["code_challenge"]`` (the official README's and quick start's spelling, which the
    official tuple refuses with ``TypeError``).
    """

    code_verifier: str
    code_challenge: str

    @overload
    def __getitem__(self, key: SupportsIndex) -> str: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[str, ...]: ...
    @overload
    def __getitem__(self, key: str) -> str: ...
    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            if key in self._fields:
                return getattr(self, key)
            raise KeyError(key)
        return tuple.__getitem__(self, key)


def _check_length(length: int, message: str) -> None:
    if isinstance(length, bool) or not isinstance(length, int) or not MIN_VERIFIER_LENGTH <= length <= MAX_VERIFIER_LENGTH:
        raise SgidConfigError("ERR_PKCE_LENGTH", message, "Use a length from 43 to 128 (RFC 7636).")


def generate_code_verifier(length: int = 43) -> str:
    """Generates a random code verifier of ``length`` characters from the base64url alphabet.

    Raises:
        SgidConfigError: if length is < 43 or > 128.
    """
    _check_length(length, Errors.CODE_VERIFIER_LENGTH_ERROR)
    # 96 random bytes give 128 base64url characters: enough for any allowed length.
    return urlsafe_b64encode(secrets.token_bytes(96)).decode("ascii")[:length]


def generate_code_challenge(code_verifier: str) -> str:
    """The S256 code challenge of a code verifier: BASE64URL(SHA256(verifier)), unpadded."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def generate_pkce_pair(length: int = 43) -> GeneratePkcePairReturn:
    """Generates a code verifier of ``length`` characters and its S256 code challenge.

    Generate a new pair for every authorization request.

    Raises:
        SgidConfigError: if length is < 43 or > 128.
    """
    _check_length(length, Errors.PKCE_PAIR_LENGTH_ERROR)
    verifier = generate_code_verifier(length)
    return GeneratePkcePairReturn(code_verifier=verifier, code_challenge=generate_code_challenge(verifier))


def generate_nonce(length: int = 32) -> str:
    """A random nonce: ``length`` random bytes, base64url-encoded (``secrets.token_urlsafe``)."""
    return secrets.token_urlsafe(length)
