"""What can go wrong on the web pages only (the services' errors show as they are)."""

from __future__ import annotations

from hub.errors import Forbidden, Invalid, NotFound


class CsrfRefused(Forbidden):
    """A form posted from another site."""


class FormInvalid(Invalid):
    """A form that is incomplete or malformed."""


class NoHeaderRow(Invalid):
    """An uploaded form holds no header row to read labels from."""


class AccountKindNotAllowed(Forbidden):
    """The signed-in role may not open an account of this kind."""


class CannotRevokeSelf(Forbidden):
    """A principal may not revoke its own account."""


class NumberNotInteger(Invalid):
    """A number on a form (a baseline's year or count) that is not a whole number."""


class DateMalformed(Invalid):
    """A date that does not read YYYY-MM-DD."""


class AnswerEmpty(Invalid):
    """An empty answer to a complaint."""


class SchoolNotNamed(Invalid):
    """A page that needs ?school= came without it."""


class PageNotFound(NotFound):
    """No page at this address, or not for this method."""
