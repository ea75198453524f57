"""Public identifiers: random, URL-safe, never the database's sequence."""

import secrets
import string

ALPHANUMERIC = string.ascii_letters + string.digits


def random_alphanumeric(length: int) -> str:
    # Base-62 digits of one random integer: uniform enough for ids, and fast on bulk paths.
    number = secrets.randbits(6 * length + 8)
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        chars.append(ALPHANUMERIC[digit])
    return "".join(chars)


def random_hex(length: int) -> str:
    return secrets.token_hex((length + 1) // 2)[:length]
