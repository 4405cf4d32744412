"""foundation: principals, standard, store, requests, grants

Revision ID: 0001
Revises:
Create Date: 2026-11-27 15:03:34.131029
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import hub.db

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _create_record_history() -> None:
    """Append-only history. PostgreSQL: partitioned by time (a default partition catches every row until
    `hub` adds monthly ones); SQLite: a plain table whose id is the rowid."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """CREATE TABLE record_history (
                id BIGSERIAL NOT NULL,
                recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
                entity VARCHAR(16) NOT NULL,
                school_code VARCHAR(10) NOT NULL,
                record_key VARCHAR(64) NOT NULL,
                batch_id INTEGER,
                changes JSONB NOT NULL,
                CONSTRAINT pk_record_history PRIMARY KEY (id, recorded_at)
            ) PARTITION BY RANGE (recorded_at)"""
        )
        op.execute("CREATE TABLE record_history_default PARTITION OF record_history DEFAULT")
        return
    op.create_table(
        "record_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recorded_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("record_key", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
    )


def upgrade() -> None:
    op.create_table(
        "principals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=True),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principals")),
        sa.UniqueConstraint("code", name=op.f("uq_principals_code")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_principals_token_digest")),
    )
    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_principals_school_code"), ["school_code"], unique=False)

    _create_record_history()
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_history_record", ["entity", "record_key", "recorded_at"], unique=False
        )

    op.create_table(
        "schools",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("short_name", sa.String(length=50), nullable=True),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("school_type", sa.String(length=32), nullable=True),
        sa.Column("ownership", sa.String(length=32), nullable=True),
        sa.Column("competent_authority", sa.String(length=100), nullable=True),
        sa.Column("division_code", sa.String(length=6), nullable=True),
        sa.Column("province", sa.String(length=32), nullable=True),
        sa.Column("urban_rural", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=6), nullable=True),
        sa.Column("longitude", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("latitude", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("fax", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=100), nullable=True),
        sa.Column("website", sa.String(length=200), nullable=True),
        sa.Column("principal_name", sa.String(length=50), nullable=True),
        sa.Column("principal_phone", sa.String(length=11), nullable=True),
        sa.Column("party_secretary_name", sa.String(length=50), nullable=True),
        sa.Column("legal_representative", sa.String(length=50), nullable=True),
        sa.Column("contact_person", sa.String(length=50), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("founding_year", sa.BigInteger(), nullable=True),
        sa.Column("student_count", sa.BigInteger(), nullable=True),
        sa.Column("class_count", sa.BigInteger(), nullable=True),
        sa.Column("staff_count", sa.BigInteger(), nullable=True),
        sa.Column("established_post_count", sa.BigInteger(), nullable=True),
        sa.Column("enrolment_count", sa.BigInteger(), nullable=True),
        sa.Column("graduate_count", sa.BigInteger(), nullable=True),
        sa.Column("boarding_student_count", sa.BigInteger(), nullable=True),
        sa.Column("migrant_student_count", sa.BigInteger(), nullable=True),
        sa.Column("left_behind_student_count", sa.BigInteger(), nullable=True),
        sa.Column("land_area", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("floor_area", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("sports_ground_area", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("green_area", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("canteen_area", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("dormitory_area", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("fixed_assets_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("equipment_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("annual_expenditure", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("book_count", sa.BigInteger(), nullable=True),
        sa.Column("computer_count", sa.BigInteger(), nullable=True),
        sa.Column("multimedia_classroom_count", sa.BigInteger(), nullable=True),
        sa.Column("internet_bandwidth", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("has_canteen", sa.Boolean(), nullable=True),
        sa.Column("has_dormitory", sa.Boolean(), nullable=True),
        sa.Column("is_boarding", sa.Boolean(), nullable=True),
        sa.Column("security_staff_count", sa.BigInteger(), nullable=True),
        sa.Column("safety_officer_name", sa.String(length=50), nullable=True),
        sa.Column("safety_officer_phone", sa.String(length=11), nullable=True),
        sa.Column("school_doctor_count", sa.BigInteger(), nullable=True),
        sa.Column("psych_teacher_count", sa.BigInteger(), nullable=True),
        sa.Column(
            "extra", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=True
        ),
        sa.Column("updated_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_schools")),
    )
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.create_index("ix_schools_division_code", ["division_code"], unique=False)

    op.create_table(
        "ingest_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=300), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("principal_id", sa.Integer(), nullable=True),
        sa.Column("standard_version", sa.Integer(), nullable=False),
        sa.Column("started_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column(
            "unknown_columns",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "rejected_rows",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["principals.id"], name=op.f("fk_ingest_batches_principal_id_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_batches")),
    )
    op.create_table(
        "learned_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("element_code", sa.String(length=120), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_learned_synonyms_created_by_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_synonyms")),
    )
    with op.batch_alter_table("learned_synonyms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learned_synonyms_element_code"), ["element_code"], unique=False)

    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column(
            "schools",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("period", sa.String(length=64), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("standard_version", sa.Integer(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("overlap", sa.Float(), nullable=True),
        sa.Column(
            "violations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("form_number", sa.String(length=64), nullable=True),
        sa.Column("approval_number", sa.String(length=128), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("published_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["principals.id"], name=op.f("fk_requests_decided_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["principals.id"], name=op.f("fk_requests_department_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"], ["requests.id"], name=op.f("fk_requests_duplicate_of_requests")
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["principals.id"], name=op.f("fk_requests_published_by_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_requests_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_requests_status"), ["status"], unique=False)

    op.create_table(
        "standard_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "added_elements",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_standard_versions_created_by_principals")
        ),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_standard_versions")),
    )
    op.create_table(
        "teachers",
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("teacher_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.Column("former_name", sa.String(length=50), nullable=True),
        sa.Column("gender", sa.String(length=32), nullable=True),
        sa.Column("id_type", sa.String(length=32), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("ethnicity", sa.String(length=32), nullable=True),
        sa.Column("nationality", sa.String(length=50), nullable=True),
        sa.Column("political_status", sa.String(length=32), nullable=True),
        sa.Column("party_join_date", sa.Date(), nullable=True),
        sa.Column("native_place", sa.String(length=100), nullable=True),
        sa.Column("birth_place", sa.String(length=100), nullable=True),
        sa.Column("hukou_location", sa.String(length=200), nullable=True),
        sa.Column("hukou_type", sa.String(length=32), nullable=True),
        sa.Column("marital_status", sa.String(length=32), nullable=True),
        sa.Column("health_status", sa.String(length=32), nullable=True),
        sa.Column("blood_type", sa.String(length=32), nullable=True),
        sa.Column("height", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("weight", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("last_health_check_date", sa.Date(), nullable=True),
        sa.Column("mobile", sa.String(length=11), nullable=True),
        sa.Column("office_phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=100), nullable=True),
        sa.Column("home_address", sa.String(length=200), nullable=True),
        sa.Column("mailing_address", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=6), nullable=True),
        sa.Column("emergency_contact_name", sa.String(length=50), nullable=True),
        sa.Column("emergency_contact_phone", sa.String(length=20), nullable=True),
        sa.Column("education_level", sa.String(length=32), nullable=True),
        sa.Column("first_education_level", sa.String(length=32), nullable=True),
        sa.Column("degree", sa.String(length=32), nullable=True),
        sa.Column("graduation_school", sa.String(length=100), nullable=True),
        sa.Column("major", sa.String(length=100), nullable=True),
        sa.Column("graduation_date", sa.Date(), nullable=True),
        sa.Column("is_normal_major", sa.Boolean(), nullable=True),
        sa.Column("qualification_type", sa.String(length=32), nullable=True),
        sa.Column("qualification_number", sa.String(length=30), nullable=True),
        sa.Column("qualification_subject", sa.String(length=32), nullable=True),
        sa.Column("mandarin_level", sa.String(length=32), nullable=True),
        sa.Column("title", sa.String(length=32), nullable=True),
        sa.Column("post_grade", sa.String(length=32), nullable=True),
        sa.Column("title_obtained_date", sa.Date(), nullable=True),
        sa.Column("title_appointed_date", sa.Date(), nullable=True),
        sa.Column("position", sa.String(length=100), nullable=True),
        sa.Column("post_category", sa.String(length=32), nullable=True),
        sa.Column("staff_category", sa.String(length=32), nullable=True),
        sa.Column("subject", sa.String(length=32), nullable=True),
        sa.Column("grades_taught", sa.String(length=100), nullable=True),
        sa.Column("teaching_stage", sa.String(length=32), nullable=True),
        sa.Column("weekly_lessons", sa.BigInteger(), nullable=True),
        sa.Column("is_head_teacher", sa.Boolean(), nullable=True),
        sa.Column("head_teacher_years", sa.BigInteger(), nullable=True),
        sa.Column("backbone_level", sa.String(length=32), nullable=True),
        sa.Column("work_start_date", sa.Date(), nullable=True),
        sa.Column("school_join_date", sa.Date(), nullable=True),
        sa.Column("staffing", sa.String(length=32), nullable=True),
        sa.Column("is_special_post_teacher", sa.Boolean(), nullable=True),
        sa.Column("staff_number", sa.String(length=30), nullable=True),
        sa.Column("training_hours", sa.BigInteger(), nullable=True),
        sa.Column("honours", sa.String(length=500), nullable=True),
        sa.Column("awards", sa.String(length=1000), nullable=True),
        sa.Column("bank_name", sa.String(length=100), nullable=True),
        sa.Column("bank_account", sa.String(length=30), nullable=True),
        sa.Column("housing_fund_account", sa.String(length=30), nullable=True),
        sa.Column(
            "extra", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=True
        ),
        sa.Column("updated_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_code"], ["schools.code"], name=op.f("fk_teachers_school_code_schools")
        ),
        sa.PrimaryKeyConstraint("school_code", "teacher_key", name=op.f("pk_teachers")),
    )
    with op.batch_alter_table("teachers", schema=None) as batch_op:
        batch_op.create_index("ix_teachers_teacher_key", ["teacher_key"], unique=False)

    op.create_table(
        "grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column(
            "elements",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "clear_elements",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "schools",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_grants_created_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["principals.id"], name=op.f("fk_grants_department_id_principals")
        ),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], name=op.f("fk_grants_request_id_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
    )
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grants_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grants_request_id"), ["request_id"], unique=False)

    op.create_table(
        "request_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=False),
        sa.Column("value_type", sa.String(length=32), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("element_code", sa.String(length=120), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("match_kind", sa.String(length=16), nullable=False),
        sa.Column("explanation_zh", sa.Text(), nullable=False),
        sa.Column("explanation_en", sa.Text(), nullable=False),
        sa.Column(
            "conversion",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "derived_from",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "alternatives",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("repeated_in_request", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_fields_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_fields")),
    )
    with op.batch_alter_table("request_fields", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_fields_element_code"), ["element_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_request_fields_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("request_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_fields_request_id"))
        batch_op.drop_index(batch_op.f("ix_request_fields_element_code"))

    op.drop_table("request_fields")
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grants_request_id"))
        batch_op.drop_index(batch_op.f("ix_grants_department_id"))

    op.drop_table("grants")
    with op.batch_alter_table("teachers", schema=None) as batch_op:
        batch_op.drop_index("ix_teachers_teacher_key")

    op.drop_table("teachers")
    op.drop_table("standard_versions")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requests_status"))
        batch_op.drop_index(batch_op.f("ix_requests_department_id"))

    op.drop_table("requests")
    with op.batch_alter_table("learned_synonyms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learned_synonyms_element_code"))

    op.drop_table("learned_synonyms")
    op.drop_table("ingest_batches")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_index("ix_schools_division_code")

    op.drop_table("schools")
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.drop_index("ix_record_history_record")

    op.drop_table("record_history")
    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_principals_school_code"))

    op.drop_table("principals")
