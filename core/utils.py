import re

from pypinyin import Style, lazy_pinyin

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def mask_phone(phone: str | None) -> str:
    """138****5678: personal phone numbers are never shown back in full."""
    if not phone:
        return ""
    digits = str(phone)
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return digits[:1] + "*" * (len(digits) - 3) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def pinyin_initials(name: str) -> str:
    """张三丰 → zsf, for searching members by the initials staff type on a phone keyboard."""
    return "".join(p[:1] for p in lazy_pinyin(name or "", style=Style.FIRST_LETTER) if p).lower()


def is_valid_phone(phone: str) -> bool:
    return bool(PHONE_RE.match(phone or ""))
