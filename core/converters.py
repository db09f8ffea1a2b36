"""The one path converter for database ids: ``<id:pk>`` instead of ``<int:pk>``.

Django's ``int`` converter accepts any number of digits, so ``/proposals/<30 digits>/`` reached the
database ("bigint out of range" on PostgreSQL, OverflowError on SQLite). Ids here are at most 18
digits (every one fits a signed 64-bit integer), anything longer does not match the route and
answers 404 like any unknown address. Every ``urls.py`` imports this module (importing registers
the converter) and uses ``<id:…>`` for ids.
"""

from __future__ import annotations

from django.urls import register_converter

ID_MAX_DIGITS = 18


class IdConverter:
    regex = f"[0-9]{{1,{ID_MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
