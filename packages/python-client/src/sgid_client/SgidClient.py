"""sgid-client 0.3.0's module path: ``from sgid_client.SgidClient import SgidClient`` keeps working."""

from .client import API_VERSION, SGID_CODE_CHALLENGE_METHOD, SGID_GRANT_TYPE, SGID_RESPONSE_TYPE, SgidClient
from .results import AuthorizationUrlReturn, CallbackReturn, UserInfoReturn

__all__ = [
    "SgidClient",
    "AuthorizationUrlReturn",
    "CallbackReturn",
    "UserInfoReturn",
    "API_VERSION",
    "SGID_RESPONSE_TYPE",
    "SGID_CODE_CHALLENGE_METHOD",
    "SGID_GRANT_TYPE",
]
