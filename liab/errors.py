"""Errors with a message a person can act on. The UI shows them; the API maps them to a status."""

from __future__ import annotations


class StartupError(Exception):
    """The app cannot start; the message is printed as one line, without a traceback."""


class LiabError(Exception):
    status = 400

    def __init__(self, message: str, *, feature: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.feature = feature

    def to_json(self) -> dict:
        return {'ok': False, 'error': self.message, 'feature': self.feature}


class BadInput(LiabError):
    status = 400


class NotFound(LiabError):
    status = 404


class Forbidden(LiabError):
    status = 403


class Conflict(LiabError):
    status = 409


class UpgradeRequired(LiabError):
    """A free-plan limit; `feature` names it ('multi_project', 'daily_release_limit'). Spec 6.3's 403 shape."""

    status = 403

    def to_json(self) -> dict:
        return {'ok': False, 'error': 'upgrade_required', 'feature': self.feature, 'message': self.message}


class ProviderUnavailable(LiabError):
    status = 503
