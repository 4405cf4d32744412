"""Every mapped table on Base.metadata, for Alembic and for anything that needs the whole schema.

tests/hub/test_app.py fails when a domain's models.py is missing here.
"""

from types import ModuleType

from hub.access import models as access_models
from hub.audit import models as audit_models
from hub.burden import models as burden_models
from hub.complaints import models as complaints_models
from hub.holidays import models as holidays_models
from hub.identity import models as identity_models
from hub.notices import models as notices_models
from hub.onboarding import models as onboarding_models
from hub.records import models as records_models
from hub.register import models as register_models
from hub.requests import models as requests_models
from hub.selfcheck import models as selfcheck_models
from hub.sources import models as sources_models
from hub.standard import models as standard_models
from hub.tasks import models as tasks_models

MODEL_MODULES: tuple[ModuleType, ...] = (
    access_models,
    audit_models,
    burden_models,
    complaints_models,
    holidays_models,
    identity_models,
    notices_models,
    onboarding_models,
    records_models,
    register_models,
    requests_models,
    selfcheck_models,
    sources_models,
    standard_models,
    tasks_models,
)
