"""What can go wrong with opening principals and with grants: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, Forbidden, Invalid, NotFound


class CodeTaken(Conflict):
    """Another principal already has this code."""


class SchoolCodeRequired(Invalid):
    """A school principal needs the code of its school."""


class SchoolCodeNotAllowed(Invalid):
    """Only school principals carry a school code."""


class DivisionOutsideCreator(Forbidden):
    """A principal's division (or school) lies outside the division of the one creating it."""


class PrincipalNotFound(NotFound):
    """No principal with this id."""


class LastAdmin(Conflict):
    """Revoking this admin would leave the hub with no active admin to open or close accounts."""


class UnknownElements(Invalid):
    """A grant names elements the standard does not hold for the entity."""


class GranteeNotFound(Invalid):
    """The grant's holder does not exist or was revoked."""


class GranteeCannotHoldGrant(Invalid):
    """The grant's holder is of a role that holds no grants."""


class SelfGrant(Forbidden):
    """A principal may not grant itself access."""


class ClearElementsNotGranted(Invalid):
    """Elements to be shown unmasked must be among the granted ones."""


class GrantValidityReversed(Invalid):
    """A grant's end is before its start."""


class GrantNotFound(NotFound):
    """No grant with this id that the caller may see."""


class GrantAtAnotherLevel(Forbidden):
    """The grant is held above the caller's division: shown there because it reaches into it, but
    renewed or revoked by a bureau of its holder's level (`detail.level`)."""


class GrantAlreadyRevoked(Conflict):
    """The grant was revoked before."""


class GrantEntityMismatch(Invalid):
    """The named grant is for another entity."""


class GrantInactive(Forbidden):
    """The grant behind a read has expired or was revoked."""


class GrantDoesNotCover(Forbidden):
    """The named grant lacks elements the read asks for."""


class NoActiveGrant(Forbidden):
    """The caller holds no active grant for the entity."""


class NoGrantCovers(Forbidden):
    """No single active grant covers every element the read asks for."""


class GrantRenewalInvalid(Invalid):
    """A renewal's end lies in the past or beyond the approval's 有效期 the grant rests on."""
