"""An independent implementation of the Tratta / AES-Encryption-Classes payload
format on Python's `cryptography` (OpenSSL), used by core/tests/tratta.rs to
cross-check hooksig::tratta, and by core/benches/decrypt.rs as the speed
reference.

Reads one JSON job per line on stdin, writes one JSON result per line:
  {"op": "encrypt", "secret": hex, "plaintext": hex, "salt": hex, "iv": hex} -> {"data": base64}
  {"op": "decrypt", "secret": hex, "data": text}  -> {"plaintext": hex} | {"error": reason}
  {"op": "bench", "secret": hex, "data": text, "runs": n} -> {"seconds_per_decrypt": float}
"""

import base64
import binascii
import hmac
import json
import sys
import time

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

SALT, IV, MAC, ITERATIONS = 16, 16, 32, 20000


def keys(secret, salt):
    derived = PBKDF2HMAC(hashes.SHA512(), 48, salt, ITERATIONS).derive(secret)
    return derived[:16], derived[16:]


def mac(key, data):
    h = crypto_hmac.HMAC(key, hashes.SHA256())
    h.update(data)
    return h.finalize()


def encrypt(secret, plaintext, salt, iv):
    aes_key, mac_key = keys(secret, salt)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    enc = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    ciphertext = enc.update(padded) + enc.finalize()
    return base64.b64encode(salt + iv + ciphertext + mac(mac_key, iv + ciphertext)).decode()


def decrypt(secret, data):
    try:
        raw = base64.b64decode(data.strip(), validate=True)
    except binascii.Error:
        raise ValueError("bad base64")
    if len(raw) < SALT + IV + 16 + MAC or (len(raw) - SALT - IV - MAC) % 16:
        raise ValueError("too short or misaligned")
    salt, iv, ciphertext, tag = raw[:SALT], raw[SALT:SALT + IV], raw[SALT + IV:-MAC], raw[-MAC:]
    aes_key, mac_key = keys(secret, salt)
    if not hmac.compare_digest(mac(mac_key, iv + ciphertext), tag):
        raise ValueError("MAC mismatch")
    dec = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(dec.update(ciphertext) + dec.finalize()) + unpadder.finalize()


def run(job):
    secret = bytes.fromhex(job["secret"])
    if job["op"] == "encrypt":
        data = encrypt(secret, bytes.fromhex(job["plaintext"]),
                       bytes.fromhex(job["salt"]), bytes.fromhex(job["iv"]))
        return {"data": data}
    if job["op"] == "decrypt":
        try:
            return {"plaintext": decrypt(secret, job["data"]).hex()}
        except ValueError as e:
            return {"error": str(e)}
    if job["op"] == "bench":
        decrypt(secret, job["data"])  # warm-up
        start = time.perf_counter()
        for _ in range(job["runs"]):
            decrypt(secret, job["data"])
        return {"seconds_per_decrypt": (time.perf_counter() - start) / job["runs"]}
    raise ValueError("unknown op")


for line in sys.stdin:
    print(json.dumps(run(json.loads(line))), flush=True)
