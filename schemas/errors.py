"""Exceptions raised by the data-standard library.

Each carries structured attributes so callers can build their own messages, and a default message in
Chinese and English for people reading logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class UnknownElementError(KeyError):
    """An element code that the standard does not define."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"数据标准中没有元素 {self.code} / the standard has no element {self.code!r}"


class UnknownCodeListError(KeyError):
    """A code-list name that the standard does not define."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"数据标准中没有代码表 {self.name} / the standard has no code list {self.name!r}"


class InvalidStandardError(ValueError):
    """A standard whose elements or code lists contradict each other."""

    def __init__(self, *, element: str, reason_zh: str, reason_en: str) -> None:
        self.element = element
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(self._message())

    def _message(self) -> str:
        return f"{self.element}：{self.reason_zh} / {self.element}: {self.reason_en}"


class StandardFileError(InvalidStandardError):
    """A standard data file that cannot be loaded; names the file and the element at fault."""

    def __init__(self, *, path: Path | str, element: str, reason_zh: str, reason_en: str) -> None:
        self.path = Path(path)
        super().__init__(element=element, reason_zh=reason_zh, reason_en=reason_en)

    def _message(self) -> str:
        return (
            f"文件 {self.path}，元素 {self.element}：{self.reason_zh} / "
            f"file {self.path}, element {self.element}: {self.reason_en}"
        )


class MissingColumnsError(ValueError):
    """A table lacks columns that the standard requires for its entity."""

    def __init__(self, *, entity: str, columns: Sequence[str]) -> None:
        self.entity = entity
        self.columns = tuple(columns)
        names = ", ".join(self.columns)
        super().__init__(f"缺少必填列：{names}（{entity}）/ required columns missing for {entity}: {names}")
