class DomainError(Exception):
    """A business rule refused an action. ``message`` is shown to users as is (Chinese)."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
