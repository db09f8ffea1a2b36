class DomainError(Exception):
    """A business rule refused an action. ``message`` is shown to users as is (Chinese)."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class Forbidden(DomainError):
    """The user's role may not do this (pages and API answer 403, not 400)."""

    def __init__(self, message: str = "您没有权限执行此操作。", *, code: str = "forbidden", field: str | None = None):
        super().__init__(message, code=code, field=field)
