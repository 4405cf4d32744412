"""Value types of the data standard: elements, derivations, code lists and a standard version."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NoReturn

from schemas.errors import InvalidStandardError, UnknownCodeListError, UnknownElementError
from schemas.periods import MEASURES, PERIOD_KINDS

ENTITIES = ("teacher", "school")
VALUE_TYPES = ("string", "integer", "decimal", "date", "year_month", "boolean", "code")
SENSITIVITIES = ("public", "internal", "personal", "sensitive")
# The sharing catalogue (共享目录) of the State Council's rules for 政务信息资源共享: 无条件共享 (any department,
# no agreement), 有条件共享 (under an agreement or a release by the data owner), 不予共享 (never released).
SHARING_TYPES = ("unconditional", "conditional", "not_shared")
VALIDATORS = ("id_number", "uscc", "school_code", "mobile", "phone", "postcode", "email", "division_code")
DERIVATION_FUNCTIONS = ("years_since", "count_teachers", "ratio", "year_of", "organisation_code")

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SPACE_RE = re.compile(r"\s+")


def normalize_term(text: str) -> str:
    """Fold a label, synonym or code-list value for comparison: full width to half, case, spaces.

    Forms pad labels (``姓  名``), mix full-width letters and change case, none of which changes meaning.
    """
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True, kw_only=True)
class Code:
    """One value of a code list: the stored code, its labels, and other ways forms write it."""

    code: str
    label_zh: str
    label_en: str
    aliases: tuple[str, ...] = ()
    # The short form the standard gives (GB/T 4762's 简称: 中共党员) or forms print (男 for 男性).
    short_zh: str = ""

    @property
    def shown_zh(self) -> str:
        """The label an answer shows a person: the short form where there is one."""
        return self.short_zh or self.label_zh


@dataclass(frozen=True, kw_only=True)
class CodeList:
    """A list of allowed values from a national or sector standard, accepted by code or by label."""

    name: str
    label_zh: str
    source: str
    codes: tuple[Code, ...]
    label_en: str = ""
    _lookup: Mapping[str, str] = field(init=False, repr=False, compare=False)
    _width: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        seen_codes: set[str] = set()
        for code in self.codes:
            if code.code in seen_codes:
                raise InvalidStandardError(
                    element=f"{self.name}:{code.code}",
                    reason_zh=f"代码表 {self.name} 中代码 {code.code} 重复",
                    reason_en=f"code {code.code} appears twice in code list {self.name}",
                )
            seen_codes.add(code.code)
        # Codes first, so that a label can never shadow another entry's code.
        for code in self.codes:
            lookup[normalize_term(code.code)] = code.code
        for code in self.codes:
            for term in (code.label_zh, code.label_en, *code.aliases):
                key = normalize_term(term)
                if not key:
                    continue
                owner = lookup.setdefault(key, code.code)
                if owner != code.code:
                    raise InvalidStandardError(
                        element=f"{self.name}:{code.code}",
                        reason_zh=f"代码表 {self.name} 中“{term}”同时指向代码 {owner} 和 {code.code}",
                        reason_en=f"in code list {self.name}, {term!r} means both code {owner} and {code.code}",
                    )
        widths = {len(c.code) for c in self.codes}
        numeric = all(c.code.isdigit() for c in self.codes)
        object.__setattr__(self, "_lookup", MappingProxyType(lookup))
        object.__setattr__(self, "_width", widths.pop() if numeric and len(widths) == 1 else None)

    @property
    def values(self) -> tuple[str, ...]:
        """The stored codes, in the order of the standard."""
        return tuple(c.code for c in self.codes)

    @property
    def lookup(self) -> Mapping[str, str]:
        """Every accepted spelling (normalised with `normalize_term`) mapped to its code."""
        return self._lookup

    def get(self, code: str) -> Code | None:
        """The entry with exactly this code, or None."""
        return next((c for c in self.codes if c.code == code), None)

    def resolve(self, value: str) -> str | None:
        """The code that `value` stands for (a code, a label or an alias), or None if it is not in the list."""
        key = normalize_term(value)
        found = self._lookup.get(key)
        if found is not None:
            return found
        # Spreadsheets turn "01" into 1 or 1.0; give the code back its leading zeros.
        if self._width is not None:
            if key.endswith(".0") and key[:-2].isdigit():
                key = key[:-2]
            if key.isdigit() and len(key) < self._width:
                return self._lookup.get(key.zfill(self._width))
        return None


@dataclass(frozen=True, kw_only=True)
class RecordFilter:
    """The records whose `element` holds one of `codes`: those a counting derivation counts, or those
    an element applies to (入党年月 only to Party members)."""

    element: str
    codes: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Derivation:
    """How an element is computed from others (年龄 from 出生日期, 专任教师数 from teacher records)."""

    function: str
    inputs: tuple[str, ...]
    description_zh: str
    description_en: str
    filters: tuple[RecordFilter, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Periodicity:
    """What period an element's values belong to: a stock counted at the period's reference date
    (在校学生数 at the start of the school year) or a flow over it (继续教育学时 of a calendar year).
    Additive flows add up over consecutive periods (近三年学时 is the sum of three years)."""

    kind: str
    measure: str
    additive: bool = False


@dataclass(frozen=True, kw_only=True)
class Element:
    """A data element of the standard: one datum about a teacher or a school."""

    code: str
    entity: str
    name: str
    label_zh: str
    label_en: str
    synonyms: tuple[str, ...] = ()
    value_type: str = "string"
    code_list: str | None = None
    unit: str | None = None
    required: bool = False
    sensitivity: str = "internal"
    sharing: str = "conditional"
    # Why an element is not shared (or shared only on conditions), as the catalogue shows it.
    sharing_reason_zh: str = ""
    sharing_reason_en: str = ""
    validator: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    max_length: int | None = None
    derivation: Derivation | None = None
    # Only some records have this datum (入党年月: Party members): coverage and tasks count those only.
    applies_when: RecordFilter | None = None
    description_zh: str = ""
    description_en: str = ""
    # A date or year-month element whose values may lie in the future (a planned day); others may not.
    future_allowed: bool = False
    # None: timeless (姓名, 出生日期); otherwise one value per record and period.
    period: Periodicity | None = None

    def __post_init__(self) -> None:
        def fail(zh: str, en: str) -> NoReturn:
            raise InvalidStandardError(element=self.code, reason_zh=zh, reason_en=en)

        if self.entity not in ENTITIES:
            fail(
                f"实体 {self.entity} 未定义，应为 {ENTITIES}",
                f"entity {self.entity!r} is not one of {ENTITIES}",
            )
        if not _NAME_RE.match(self.name):
            fail("名称须为小写字母、数字和下划线", f"name {self.name!r} must be snake_case")
        if self.code != f"{self.entity}.{self.name}":
            fail(
                f"代码应为 {self.entity}.{self.name}",
                f"code must be {self.entity}.{self.name!s}, not {self.code!r}",
            )
        if not self.label_zh.strip() or not self.label_en.strip():
            fail("缺少中文或英文名称", "label_zh and label_en are both required")
        if self.value_type not in VALUE_TYPES:
            fail(
                f"值类型 {self.value_type} 未定义",
                f"value type {self.value_type!r} is not one of {VALUE_TYPES}",
            )
        if (self.value_type == "code") != (self.code_list is not None):
            fail(
                "代码类型的元素必须且只有它才能引用代码表",
                "an element has a code_list exactly when its value type is 'code'",
            )
        if self.sensitivity not in SENSITIVITIES:
            fail(
                f"敏感级别 {self.sensitivity} 未定义",
                f"sensitivity {self.sensitivity!r} is not one of {SENSITIVITIES}",
            )
        if self.sharing not in SHARING_TYPES:
            fail(
                f"共享类型 {self.sharing} 未定义，应为 {SHARING_TYPES}",
                f"sharing {self.sharing!r} is not one of {SHARING_TYPES}",
            )
        if self.sharing == "not_shared" and not (
            self.sharing_reason_zh.strip() and self.sharing_reason_en.strip()
        ):
            fail(
                "不予共享的元素须写明理由（sharing_reason_zh、sharing_reason_en）",
                "a not_shared element needs its reason (sharing_reason_zh and sharing_reason_en)",
            )
        if self.validator is not None and self.validator not in VALIDATORS:
            fail(
                f"校验规则 {self.validator} 未定义",
                f"validator {self.validator!r} is not one of {VALIDATORS}",
            )
        if (self.min_value is not None or self.max_value is not None) and self.value_type not in (
            "integer",
            "decimal",
        ):
            fail("只有数值元素可以设定取值范围", "only integer and decimal elements take min_value/max_value")
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            fail("最小值大于最大值", "min_value is greater than max_value")
        if self.max_length is not None and (self.value_type != "string" or self.max_length <= 0):
            fail("只有字符串元素可以设定正的最大长度", "only string elements take a positive max_length")
        if self.derivation is not None and self.derivation.function not in DERIVATION_FUNCTIONS:
            fail(
                f"派生函数 {self.derivation.function} 未定义",
                f"derivation function {self.derivation.function!r} is not one of {DERIVATION_FUNCTIONS}",
            )

        if self.period is not None:
            self._check_period(self.period)

    def _check_period(self, period: Periodicity) -> None:
        def fail(zh: str, en: str) -> NoReturn:
            raise InvalidStandardError(element=self.code, reason_zh=zh, reason_en=en)

        if period.kind not in PERIOD_KINDS:
            fail(
                f"期间类型 {period.kind} 未定义", f"period kind {period.kind!r} is not one of {PERIOD_KINDS}"
            )
        if period.measure not in MEASURES:
            fail(f"计量方式 {period.measure} 未定义", f"measure {period.measure!r} is not one of {MEASURES}")
        if period.additive and (period.measure != "flow" or self.value_type not in ("integer", "decimal")):
            fail("只有数值型的流量可以跨期间相加", "only numeric flows add up over periods (additive)")
        if self.derivation is not None:
            fail("派生元素不单独按期间存储", "a derived element is not stored per period")

    @property
    def periodic(self) -> bool:
        """Whether the element holds one value per period (a stock or a flow) rather than one value."""
        return self.period is not None

    @property
    def terms(self) -> tuple[str, ...]:
        """Every way of writing this element: both labels, then the synonyms."""
        return (self.label_zh, self.label_en, *self.synonyms)

    @property
    def derived(self) -> bool:
        """Whether the element can be computed from other gathered data."""
        return self.derivation is not None


@dataclass(frozen=True, kw_only=True)
class Standard:
    """One immutable version of the data standard."""

    version: int
    elements: tuple[Element, ...]
    code_lists: tuple[CodeList, ...]
    _elements: Mapping[str, Element] = field(init=False, repr=False, compare=False)
    _code_lists: Mapping[str, CodeList] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lists: dict[str, CodeList] = {}
        for code_list in self.code_lists:
            if code_list.name in lists:
                raise InvalidStandardError(
                    element=code_list.name,
                    reason_zh=f"代码表 {code_list.name} 重复定义",
                    reason_en=f"code list {code_list.name} is defined twice",
                )
            lists[code_list.name] = code_list
        elements: dict[str, Element] = {}
        for element in self.elements:
            if element.code in elements:
                raise InvalidStandardError(
                    element=element.code,
                    reason_zh=f"元素代码 {element.code} 重复",
                    reason_en=f"element code {element.code} is defined twice",
                )
            elements[element.code] = element
        object.__setattr__(self, "_elements", MappingProxyType(elements))
        object.__setattr__(self, "_code_lists", MappingProxyType(lists))
        for element in self.elements:
            self._check_references(element)
        for entity in ENTITIES:
            _check_terms_unique(self.elements_for(entity))

    def _check_references(self, element: Element) -> None:
        def fail(zh: str, en: str) -> NoReturn:
            raise InvalidStandardError(element=element.code, reason_zh=zh, reason_en=en)

        if element.code_list is not None and element.code_list not in self._code_lists:
            fail(
                f"引用的代码表 {element.code_list} 不存在", f"code list {element.code_list!r} does not exist"
            )
        if element.applies_when is not None:
            self._check_filter(element, element.applies_when, "适用条件", "applies_when")
            source = self._elements[element.applies_when.element]
            if source.entity != element.entity or source.code_list is None:
                fail(
                    f"适用条件应取本实体的代码类元素，{source.code} 不是",
                    f"applies_when needs a coded element of the same entity, not {source.code!r}",
                )
        if element.derivation is None:
            return
        for code in element.derivation.inputs:
            if code not in self._elements:
                fail(f"派生所需的元素 {code} 不存在", f"derivation input {code!r} is not an element")
            if code == element.code:
                fail("元素不能由自身派生", "an element cannot be derived from itself")
        for flt in element.derivation.filters:
            self._check_filter(element, flt, "派生条件", "derivation filter")

    def _check_filter(self, element: Element, flt: RecordFilter, what_zh: str, what_en: str) -> None:
        def fail(zh: str, en: str) -> NoReturn:
            raise InvalidStandardError(element=element.code, reason_zh=zh, reason_en=en)

        source = self._elements.get(flt.element)
        if source is None:
            fail(f"{what_zh}中的元素 {flt.element} 不存在", f"{what_en} element {flt.element!r} is unknown")
        if source.code_list is not None:
            allowed = set(self._code_lists[source.code_list].values)
            unknown = [c for c in flt.codes if c not in allowed]
            if unknown:
                fail(
                    f"{what_zh}中的代码 {unknown} 不在代码表 {source.code_list} 中",
                    f"{what_en} codes {unknown} are not in code list {source.code_list}",
                )

    @property
    def entities(self) -> tuple[str, ...]:
        """The entities that have elements in this version."""
        return tuple(e for e in ENTITIES if any(el.entity == e for el in self.elements))

    def element(self, code: str) -> Element:
        """The element with this code ("teacher.birth_date"); raises UnknownElementError."""
        try:
            return self._elements[code]
        except KeyError:
            raise UnknownElementError(code) from None

    def has_element(self, code: str) -> bool:
        """Whether this version defines the element."""
        return code in self._elements

    def elements_for(self, entity: str) -> tuple[Element, ...]:
        """The elements of one entity ("teacher" or "school"), in the order of the standard."""
        return tuple(e for e in self.elements if e.entity == entity)

    def code_list(self, name: str) -> CodeList:
        """The code list with this name; raises UnknownCodeListError."""
        try:
            return self._code_lists[name]
        except KeyError:
            raise UnknownCodeListError(name) from None

    def with_elements(self, elements: Iterable[Element], *, code_lists: Iterable[CodeList] = ()) -> Standard:
        """A new version (version + 1) holding these elements and code lists in addition to this one's.

        An element or code list with an existing code replaces it. The caller checks the result with
        `schemas.compat.check_compatibility` before publishing it.
        """
        merged = dict(self._elements)
        for element in elements:
            merged[element.code] = element
        lists = dict(self._code_lists)
        for code_list in code_lists:
            lists[code_list.name] = code_list
        return Standard(
            version=self.version + 1, elements=tuple(merged.values()), code_lists=tuple(lists.values())
        )


def _check_terms_unique(elements: Iterable[Element]) -> None:
    owners: dict[str, Element] = {}
    for element in elements:
        for term in dict.fromkeys(normalize_term(t) for t in element.terms):
            if not term:
                raise InvalidStandardError(
                    element=element.code, reason_zh="同义词不能为空", reason_en="a synonym is empty"
                )
            other = owners.setdefault(term, element)
            if other is not element:
                raise InvalidStandardError(
                    element=element.code,
                    reason_zh=f"名称或同义词“{term}”已属于元素 {other.code}",
                    reason_en=f"label or synonym {term!r} is already claimed by element {other.code}",
                )
