"""Errors of the matching library."""

from __future__ import annotations


class DedupError(Exception):
    """Base of the errors this library raises."""


class UnknownEntityError(DedupError, ValueError):
    """A label was matched for an entity the library does not know."""

    def __init__(self, entity: str) -> None:
        super().__init__(f"unknown entity {entity!r} (未知实体); expected 'teacher' or 'school'")
        self.entity = entity
        self.reason_zh = f"实体“{entity}”未定义，应为 teacher 或 school"
        self.reason_en = f"entity {entity!r} is not 'teacher' or 'school'"


class DevsetFormatError(DedupError, ValueError):
    """A development-set file does not have the expected shape."""

    def __init__(self, path: str, where: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"{path}: {where}: {reason_en} ({reason_zh})")
        self.path = path
        self.where = where
        self.reason_zh = reason_zh
        self.reason_en = reason_en
