"""What can go wrong submitting a 自查表: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, Forbidden, Invalid


class SelfCheckNotAtTermEnd(Invalid):
    """A 自查表 submitted before the last weeks of its term (高平方案 附件2: filled at each term's end)."""


class SelfCheckAnswerMissing(Invalid):
    """An item the hub's records cannot settle is left unanswered."""


class SelfCheckContradictsRecords(Invalid):
    """An answer saying the opposite of what the hub's records show for the item."""


class SelfCheckItemUnknown(Invalid):
    """An answer to an item number the 自查表 does not have (1–21)."""


class SelfCheckSubmitted(Conflict):
    """The school already submitted its 自查表 for the term."""


class SelfCheckNotOwnSchool(Forbidden):
    """Only the school itself submits its 自查表."""
