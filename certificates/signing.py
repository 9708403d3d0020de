"""Ed25519 signatures of the issuing platform over certificates (docs/adr/0007).

Keys come from settings:
- `PORTAL_SIGNING_KEY` = `<key id>:<base64url of the 32-byte private key>` signs new
  certificates;
- `PORTAL_SIGNING_PUBLIC_KEYS` = `<key id>:<base64url public key>,…`: retired keys whose
  signatures still verify after a rotation.
Without `PORTAL_SIGNING_KEY` (the embedded mode and the demo) the key is derived from
`SECRET_KEY` with HKDF; its id, `derived-<8 hex>`, names the public key, so a changed secret key
shows as "signed with an unknown key" instead of a silent mismatch. Production sets a real key.

What is signed is a canonical serialisation: JSON with sorted keys, no spaces, UTF-8.
"""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DERIVED_PREFIX = "derived-"


@dataclass(frozen=True)
class Signature:
    key_id: str
    value: str  # base64url, no padding


def canonical(payload: dict[str, Any]) -> bytes:
    """The bytes that are signed: the same for the same data on any machine."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _parse(entry: str, setting: str) -> tuple[str, bytes]:
    key_id, _colon, encoded = entry.strip().partition(":")
    try:
        raw = _b64decode(encoded)
    except (binascii.Error, ValueError):
        raw = b""
    if not key_id or len(raw) != 32:
        raise ImproperlyConfigured(
            f"{setting}: each key is '<key id>:<base64url of 32 bytes>' "
            "(manage.py certificates_signing_key makes one)."
        )
    return key_id, raw


def _derived_key(secret: str) -> tuple[str, Ed25519PrivateKey]:
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal certificate signing"
    ).derive(secret.encode())
    key = Ed25519PrivateKey.from_private_bytes(seed)
    fingerprint = hashlib.sha256(_public_raw(key.public_key())).hexdigest()[:8]
    return f"{DERIVED_PREFIX}{fingerprint}", key


@cache
def _keys(
    active: str, retired: str, secret: str
) -> tuple[str, Ed25519PrivateKey, dict[str, Ed25519PublicKey]]:
    if active:
        key_id, raw = _parse(active, "PORTAL_SIGNING_KEY")
        private = Ed25519PrivateKey.from_private_bytes(raw)
    else:
        key_id, private = _derived_key(secret)
    public = {key_id: private.public_key()}
    for entry in filter(None, (part.strip() for part in retired.split(","))):
        retired_id, raw = _parse(entry, "PORTAL_SIGNING_PUBLIC_KEYS")
        public.setdefault(retired_id, Ed25519PublicKey.from_public_bytes(raw))
    return key_id, private, public


def _configured() -> tuple[str, Ed25519PrivateKey, dict[str, Ed25519PublicKey]]:
    active = settings.PORTAL_SIGNING_KEY
    # Parsed once per configuration; the secret key matters only for the derived key.
    return _keys(active, settings.PORTAL_SIGNING_PUBLIC_KEYS, "" if active else settings.SECRET_KEY)


def sign(payload: dict[str, Any]) -> Signature:
    key_id, private, _public = _configured()
    return Signature(key_id=key_id, value=_b64encode(private.sign(canonical(payload))))


def verify(payload: dict[str, Any], signature: Signature) -> bool:
    """True when a known key (the active one or a retired one) signed exactly this payload."""
    _key_id, _private, public = _configured()
    key = public.get(signature.key_id)
    if key is None:
        return False
    try:
        key.verify(_b64decode(signature.value), canonical(payload))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def public_keys() -> dict[str, str]:
    """Key id → base64url public key of every key that verifies, for outside verifiers."""
    _key_id, _private, public = _configured()
    return {key_id: _b64encode(_public_raw(key)) for key_id, key in public.items()}


def new_key(key_id: str) -> tuple[str, str]:
    """A fresh key: (value for PORTAL_SIGNING_KEY, entry for PORTAL_SIGNING_PUBLIC_KEYS)."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return (
        f"{key_id}:{_b64encode(raw)}",
        f"{key_id}:{_b64encode(_public_raw(private.public_key()))}",
    )
