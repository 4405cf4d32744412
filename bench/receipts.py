"""Read receipts: bytes stored per 10,000-row read, the cost of collecting them, a teacher's lookup.

    python bench/receipts.py                      # SQLite in a temporary folder
    HUB_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_receipts python bench/receipts.py

A demo-sized city (320 schools, 10,000 teachers); each read returns every teacher, so each leaves 320
receipt rows (one per school) holding 10,000 fingerprints. The table holds only receipts, so its size
on disk divided by the reads is what a read costs (PostgreSQL: pg_total_relation_size, with the index).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from sqlalchemy import Engine, insert, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from hub.audit.models import AuditReceipt  # noqa: E402
from hub.audit.receipts import WIDTH, Collector, fingerprint, holds  # noqa: E402
from hub.databases import bench_database_url, fresh_engine  # noqa: E402


def _sqlite_bytes(engine: Engine) -> int:
    """The SQLite file's used size (page count × page size); 0 elsewhere."""
    if engine.dialect.name != "sqlite":
        return 0
    with engine.connect() as connection:
        pages = int(connection.scalar(text("PRAGMA page_count")) or 0)
        free = int(connection.scalar(text("PRAGMA freelist_count")) or 0)
        return (pages - free) * int(connection.scalar(text("PRAGMA page_size")) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=320)
    parser.add_argument("--teachers", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()
    schools = [f"23390{n:05d}" for n in range(args.schools)]
    keys = [(schools[n % args.schools], secrets.token_hex(32)) for n in range(args.teachers)]

    started = time.perf_counter()
    receipt = Collector()
    for school, key in keys:
        receipt.add(school, key)
    packed = receipt.packed()
    collect = time.perf_counter() - started
    payload = sum(len(b) for b in packed.values())

    engine = fresh_engine(bench_database_url("bench_receipts"))
    before = _sqlite_bytes(engine)
    with Session(engine) as session, session.begin():
        for entry_id in range(1, args.reads + 1):
            session.execute(
                insert(AuditReceipt),
                [
                    {"school_code": s, "entry_id": entry_id, "records": len(b) // WIDTH, "fingerprints": b}
                    for s, b in packed.items()
                ],
            )
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE audit_receipts")
            )
            stored = connection.scalar(text("SELECT pg_total_relation_size('audit_receipts')"))
        else:
            stored = _sqlite_bytes(engine) - before
    school, key = keys[0]
    wanted = fingerprint(school, key)
    with Session(engine) as session:
        started = time.perf_counter()
        found = [
            blob
            for (blob,) in session.execute(
                text("SELECT fingerprints FROM audit_receipts WHERE school_code = :s"), {"s": school}
            )
            if holds(bytes(blob), wanted)
        ]
        lookup = time.perf_counter() - started
    assert len(found) == args.reads  # every read returned her record
    print(f"database: {engine.dialect.name}; {args.teachers:,} rows a read over {args.schools} schools")
    print(f"fingerprints per read: {payload:,} bytes ({WIDTH} a record)")
    print(f"stored per read, on disk with row overhead and index: {stored / args.reads:,.0f} bytes")
    print(
        f"collecting a read's receipt: {collect * 1000:.1f} ms ({collect / args.teachers * 1e6:.2f} µs a row)"
    )
    print(f"one teacher's lookup over {args.reads} reads of her school: {lookup * 1000:.1f} ms")


if __name__ == "__main__":
    main()
