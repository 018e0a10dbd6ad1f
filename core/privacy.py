"""Masking of personal identifiers before anything is logged or stored."""

from __future__ import annotations

import re

# Eleven digits, optionally written "DDMMYY NNNNN" / "DDMMYY-NNNNN" / "DDMMYY.NNNNN",
# not part of a longer number.
FNR_RE = re.compile(r"(?<!\d)\d{6}[ .-]?\d{5}(?!\d)")
FNR_MASK = "***********"


def mask_personal_numbers(text: str) -> str:
    """Replace fødselsnummer-like 11-digit numbers in ``text`` with asterisks."""
    return FNR_RE.sub(FNR_MASK, text)
