"""sgid_client: a drop-in for PyPI's ``sgid-client`` 0.3.0, the sgID relying-party SDK."""

from .client import SgidClient
from .error import (
    Errors,
    SgidConfigError,
    SgidDataError,
    SgidError,
    SgidIdTokenError,
    SgidResponseError,
    SgidUserinfoError,
)
from .generators import (
    GeneratePkcePairReturn,
    generate_code_challenge,
    generate_code_verifier,
    generate_nonce,
    generate_pkce_pair,
)
from .transport import DEFAULT_TIMEOUT
from .results import AuthorizationUrlReturn, CallbackReturn, UserInfoReturn
from .util import convert_to_pkcs8, parse_data

__all__ = [
    "SgidClient",
    "AuthorizationUrlReturn",
    "CallbackReturn",
    "UserInfoReturn",
    "GeneratePkcePairReturn",
    "generate_pkce_pair",
    "generate_code_verifier",
    "generate_code_challenge",
    "generate_nonce",
    "convert_to_pkcs8",
    "parse_data",
    "Errors",
    "SgidError",
    "SgidConfigError",
    "SgidResponseError",
    "SgidIdTokenError",
    "SgidUserinfoError",
    "SgidDataError",
    "DEFAULT_TIMEOUT",
]
