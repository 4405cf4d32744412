"""The API dependencies of principals and grants (the rules themselves are in `hub.access.roles`, which
the access service imports without the web layer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from hub.access.models import Principal
from hub.access.roles import ADMINISTER, GRANT
from hub.deps import require

Admin = Annotated[Principal, Depends(require(ADMINISTER))]
Grantor = Annotated[Principal, Depends(require(GRANT))]
