"""Tratta's encrypted payloads (``external-charge.create``): AES-128-CBC with an
HMAC-SHA256 checked in constant time before anything is decrypted.

>>> from hooksig import tratta
>>> data = tratta.encrypt("tratta-secret-0123", b'{"amount": 4200}')
>>> tratta.decrypt("tratta-secret-0123", data)
b'{"amount": 4200}'
>>> tratta.decrypt("another-secret-01", data)
Traceback (most recent call last):
    ...
hooksig.DecryptionFailed: decryption failed: MAC mismatch: the payload was altered, or encrypted with another secret
"""

from __future__ import annotations

from ._native import tratta_decrypt, tratta_encrypt

__all__ = ["decrypt", "encrypt"]


def decrypt(secret: str | bytes, data: str | bytes) -> bytes:
    """Decrypts a payload (base64 text) with the webhook's secret.

    Raises ``DecryptionFailed`` when it is not base64, too short, altered, or
    encrypted with another secret; the reason says nothing about the key.
    """
    return tratta_decrypt(secret, data)


def encrypt(secret: str | bytes, plaintext: str | bytes) -> str:
    """Encrypts ``plaintext`` as Tratta does (fresh random salt and IV); returns base64 text."""
    return tratta_encrypt(secret, plaintext)
