"""Password hashes in the formats the brokers read (bcrypt for NATS, PBKDF2-SHA512 in
``mosquitto_passwd``'s ``$7$`` format for Mosquitto)."""

import base64
import hashlib
import hmac
import secrets

import bcrypt

PBKDF2_ITERATIONS = 101  # what mosquitto_passwd writes


def bcrypt_hash(password: str, *, cost: int) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(cost)).decode()


def bcrypt_matches(password: str, stored: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), stored.encode())
    except ValueError:
        return False


def pbkdf2_hash(password: str, *, iterations: int = PBKDF2_ITERATIONS) -> str:
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def pbkdf2_matches(password: str, stored: str) -> bool:
    try:
        _empty, seven, iterations, salt, digest = stored.split("$")
        expected = hashlib.pbkdf2_hmac(
            "sha512", password.encode(), base64.b64decode(salt), int(iterations)
        )
    except (ValueError, TypeError):
        return False
    return seven == "7" and hmac.compare_digest(base64.b64encode(expected).decode(), digest)
