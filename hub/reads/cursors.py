"""Paging cursors a department cannot read or forge, and cannot share with another department.

A cursor holds where a page ended: for rows the last record's key (its school code and the hub's own
teacher key), for the change feed a commit position. Handed out in clear, the teacher key would be the
same for every department, so two departments could join their extracts on it although their record ids
differ (issue 20). A cursor is therefore sealed under a key derived from the hub's secret and the
reading department: it is opaque, tamper-evident, and a cursor issued to one department is refused for
another.

The seal is AES-SIV (RFC 5297, deterministic authenticated encryption from `cryptography`): the same
place gives the same cursor to the same department, so a page is the same page whichever path wrote it.
Reusing a cursor reveals only that two pages ended at the same place, which the department sees anyway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from hub.reads.errors import CursorInvalid


def _cipher(secret_key: str, holder_id: int) -> AESSIV:
    derived = hmac.new(secret_key.encode(), f"cursor:{holder_id}".encode(), hashlib.sha512).digest()
    return AESSIV(derived)  # 512 bits: AES-256-SIV


def seal(values: list[Any], *, secret_key: str, holder_id: int) -> str:
    """The cursor a department passes back to continue after `values`."""
    sealed = _cipher(secret_key, holder_id).encrypt(orjson.dumps(values), None)
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def unseal(
    cursor: str, *, secret_key: str, holder_id: int, kinds: tuple[type, ...], field_name: str
) -> list[Any]:
    """The values sealed in a cursor this hub issued to this department, of the given kinds."""
    try:
        sealed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = orjson.loads(_cipher(secret_key, holder_id).decrypt(sealed, None))
    except (InvalidTag, ValueError, orjson.JSONDecodeError) as exc:
        raise _invalid(cursor, field_name) from exc
    if (
        not isinstance(values, list)
        or len(values) != len(kinds)
        or not all(isinstance(v, k) and not isinstance(v, bool) for v, k in zip(values, kinds, strict=True))
    ):
        raise _invalid(cursor, field_name)
    return values


def _invalid(cursor: str, field_name: str) -> CursorInvalid:
    return CursorInvalid(
        "游标无效：请使用本接口上一页返回的游标",
        f"the {field_name} cursor is not one this API issued to you; pass the previous page's next_cursor",
        detail={"field": field_name, "value": cursor[:100]},
    )
