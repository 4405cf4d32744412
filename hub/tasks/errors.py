"""What can go wrong with publication and school tasks: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, Forbidden, Invalid, NotFound


class RequestNotApproved(Conflict):
    """Only an approved request can be published."""


class ApprovalExpired(Conflict):
    """The approval (批准文号) expired: the request can no longer be published."""


class DeadlineAfterApproval(Invalid):
    """The task's deadline is after the approval's validity."""


class DeadlineTooSoon(Invalid):
    """The deadline leaves fewer working days than rule 12 asks; `detail` gives the earliest date."""


class PublicationAtAnotherLevel(Forbidden):
    """An education bureau publishing a request that reaches schools outside its division
    (HUB_PUBLICATION_LEVEL)."""


class TaskNotFound(NotFound):
    """No task with this id that the caller may see."""


class TaskOfAnotherSchool(NotFound):
    """The task belongs to another school: a 404, which does not confirm that the task exists."""


class TaskClosed(Conflict):
    """The task is closed (its deadline passed) and takes no more submissions.

    Raised right after the submission closed the overdue request (`close_if_due`), before anything of
    the submission is written: that close stands although the submission is refused.
    """

    keeps_transition = True


class SubmissionEmpty(Invalid):
    """A submission holds no rows."""


class SubmissionWithoutTaskFields(Invalid):
    """A submission carries none of the task's fields."""


class SubmissionJsonMalformed(Invalid):
    """A JSON submission that is not {"rows": [...]}."""


class SubmissionFileMissing(Invalid):
    """A file submission came without its `file` part."""


class CompletionNeedsReason(Invalid):
    """确认完成 with rows still empty, and no reason why they cannot be filled."""


class NothingToRemind(Conflict):
    """A 催报 that reaches no school: every task asked about is submitted (or the request is not out)."""
