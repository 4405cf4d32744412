"""What a department pointed at another department's open request may see of it, from a stored
duplicate or from a dry run's duplicate notice.

A dry run (`/requests/check`) stores nothing, so its notice cannot name a duplicate of the caller's:
it carries a link sealed for the caller instead (HMAC under the hub's key over the caller, the original,
the elements both ask, the overlap and the last day it opens). Only the department the hub answered can
open it, and only for the elements its own form asked; any other caller or an edited link is a 404, as
for a request it may not see.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from sqlalchemy.orm import Session

import dedup
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.requests.errors import OriginalPassInvalid
from hub.requests.models import DataRequest
from hub.requests.repository import RequestRepository

# How long a dry run's link opens the outline (the department submits the same day, or re-checks).
PASS_DAYS = 7


@dataclass(frozen=True, kw_only=True)
class OriginalSummary:
    """What a department pointed at another department's open request may see of it: never its schools,
    rows or reviewers, only what tells it where its own answer will come from and when."""

    duplicate: DataRequest | None  # None: pointed at by a dry run, nothing stored
    original: DataRequest
    department: str | None
    shared_elements: list[str]
    # New fields (no element yet) both ask, by the original's label.
    shared_new: list[str]
    overlap: float | None
    full_view: bool


def summary(
    session: Session,
    original: DataRequest,
    *,
    duplicate: DataRequest | None,
    asked: set[str],
    overlap: float | None,
    full_view: bool,
) -> OriginalSummary:
    """`asked`: the element codes the department's form asked, and `label:<normalised label>` for each
    of its new fields (as the duplicate check compares them)."""
    shared = sorted({f.element_code for f in original.fields if f.element_code and f.element_code in asked})
    new = [f.label for f in original.fields if f.element_code is None and new_key(f.label) in asked]
    holder = PrincipalRepository(session).get(original.department_id)
    return OriginalSummary(
        duplicate=duplicate,
        original=original,
        department=holder.name if holder else None,
        shared_elements=shared,
        shared_new=list(dict.fromkeys(new)),
        overlap=overlap,
        full_view=full_view,
    )


def new_key(label: str) -> str:
    """How a new field (no element) is compared between two requests: its normalised label."""
    return f"label:{dedup.normalise(label)}"


def asked_keys(elements: set[str], new_labels: list[str]) -> set[str]:
    return elements | {new_key(label) for label in new_labels}


def _seal(secret_key: str, holder_id: int, original_id: int, shared: str, overlap: str, until: str) -> str:
    message = f"original:{holder_id}:{original_id}:{shared}:{overlap}:{until}".encode()
    key = hmac.new(secret_key.encode(), b"yici-hub original pass", hashlib.sha256).digest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def pass_link(
    secret_key: str,
    holder: Principal,
    original: DataRequest,
    *,
    asked: set[str],
    overlap: float | None,
    today: date,
) -> str:
    """The web link a dry run's duplicate notice carries: the outline of `original`, for `holder` only."""
    shared = ",".join(
        sorted(
            {f.element_code for f in original.fields if f.element_code in asked}
            | {
                new_key(f.label)
                for f in original.fields
                if f.element_code is None and new_key(f.label) in asked
            }
        )
    )
    shown = f"{overlap or 0:.4f}"
    until = (today + timedelta(days=PASS_DAYS)).isoformat()
    sig = _seal(secret_key, holder.id, original.id, shared, shown, until)
    query = urlencode({"shared": shared, "overlap": shown, "until": until, "sig": sig})
    return f"/requests/originals/{original.id}?{query}"


def by_pass(
    session: Session,
    secret_key: str,
    holder: Principal,
    original_id: int,
    *,
    shared: str,
    overlap: str,
    until: str,
    sig: str,
    today: date,
    full_view: bool,
) -> OriginalSummary:
    """The outline a dry run's link opens (404 for a link not sealed for `holder`, or run out)."""
    expected = _seal(secret_key, holder.id, original_id, shared, overlap, until)
    try:
        ends = date.fromisoformat(until)
        shown = float(overlap)
    except ValueError:
        ends, shown = date.min, 0.0
    original = RequestRepository(session).get(original_id)
    if not hmac.compare_digest(expected, sig) or ends < today or original is None:
        raise OriginalPassInvalid(
            f"采集需求 {original_id} 不存在（或链接已失效，请重新检查）",
            f"request {original_id} not found (or the link ran out: check your form again)",
        )
    asked = set(shared.split(",")) if shared else set()
    return summary(session, original, duplicate=None, asked=asked, overlap=shown, full_view=full_view)
