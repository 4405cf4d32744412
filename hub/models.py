"""Every mapped table, imported in one place for Alembic and for `create_all` in throwaway databases."""

from hub.access.models import Grant, Principal  # noqa: F401
from hub.records.models import IngestBatch, RecordHistory, schools_table, teachers_table  # noqa: F401
from hub.standard.models import LearnedSynonym, StandardVersion  # noqa: F401
from hub.requests.models import DataRequest, RequestField  # noqa: F401
