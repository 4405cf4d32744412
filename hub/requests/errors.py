"""What can go wrong with a data request: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, Forbidden, Invalid, NotFound
from hub.standard.errors import PeriodInvalid as PeriodInvalid  # one class for every `period` read


class ScopeEmpty(Invalid):
    """The request's school scope holds no school."""


class RequestNotFound(NotFound):
    """No request with this id that the caller may see."""


class DecisionAtAnotherLevel(Forbidden):
    """A statistics bureau deciding a request of another level (HUB_DECISION_LEVEL)."""


class RequestNotPending(Conflict):
    """The request is not waiting for the statistics bureau's decision."""


class RejectionNeedsReason(Invalid):
    """A rejection names no reason."""


class ApprovalNumberRequired(Invalid):
    """An approval carries no approval number (批准文号)."""


class ValidityInPast(Invalid):
    """An approval's validity ends before today."""


class NotANewField(Invalid):
    """A mapping names a label that is not a new field of the request."""


class ElementNotForEntity(Invalid):
    """A mapping names an element that does not exist for the request's entity."""


class RequestNotAnswered(Conflict):
    """The request's data are not ready to read yet."""


class NewElementSpecInvalid(Invalid):
    """The checks set for a new field's element do not fit together (range upside down, unknown code list …)."""


class FieldPeriodInvalid(Invalid):
    """A field's period cannot be answered: it does not exist, lies ahead for a flow, or names two."""


class TransitionNotAllowed(Conflict):
    """The request cannot move from where it stands to the status asked (`detail`: status, to)."""


class RequestNotPendingRelease(Conflict):
    """A release decision for a request that is not waiting for one (`detail`: status)."""


class ReleaseValidityInvalid(Invalid):
    """A release's end lies in the past or beyond the approval's 有效期 (`detail` names both dates)."""


class ReleaseNeedsReason(Invalid):
    """A refused release names no reason."""


class RequestNotADuplicate(NotFound):
    """The request points at no original (it is not a duplicate), so there is no original to summarise."""


class OriginalPassInvalid(NotFound):
    """A link to an original's outline that this hub did not hand to the caller in a dry run (or that
    has run out): answered as a request that does not exist."""


class ApprovalNumberInvalid(Invalid):
    """An approval number (批准文号) not written as one: the approving body, the year in brackets, the
    number and 号 (统制〔2026〕12号), a year the approval cannot carry."""


class ValidityBeforeDeadline(Invalid):
    """An approval ending before the request's own deadline: the collection would outlive its approval."""
