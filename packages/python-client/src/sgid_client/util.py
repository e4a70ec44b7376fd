"""Private keys and the userinfo ``data`` parser."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .error import Errors, SgidConfigError, SgidDataError

ParsedValue = str | list[Any] | dict[str, Any]


def load_private_key(private_key: str) -> rsa.RSAPrivateKey:
    """Loads an RSA private key from PKCS#1 or PKCS#8 PEM.

    Literal ``\\n`` sequences are read as newlines, as the TypeScript SDK does: a key kept in a
    one-line environment variable then works as is.

    Raises:
        SgidConfigError: if it is not an RSA private key in PEM.
    """
    hint = "Pass the privateKey of your credentials file (PEM, PKCS#1 or PKCS#8, RSA)."
    if not isinstance(private_key, str) or not private_key.strip():
        raise SgidConfigError("ERR_PRIVATE_KEY", Errors.PRIVATE_KEY_IMPORT, hint)
    pem = private_key.replace("\\n", "\n").strip().encode("utf-8")
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except Exception as exc:
        raise SgidConfigError("ERR_PRIVATE_KEY", Errors.PRIVATE_KEY_IMPORT, hint) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise SgidConfigError("ERR_PRIVATE_KEY", Errors.PRIVATE_KEY_IMPORT, hint)
    return key


def convert_to_pkcs8(private_key: str) -> str:
    """Converts a private key in PKCS#1 (or PKCS#8) PEM to PKCS#8 PEM.

    Raises:
        SgidConfigError: if the private key is invalid.
    """
    key = load_private_key(private_key)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def is_stringified_array_or_object(value: str) -> bool:
    """Whether a string looks like a JSON array (``[…]``) or object (``{…}``)."""
    return len(value) >= 2 and ((value[0] == "[" and value[-1] == "]") or (value[0] == "{" and value[-1] == "}"))


def safe_json_parse(value: str) -> ParsedValue:
    """The parsed JSON array or object, or the string itself when it is not one."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    return parsed if isinstance(parsed, (list, dict)) else value


def is_sgid_userinfo_object(data: object) -> bool:
    """Whether ``data`` is a dict of strings to strings, as ``userinfo`` returns."""
    return isinstance(data, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())


def parse_individual_data_value(value: str) -> ParsedValue:
    """One value parsed: stringified arrays and objects become lists and dicts, the rest stays."""
    return safe_json_parse(value) if is_stringified_array_or_object(value) else value


def parse_data(data: object) -> dict[str, ParsedValue]:
    """Parses the ``data`` of ``userinfo``: values that are stringified JSON arrays or objects
    (``myinfo.vehicles``, ``myinfo.children_birth_records``, ``pocdex.public_officer_details``…)
    become lists and dicts; every other value stays a string (an empty string included).

    Raises:
        SgidDataError: if ``data`` is not a dict of strings.
    """
    if not is_sgid_userinfo_object(data):
        raise SgidDataError(
            "ERR_DATA_INVALID",
            Errors.INVALID_SGID_USERINFO_DATA_ERROR,
            "Pass the data dict that userinfo() returned.",
        )
    assert isinstance(data, dict)
    return {key: parse_individual_data_value(value) for key, value in data.items()}
