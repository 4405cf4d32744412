"""Reads the standard from its YAML files.

Layout of a standard directory::

    standard.yaml            version: <int>
    elements/<entity>.yaml   elements: {<name>: {label_zh, label_en, synonyms, type, ...}}
    codelists/<name>.yaml    {label_zh, label_en, source, codes: [{code, zh, en, short?, aliases}]}
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import yaml

from schemas.errors import InvalidStandardError, StandardFileError
from schemas.model import (
    Code,
    CodeList,
    Derivation,
    Element,
    Periodicity,
    RecordFilter,
    Standard,
    normalize_term,
)

DATA_DIR = Path(__file__).parent / "data"

_ELEMENT_KEYS = {
    "applies_when",
    "label_zh",
    "label_en",
    "synonyms",
    "type",
    "code_list",
    "unit",
    "required",
    "sensitivity",
    "sharing",
    "sharing_reason_zh",
    "sharing_reason_en",
    "validator",
    "min",
    "max",
    "max_length",
    "derivation",
    "description_zh",
    "description_en",
    "period",
}
_DERIVATION_KEYS = {"function", "inputs", "description_zh", "description_en", "filters"}
_CODE_KEYS = {"code", "zh", "en", "short", "aliases"}
_CODE_LIST_KEYS = {"label_zh", "label_en", "source", "codes"}


_BaseLoader = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe loader (libyaml's when built) that refuses duplicate keys, which YAML silently overwrites."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(str(key), key_node.start_mark.line + 1)
            seen.add(key)
        mapping: dict[Hashable, Any] = super().construct_mapping(node, deep=deep)
        return mapping


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key, line)
        self.key = key
        self.line = line


def load_standard(path: str | Path | None = None) -> Standard:
    """Load the standard from a directory (default: the bundled one). Results are cached per content."""
    root = Path(path) if path is not None else DATA_DIR
    root = root.resolve()
    files = tuple(sorted(root.rglob("*.yaml")))
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _load_cached(root, stamp)


@functools.lru_cache(maxsize=16)
def _load_cached(root: Path, stamp: tuple[tuple[str, int, int], ...]) -> Standard:
    del stamp  # part of the cache key only: edited files give a new entry
    return _load(root)


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        raise StandardFileError(
            path=path,
            element=exc.key,
            reason_zh=f"第 {exc.line} 行：代码 {exc.key} 重复定义",
            reason_en=f"line {exc.line}: code {exc.key!r} is defined twice",
        ) from None
    except yaml.YAMLError as exc:
        raise StandardFileError(
            path=path, element="-", reason_zh=f"YAML 格式错误：{exc}", reason_en=f"invalid YAML: {exc}"
        ) from None


def _load(root: Path) -> Standard:
    meta_path = root / "standard.yaml"
    if not meta_path.is_file():
        raise StandardFileError(
            path=meta_path, element="-", reason_zh="缺少 standard.yaml", reason_en="standard.yaml is missing"
        )
    meta = _read(meta_path)
    version = meta.get("version") if isinstance(meta, dict) else None
    if not isinstance(version, int) or version < 1:
        raise StandardFileError(
            path=meta_path,
            element="version",
            reason_zh="version 必须是正整数",
            reason_en="version must be a positive integer",
        )

    origin: dict[str, Path] = {}
    code_lists: list[CodeList] = []
    for path in sorted((root / "codelists").glob("*.yaml")):
        code_list = _parse_code_list(path, _read(path))
        if code_list.name in origin:
            raise StandardFileError(
                path=path,
                element=code_list.name,
                reason_zh=f"代码表 {code_list.name} 已在 {origin[code_list.name]} 中定义",
                reason_en=f"code list {code_list.name} is already defined in {origin[code_list.name]}",
            )
        origin[code_list.name] = path
        code_lists.append(code_list)

    elements: list[Element] = []
    for path in sorted((root / "elements").glob("*.yaml")):
        for element in _parse_elements(path, _read(path)):
            if element.code in origin:
                raise StandardFileError(
                    path=path,
                    element=element.code,
                    reason_zh=f"元素代码 {element.code} 已在 {origin[element.code]} 中定义",
                    reason_en=f"element code {element.code} is already defined in {origin[element.code]}",
                )
            origin[element.code] = path
            elements.append(element)

    try:
        elements.extend(per_student_ratios(elements))
        return Standard(version=version, elements=tuple(elements), code_lists=tuple(code_lists))
    except InvalidStandardError as exc:
        where = origin.get(exc.element) or origin.get(exc.element.split(":")[0]) or root
        raise StandardFileError(
            path=where, element=exc.element, reason_zh=exc.reason_zh, reason_en=exc.reason_en
        ) from None


def _fail(path: Path, element: str, zh: str, en: str) -> StandardFileError:
    return StandardFileError(path=path, element=element, reason_zh=zh, reason_en=en)


def _check_keys(path: Path, element: str, data: Any, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise _fail(path, element, "应为键值映射", "expected a mapping")
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise _fail(path, element, f"未知的键 {unknown}", f"unknown keys {unknown}")
    return data


def _strings(path: Path, element: str, value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, element, f"{key} 应为字符串列表", f"{key} must be a list of strings")
    return tuple(dict.fromkeys(v.strip() for v in value))


def _optional_str(path: Path, element: str, data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise _fail(path, element, f"{key} 应为字符串", f"{key} must be a string")
    return value


def _optional_number(path: Path, element: str, data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, element, f"{key} 应为数值", f"{key} must be a number")
    return float(value)


def _parse_elements(path: Path, data: Any) -> list[Element]:
    top = _check_keys(path, "-", data, {"entity", "elements"})
    entity = top.get("entity", path.stem)
    body = top.get("elements")
    if not isinstance(body, dict) or not body:
        raise _fail(path, "-", "缺少 elements 映射", "the file has no 'elements' mapping")
    result = []
    for name, raw in body.items():
        code = f"{entity}.{name}"
        spec = _check_keys(path, code, raw, _ELEMENT_KEYS)
        derivation = None
        if spec.get("derivation") is not None:
            d = _check_keys(path, code, spec["derivation"], _DERIVATION_KEYS)
            filters = []
            for flt in d.get("filters") or []:
                f = _check_keys(path, code, flt, {"element", "codes"})
                filters.append(
                    RecordFilter(
                        element=str(f.get("element")), codes=_strings(path, code, f.get("codes"), "codes")
                    )
                )
            derivation = Derivation(
                function=str(d.get("function")),
                inputs=_strings(path, code, d.get("inputs"), "inputs"),
                description_zh=str(d.get("description_zh", "")),
                description_en=str(d.get("description_en", "")),
                filters=tuple(filters),
            )
        applies_when = None
        if spec.get("applies_when") is not None:
            a = _check_keys(path, code, spec["applies_when"], {"element", "codes"})
            applies_when = RecordFilter(
                element=str(a.get("element")), codes=_strings(path, code, a.get("codes"), "codes")
            )
        max_length = spec.get("max_length")
        if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int)):
            raise _fail(path, code, "max_length 应为整数", "max_length must be an integer")
        required = spec.get("required", False)
        if not isinstance(required, bool):
            raise _fail(path, code, "required 应为 true 或 false", "required must be true or false")
        sharing = spec.get("sharing")
        if sharing is None:
            # Every element is reviewed into the sharing catalogue: none is shared by default.
            raise _fail(
                path,
                code,
                "缺少共享类型 sharing（unconditional 无条件共享 / conditional 有条件共享 / not_shared 不予共享）",
                "sharing is missing (unconditional / conditional / not_shared)",
            )
        try:
            element = Element(
                code=code,
                entity=str(entity),
                name=str(name),
                label_zh=str(spec.get("label_zh") or ""),
                label_en=str(spec.get("label_en") or ""),
                synonyms=_strings(path, code, spec.get("synonyms"), "synonyms"),
                value_type=str(spec.get("type", "string")),
                code_list=_optional_str(path, code, spec, "code_list"),
                unit=_optional_str(path, code, spec, "unit"),
                required=required,
                sensitivity=str(spec.get("sensitivity", "internal")),
                sharing=str(sharing),
                sharing_reason_zh=str(spec.get("sharing_reason_zh") or ""),
                sharing_reason_en=str(spec.get("sharing_reason_en") or ""),
                validator=_optional_str(path, code, spec, "validator"),
                min_value=_optional_number(path, code, spec, "min"),
                max_value=_optional_number(path, code, spec, "max"),
                max_length=max_length,
                derivation=derivation,
                applies_when=applies_when,
                description_zh=str(spec.get("description_zh") or ""),
                description_en=str(spec.get("description_en") or ""),
                future_allowed=bool(spec.get("future_allowed", False)),
                period=_periodicity(path, code, spec.get("period")),
            )
        except InvalidStandardError as exc:
            raise _fail(path, code, exc.reason_zh, exc.reason_en) from None
        result.append(element)
    return result


def _periodicity(path: Path, code: str, raw: Any) -> Periodicity | None:
    if raw is None:
        return None
    spec = _check_keys(path, code, raw, {"kind", "measure", "additive"})
    additive = spec.get("additive", False)
    if not isinstance(additive, bool):
        raise _fail(path, code, "additive 应为 true 或 false", "additive must be true or false")
    return Periodicity(kind=str(spec.get("kind")), measure=str(spec.get("measure")), additive=additive)


def _parse_code_list(path: Path, data: Any) -> CodeList:
    name = path.stem
    spec = _check_keys(path, name, data, _CODE_LIST_KEYS)
    raw_codes = spec.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        raise _fail(path, name, "缺少 codes 列表", "the code list has no 'codes'")
    codes = []
    for raw in raw_codes:
        entry = _check_keys(path, name, raw, _CODE_KEYS)
        code = entry.get("code")
        if not isinstance(code, str) or not code:
            # An unquoted 01 reads as the integer 1 and would lose its leading zero.
            raise _fail(
                path, f"{name}:{code}", "代码必须是加引号的字符串", "codes must be quoted strings in YAML"
            )
        zh, en = entry.get("zh"), entry.get("en")
        if not isinstance(zh, str) or not isinstance(en, str) or not zh or not en:
            raise _fail(path, f"{name}:{code}", "缺少中文或英文名称", "zh and en labels are required")
        codes.append(
            Code(
                code=code,
                label_zh=zh,
                label_en=en,
                aliases=_strings(path, name, entry.get("aliases"), "aliases"),
                short_zh=_optional_str(path, f"{name}:{code}", entry, "short") or "",
            )
        )
    try:
        return CodeList(
            name=name,
            label_zh=str(spec.get("label_zh") or name),
            label_en=str(spec.get("label_en") or ""),
            source=str(spec.get("source") or ""),
            codes=tuple(codes),
        )
    except InvalidStandardError as exc:
        raise _fail(path, exc.element, exc.reason_zh, exc.reason_en) from None


# Quantities a school holds whose per-student figure forms ask for (生均校舍建筑面积, 生均图书): areas,
# books, computers and money. One derived element per gathered quantity, so that any quantity the
# standard gains gets its 生均 figure too.
PER_STUDENT_UNITS: Final = frozenset({"m2", "册", "台", "万元", "元"})
STUDENT_COUNT: Final = "school.student_count"


def per_student_ratios(elements: Sequence[Element]) -> list[Element]:
    """生均X = X ÷ 在校学生数 for every gathered school quantity X in `PER_STUDENT_UNITS`."""
    codes = {e.code for e in elements}
    if STUDENT_COUNT not in codes:
        return []
    claimed = {normalize_term(t) for e in elements for t in e.terms}
    out: list[Element] = []
    for x in elements:
        if x.entity != "school" or x.derivation is not None or x.unit not in PER_STUDENT_UNITS:
            continue
        code = f"{x.code}_per_student"
        if code in codes:
            continue
        zh = [f"生均{t}" for t in (x.label_zh, *x.synonyms) if not t.isascii()]
        terms = [t for t in dict.fromkeys(zh) if normalize_term(t) not in claimed]
        if not terms:
            continue
        claimed.update(normalize_term(t) for t in terms)
        out.append(
            Element(
                code=code,
                entity="school",
                name=f"{x.name}_per_student",
                label_zh=terms[0],
                label_en=f"{x.label_en} per student",
                synonyms=tuple(terms[1:]),
                value_type="decimal",
                unit=x.unit,
                sensitivity=x.sensitivity,
                sharing=x.sharing,
                min_value=0,
                derivation=Derivation(
                    function="ratio",
                    inputs=(x.code, STUDENT_COUNT),
                    description_zh=f"{x.label_zh}除以在校学生数。",
                    description_en=f"{x.label_en} divided by the number of students.",
                ),
            )
        )
    return out
