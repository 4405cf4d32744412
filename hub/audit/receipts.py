"""Read receipts: which records a read returned, so a teacher can be told who read her record.

A read of 10,000 teacher rows must not cost 10,000 audit rows, nor a query per row on the hot read
path. Each (audit entry, school) keeps one blob instead: the sorted 8-byte BLAKE2b fingerprints of
(school code, record key) of the rows the read returned there. That is 8 bytes a record (80 kB for a
10k-row read, plus one row's overhead per school), the lookup filters by school on the primary key
and tests one fingerprint by binary search inside each blob, and the keys are collected in memory as
the rows stream and written once, in the audit transaction that already runs when the read ends.

The fingerprint is not the key: a receipt never holds a teacher key (itself an HMAC of the ID number),
only 64 bits of a hash of it, so a false hit needs two of a school's records to share 64 bits. For a
school of n teachers the odds that any two collide are about n² / 2⁶⁵: for 10,000 teachers 2.7e-12.
The entry's detail holds the SHA-256 of its receipts ("receipts"), so the seal covers them and
`verify` finds a receipt altered, added or removed.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping

WIDTH = 8  # bytes of each fingerprint


def fingerprint(school_code: str, record_key: str) -> bytes:
    """The 8-byte BLAKE2b of the school code and the record's key (a unit separator between them)."""
    return hashlib.blake2b(f"{school_code}\x1f{record_key}".encode(), digest_size=WIDTH).digest()


def pack(fingerprints: Iterable[bytes]) -> bytes:
    """The fingerprints sorted and without repeats, end to end: the blob a receipt row stores."""
    return b"".join(sorted(set(fingerprints)))


def digest(receipts: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 over each school's code and blob, by school code: what an entry's seal covers."""
    state = hashlib.sha256()
    for school_code, blob in sorted(receipts):
        state.update(f"{school_code}:{len(blob)}:".encode())
        state.update(blob)
    return state.hexdigest()


def holds(blob: bytes, wanted: bytes) -> bool:
    """Whether a packed blob holds `wanted`: a binary search over its fixed-width slots."""
    count = len(blob) // WIDTH
    slots = _Slots(blob)
    at = bisect_left(slots, wanted, 0, count)
    return at < count and slots[at] == wanted


class _Slots:
    """A packed blob seen as a sequence of fingerprints, without splitting it up (for `bisect`)."""

    def __init__(self, blob: bytes) -> None:
        self.blob = memoryview(blob)

    def __len__(self) -> int:
        return len(self.blob) // WIDTH

    def __getitem__(self, index: int) -> bytes:
        return bytes(self.blob[index * WIDTH : (index + 1) * WIDTH])


class Collector:
    """The records a read returned, by school, gathered as its rows stream (a dict append per row)."""

    def __init__(self) -> None:
        self.by_school: defaultdict[str, list[bytes]] = defaultdict(list)

    def add(self, school_code: str, record_key: str) -> None:
        self.by_school[school_code].append(fingerprint(school_code, record_key))

    def discard_last(self, school_code: str) -> None:
        """Forget the last record of `school_code` (a page's look-ahead row that was not returned)."""
        if self.by_school.get(school_code):
            self.by_school[school_code].pop()

    def packed(self) -> dict[str, bytes]:
        return {school: pack(prints) for school, prints in self.by_school.items() if prints}


def packed_of(receipts: Collector | Mapping[str, bytes] | None) -> dict[str, bytes]:
    if receipts is None:
        return {}
    return receipts.packed() if isinstance(receipts, Collector) else dict(receipts)
