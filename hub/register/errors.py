"""What can go wrong in the register: one class per case, its name the `code`; each names its seed item."""

from __future__ import annotations

from hub.errors import Conflict, Invalid, NotFound


class SecondmentTooLong(Invalid):
    """Borrowing or seconding for more than half a year without an exception reason (seed items 15–16)."""


class SecondmentPeriodInvalid(Invalid):
    """The period ends before it starts."""


class SecondmentSchoolUnknown(Invalid):
    """A teacher line names a school code no school has."""


class SecondmentTeachersMissing(Invalid):
    """A request that names no teacher and no number of teachers."""


class FilingNumberMissing(Invalid):
    """An approval without the Party committee's filing number (备案号, seed item 15)."""


class BureauDoesNotHoldSchools(Invalid):
    """Only an education bureau at county level or above, holding the schools concerned, approves (seed 15–16)."""


class SecondmentNotFound(NotFound):
    """No secondment with this id, or not one the caller may see."""


class SecondmentDecided(Conflict):
    """The secondment was already decided, or is not approved and cannot be marked returned."""


# --- the annual list and the inspections under it (seed items 1–3) ---


class ListYearInvalid(Invalid):
    """An item proposed for a year already over, or too far ahead (seed item 1: the list is made at year start)."""


class ListWindowInvalid(Invalid):
    """A time window that ends before it starts, or lies outside the item's year."""


class ListWindowNotAtTermEnd(Invalid):
    """A time window neither at year-end nor at term-end, without a reason (seed item 3)."""


class ScreenshotEvidenceRefused(Invalid):
    """Screenshots or videos demanded as evidence (seed item 3: 不得以……截图或录制视频等方式代替实际工作评价)."""


class MaterialsAlreadyReported(Invalid):
    """Materials or data asked for that the hub already holds (seed item 3: 严禁重复以前上报相关数据、材料)."""


class ListSchoolUnknown(Invalid):
    """An item or inspection names a school code no school (inside the caller's division) has."""


class ListItemNotFound(NotFound):
    """No list item with this id, or not one the caller may see."""


class ListItemDecided(Conflict):
    """The item was already approved, refused or merged."""


class ListNothingToApprove(Conflict):
    """The office approves a year's list while no proposal of that year is waiting."""


class ListChanged(Conflict):
    """The proposals waiting are not those the office reviewed (one came in, or was decided, meanwhile)."""


class ListRefusalInvalid(Invalid):
    """A list approval refuses an item that is not a waiting proposal of that year."""


class ListSimilarUnmerged(Conflict):
    """Two similar proposals would both go on the list (同类事项合并组织开展, seed item 1): merge them first."""


class ListMergeInvalid(Invalid):
    """Merging an item into itself, into another year's item, or into one no longer on the list."""


class InspectionNotListed(Invalid):
    """An inspection reaching schools without an approved item of the current year (seed item 1)."""


class InspectionOutsideWindow(Invalid):
    """An inspection held outside its list item's approved time window (seed item 3)."""


class InspectionOutsideScope(Invalid):
    """An inspection reaching a school its list item does not concern (seed items 1–2)."""


class InspectionNotFound(NotFound):
    """No inspection with this id, or not one the caller may see."""


# --- the 进校园 whitelist (seed items 4–9) ---


class WhitelistYearInvalid(Invalid):
    """A whitelist kept for a year already over or too far ahead."""


class SocialDemandNotWhitelisted(Invalid):
    """A social affair entering schools without an item of the whitelist (seed items 4–9)."""


class WhitelistItemOutOfYear(Invalid):
    """A whitelist item used outside the year it was listed for (seed items 4–9)."""


class WhitelistItemOutsideDivision(Invalid):
    """A whitelist item used for schools outside the division of the bureau that listed it."""


class SocialDemandNotFound(NotFound):
    """No social demand with this id, or not one the caller may see."""
