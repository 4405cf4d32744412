"""the audit log sealed with a keyed MAC, and append-only on PostgreSQL

Entries were chained with plain SHA-256, which anyone who can write to the database can recompute
after an edit. Each entry now names the settings' key that sealed it (`key_id`) and carries an
HMAC-SHA256 under that key (hub.audit.keys). The existing chain is checked as it stood, then
re-sealed in order under the key of the settings this migration runs with; a chain that was already
broken is refused rather than laundered. On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE
of the log and its per-school index, so even the application cannot rewrite history.

Revision ID: 0008_audit_seal
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import hashlib

import orjson
import sqlalchemy as sa
from alembic import op

revision = "0008_audit_seal"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
APPEND_ONLY_TABLES = ("audit_log", "audit_by_school")


def _canonical(value: object) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("key_id", sa.String(16), nullable=True))
    _reseal()
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("key_id", existing_type=sa.String(16), nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """
        )
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
            )


def _reseal() -> None:
    """Check the SHA-256 chain as it stood, then seal every entry in order under the active MAC key."""
    from hub.audit.keys import current_keyring
    from hub.audit.models import AuditChainHead, AuditEntry
    from hub.audit.service import entry_payload

    bind = op.get_bind()
    table = AuditEntry.__table__
    if bind.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0:
        return
    keyring = current_keyring()
    prev_old, prev_new = GENESIS, GENESIS
    for row in bind.execute(sa.select(table).order_by(table.c.id)).mappings():
        entry = dict(row)
        old_payload = {k: v for k, v in entry_payload(_Row(entry, key_id=None)).items() if k != "key_id"}
        if entry["prev_hash"] != prev_old or (
            hashlib.sha256(_canonical(old_payload) + prev_old.encode()).hexdigest() != entry["hash"]
        ):
            raise RuntimeError(
                f"audit entry {entry['id']} does not verify under the old chain: run `hub audit verify` on"
                " the previous release and investigate before upgrading (the log is not re-sealed)"
            )
        prev_old = entry["hash"]
        resealed = _Row(entry, key_id=keyring.active_id, prev_hash=prev_new)
        seal = keyring.mac(keyring.active_id, _canonical(entry_payload(resealed)) + prev_new.encode())
        bind.execute(
            table.update()
            .where(table.c.id == entry["id"])
            .values(prev_hash=prev_new, key_id=keyring.active_id, hash=seal)
        )
        prev_new = seal
    head = AuditChainHead.__table__
    bind.execute(head.update().where(head.c.id == 1).values(last_hash=prev_new))


class _Row:
    """An entry's columns as attributes, with some replaced (what `entry_payload` reads)."""

    def __init__(self, columns: dict[str, object], **replaced: object) -> None:
        self.__dict__.update(columns)
        self.__dict__.update(replaced)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    # The MAC seals stay: the previous release cannot verify them, so a downgrade keeps the column's data
    # out of its way by dropping it, and `hub audit verify` of that release will report the chain broken.
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("key_id")
