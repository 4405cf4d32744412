"""Reading an uploaded or dropped file into a frame, with reader errors turned into the hub's 422."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from connectors.files import read_table
from hub.errors import Invalid


def read_upload(content: bytes | Path, *, filename: str | None = None, sheet: str | None = None) -> tuple[pd.DataFrame, str]:
    """The file as a frame of strings (index = row numbers as a person sees them) and its SHA-256."""
    raw = content.read_bytes() if isinstance(content, Path) else content
    name = filename or (content.name if isinstance(content, Path) else None)
    try:
        table = read_table(raw, filename=name, sheet=sheet)
    except ValueError as exc:
        raise Invalid(str(exc), detail={"file": name}) from exc
    return table.frame, hashlib.sha256(raw).hexdigest()
