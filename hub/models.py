"""Every mapped table on Base.metadata, for Alembic and for anything that needs the whole schema."""

from hub.kit.discovery import domain_modules

MODEL_MODULES = domain_modules("models")
