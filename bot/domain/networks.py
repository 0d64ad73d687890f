"""Network rules: link codes, who may decide, and what crosses between servers."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from bot.domain.errors import Refusal

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read aloud
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
CODE_LIFETIME = timedelta(days=7)
MAX_NAME_LENGTH = 80


def new_code() -> str:
    """A one-time link code such as `SB-7K2Q-M9XD-4TRA` (about 60 bits of randomness)."""
    groups = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    ]
    return "SB-" + "-".join(groups)


def normalise_code(typed: str) -> str:
    """Forgive spaces, lower case and a missing `SB-` prefix."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    if cleaned.startswith("SB"):
        cleaned = cleaned[2:]
    if len(cleaned) != CODE_GROUPS * CODE_GROUP_LENGTH or any(
        ch not in CODE_ALPHABET for ch in cleaned
    ):
        raise Refusal(
            "That doesn't look like a network link code. Codes look like `SB-7K2Q-M9XD-4TRA`; "
            "please copy it again from the moderator who gave it to you. Nothing was changed."
        )
    parts = [cleaned[i : i + CODE_GROUP_LENGTH] for i in range(0, len(cleaned), CODE_GROUP_LENGTH)]
    return "SB-" + "-".join(parts)


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def validate_network_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise Refusal("Please give the network a name people will recognise. Nothing was changed.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise Refusal(
            f"Please keep the network's name under {MAX_NAME_LENGTH} characters "
            f"(it is {len(cleaned)}). Nothing was changed."
        )
    return cleaned
