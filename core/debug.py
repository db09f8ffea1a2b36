"""What error reports and the debug page may show."""

import re as _re

from django.views.debug import SafeExceptionReporterFilter as _DjangoFilter


class SafeExceptionReporterFilter(_DjangoFilter):
    """Django hides settings named like API|TOKEN|KEY|SECRET|PASS|SIGNATURE; connection strings
    (``CELERY_BROKER_URL``, cache ``LOCATION``s, anything ``…_URL`` holding ``user:password@``) carry
    passwords too, so they are hidden as well."""

    hidden_settings = _re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|BROKER|LOCATION|DATABASE|DSN", flags=_re.I
    )
    _credentials = _re.compile(r"://[^/@\s]*:[^/@\s]*@")

    def cleanse_setting(self, key, value):
        if isinstance(value, str) and self._credentials.search(value):
            return self.cleansed_substitute
        return super().cleanse_setting(key, value)
