"""Decryption of userinfo's end-to-end encrypted data.

``key`` is a compact JWE of the block key (a JWK) to the client's RSA key (sgID: RSA-OAEP-256 +
A256GCM; MockPass: RSA-OAEP + A128CBC-HS256); each ``data`` value is a compact JWE under that
block key (A128GCMKW + A128GCM, or dir). Payloads are UTF-8: names such as ``Nguyễn Thị Hương``
decode (the official SDK decodes ASCII and fails on them).
"""

from __future__ import annotations

from collections.abc import Mapping

from jwcrypto import jwe, jwk

from .error import Errors, SgidUserinfoError

_WRONG_KEY = "Check that private_key is the one registered with this client (credentials file)."


def decrypt_block_key(encrypted_key: str, private_key: jwk.JWK) -> jwk.JWK:
    try:
        token = jwe.JWE()
        token.deserialize(encrypted_key, key=private_key)
        return jwk.JWK.from_json(token.payload.decode("utf-8"))
    except Exception as exc:
        raise SgidUserinfoError("ERR_BLOCK_KEY_DECRYPT", Errors.USERINFO_BLOCK_KEY_DECRYPT_FAILED, _WRONG_KEY) from exc


def decrypt_values(encrypted_data: Mapping[str, object], block_key: jwk.JWK) -> dict[str, str]:
    out: dict[str, str] = {}
    for field, value in encrypted_data.items():
        try:
            if not isinstance(value, str):
                raise TypeError(f"{field} is not a compact JWE string")
            token = jwe.JWE()
            token.deserialize(value, key=block_key)
            out[field] = token.payload.decode("utf-8")
        except Exception as exc:
            raise SgidUserinfoError(
                "ERR_DATA_DECRYPT",
                Errors.USERINFO_DATA_DECRYPT_FAILED,
                f"The value of {field!r} could not be decrypted with the block key: the response was altered.",
            ) from exc
    return out


def decrypt_userinfo(encrypted_key: object, encrypted_data: object, private_key: jwk.JWK) -> dict[str, str]:
    """The plaintext ``data``: ``{}`` when the provider sent no data (an ``openid``-only login)."""
    if encrypted_data is None or encrypted_data == {}:
        return {}
    if not isinstance(encrypted_data, Mapping):
        raise SgidUserinfoError("ERR_DATA_DECRYPT", Errors.USERINFO_DATA_DECRYPT_FAILED, "userinfo's data is not an object.")
    if not isinstance(encrypted_key, str):
        raise SgidUserinfoError("ERR_BLOCK_KEY_DECRYPT", Errors.USERINFO_BLOCK_KEY_DECRYPT_FAILED, "userinfo sent data without its key.")
    return decrypt_values(encrypted_data, decrypt_block_key(encrypted_key, private_key))
