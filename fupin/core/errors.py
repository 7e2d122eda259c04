"""Errors raised by services. Their messages are shown to users as they are, so they are
written in Chinese (through gettext, so the English translation applies)."""

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A domain rule refused the operation; nothing was changed.

    `field` names the input the message is about, so a form can show it beside that field.
    """

    def __init__(
        self, message: str | Promise, *, code: str = "invalid", field: str | None = None
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.field = field


class PermissionDeniedError(ApplicationError):
    """The actor's role or region does not allow the operation."""

    def __init__(self, message: str | Promise, *, code: str = "permission_denied") -> None:
        super().__init__(message, code=code)


class NotFoundError(ApplicationError):
    """The object does not exist or lies outside the actor's scope (the two look alike)."""

    def __init__(self, message: str | Promise, *, code: str = "not_found") -> None:
        super().__init__(message, code=code)
