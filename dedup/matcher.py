"""Matching requested fields to the data standard's elements."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Generic, Literal, TypeVar

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from dedup import doubts, forms, lexicon
from dedup.doubts import Doubt
from dedup.errors import UnknownEntityError
from dedup.normalise import has_cjk, normalise, split_brackets
from dedup.parse import (
    ENTITIES,
    ParsedLabel,
    Qualifier,
    _parse,
    own_subject,
    section_levels,
    split_levels,
    unit_of,
)
from dedup.profile import ProfileFit, fit, profile_values
from dedup.segment import Segmenter, join_tokens, lexicon_entry
from schemas import Element, Standard

K = TypeVar("K")
V = TypeVar("V")

MatchKind = Literal["exact", "synonym", "segmented", "fuzzy", "derived", "none"]

# Below this a label is "new": a false "already gathered" drops data a department needs.
THRESHOLD: Final = 0.75
# Two different elements scoring this close are a coin toss, and a coin toss is not an answer.
AMBIGUITY_MARGIN: Final = 0.03

_SCORE_LABEL: Final = 1.0
_SCORE_SYNONYM: Final = 0.98
_SCORE_SAME_TEXT: Final = 0.96
_SCORE_CANONICAL: Final = 0.93
_SCORE_REORDERED: Final = 0.87
_SCORE_REPRESENTATION: Final = 0.86
_SCORE_PINYIN: Final = 0.86
_SCORE_LESS_SPECIFIC: Final = 0.84
_SCORE_ABBREVIATION: Final = 0.8
_SCORE_FUZZY_BASE: Final = 0.62
_SCORE_BY_SAMPLES: Final = 0.78

_PENALTY_BOOLEAN_EXTRA: Final = 0.1
_PENALTY_YEAR: Final = 0.03
_PENALTY_NOTE: Final = 0.04
_PENALTY_TYPE: Final = 0.12
_PENALTY_VALUES: Final = 0.1
_PENALTY_PRECISION: Final = 0.03

_SHORTLIST_LIMIT: Final = 400
_OPTION_SPLIT_RE: Final = re.compile(r"[/、,]|或")
_ASCII_WORD_RE: Final = re.compile(r"^[a-z]{2,24}$")
_DIGITS_FORMAT_RE: Final = re.compile(r"^(\d+)位")
_VALIDATOR_LENGTHS: Final = {"id_number": 18, "mobile": 11, "school_code": 10, "uscc": 18, "postcode": 6}
_TYPE_GROUPS: Final = {
    "string": "text",
    "text": "text",
    "str": "text",
    "varchar": "text",
    "code": "text",
    "enum": "text",
    "select": "text",
    "choice": "text",
    "integer": "number",
    "int": "number",
    "number": "number",
    "numeric": "number",
    "decimal": "number",
    "float": "number",
    "money": "number",
    "date": "date",
    "datetime": "date",
    "year_month": "date",
    "month": "date",
    "boolean": "boolean",
    "bool": "boolean",
    "yes_no": "boolean",
}
_ELEMENT_TYPE_GROUPS: Final = {
    "string": "text",
    "code": "text",
    "integer": "number",
    "decimal": "number",
    "date": "date",
    "year_month": "date",
    "boolean": "boolean",
}


@dataclass(frozen=True, kw_only=True)
class Conversion:
    """How a value in the label's unit becomes one in the element's: ``element = label × factor``."""

    from_unit: str
    to_unit: str
    factor: float


@dataclass(frozen=True, kw_only=True)
class Alternative:
    """Another candidate element, for a human reviewer."""

    element: str
    score: float
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, kw_only=True)
class Match:
    """The element a requested field asks for (or None: a new datum), with the path that led there."""

    label: str
    element: str | None
    confidence: float
    kind: MatchKind
    explanation_zh: str
    explanation_en: str
    subject: str
    conversion: Conversion | None = None
    derived_from: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Field:
    """A requested field as a department writes it."""

    label: str
    type: str | None = None
    description: str | None = None
    samples: tuple[str, ...] = ()
    # The heading the field stands under (配偶情况, 驾驶员信息, 一、基本情况/学生宿舍), if any.
    section: str | None = None

    @classmethod
    def written(
        cls,
        text: str,
        *,
        section: str | None = None,
        type: str | None = None,
        description: str | None = None,
        samples: Sequence[str] = (),
    ) -> Field:
        """A field as a form writes it: ``heading/label`` (several levels: ``a/b/label``) is the label
        under its heading, below `section` when one is given too; a ``/`` inside brackets is kept
        (生均藏书（册/生）). The hub's requests and the dev-set replay both read fields this way, so the
        matcher sees the same input through either."""
        levels = split_levels(text)
        heading = [*section_levels(section)]
        label = text
        if len(levels) >= 2:
            heading.extend(levels[:-1])
            label = levels[-1]
        return cls(
            label=label,
            type=type,
            description=description,
            samples=tuple(samples),
            section="/".join(heading) or None,
        )


@dataclass(frozen=True, kw_only=True)
class RepeatedElement:
    """One element asked for by several fields of the same request."""

    element: str
    positions: tuple[int, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class MatchReport:
    """The matches of a request's fields, in order, and the elements asked for more than once."""

    matches: tuple[Match, ...]
    repeated: tuple[RepeatedElement, ...]


Source = Literal["label_zh", "label_en", "synonym", "approved"]


@dataclass(frozen=True, kw_only=True)
class _Form:
    element: Element
    text: str
    main: str
    source: Source
    parsed: ParsedLabel
    written: str
    joined: str  # the property's canonical tokens as one string


@dataclass(kw_only=True)
class _Candidate:
    element: Element
    score: float
    kind: MatchKind
    form: _Form | None = None
    steps_zh: list[str] = field(default_factory=list)
    steps_en: list[str] = field(default_factory=list)
    conversion: Conversion | None = None
    # Words of the label this element leaves unexplained: the candidate is shown, never answered.
    doubts: list[Doubt] = field(default_factory=list)


class _Postings(Generic[K, V]):
    """Lists of values by key, copied on write so that a derived matcher never changes its parent."""

    def __init__(self, lists: dict[K, list[V]] | None = None) -> None:
        self._lists: dict[K, list[V]] = lists if lists is not None else {}
        self._owned: set[K] | None = None  # None: every list belongs to this instance

    def add(self, key: K, value: V) -> None:
        found = self._lists.get(key)
        if found is None:
            self._lists[key] = [value]
            if self._owned is not None:
                self._owned.add(key)
        elif self._owned is None or key in self._owned:
            found.append(value)
        else:
            self._lists[key] = [*found, value]
            self._owned.add(key)

    def get(self, key: K) -> Sequence[V]:
        return self._lists.get(key, ())

    def copy(self) -> _Postings[K, V]:
        clone: _Postings[K, V] = _Postings(dict(self._lists))
        clone._owned = set()
        return clone


@dataclass(kw_only=True)
class _EntityIndex:
    exact: _Postings[str, _Form] = field(default_factory=_Postings)
    key: _Postings[tuple[str, tuple[str, ...]], _Form] = field(default_factory=_Postings)
    suffix: _Postings[tuple[str, tuple[str, ...]], tuple[_Form, int]] = field(default_factory=_Postings)
    trimmed: _Postings[tuple[str, tuple[str, ...]], _Form] = field(default_factory=_Postings)
    bag: _Postings[tuple[str, frozenset[str]], _Form] = field(default_factory=_Postings)
    # Money elements by their terms without 值/总额 and by the suffixes of those (教学仪器设备（万元）).
    valued: _Postings[tuple[str, tuple[str, ...]], tuple[_Form, int]] = field(default_factory=_Postings)
    chars: _Postings[tuple[str, str], _Form] = field(default_factory=_Postings)
    bigrams: _Postings[tuple[str, str], _Form] = field(default_factory=_Postings)
    pinyin: _Postings[str, str] = field(default_factory=_Postings)

    def copy(self) -> _EntityIndex:
        return _EntityIndex(
            exact=self.exact.copy(),
            key=self.key.copy(),
            suffix=self.suffix.copy(),
            trimmed=self.trimmed.copy(),
            bag=self.bag.copy(),
            valued=self.valued.copy(),
            chars=self.chars.copy(),
            bigrams=self.bigrams.copy(),
            pinyin=self.pinyin.copy(),
        )


class Matcher:
    """Matches form labels to one version of the standard; build once per version, then reuse.

    ``extra_synonyms`` maps element codes to labels approved as that element (learning from the
    statistics bureau's approvals and reviewers' mappings): they match exactly from then on.
    """

    def __init__(
        self,
        standard: Standard,
        *,
        extra_synonyms: Mapping[str, Iterable[str]] | None = None,
        segmenter: Segmenter | None = None,
    ) -> None:
        self.standard = standard
        extras: dict[str, tuple[str, ...]] = {}
        for code, labels in (extra_synonyms or {}).items():
            standard.element(code)  # raises UnknownElementError for a code the standard lacks
            extras[code] = tuple(dict.fromkeys(str(label) for label in labels))
        self.extra_synonyms: Mapping[str, tuple[str, ...]] = extras
        self._approved = _approved_readings(extras)
        self._segmenter = segmenter or Segmenter(_vocabulary(standard))
        self._indexes: dict[str, _EntityIndex] = {entity: _EntityIndex() for entity in ENTITIES}
        self._elements: dict[str, Element] = {e.code: e for e in standard.elements}
        for element in standard.elements:
            for form in self._forms(element):
                self._add(form)
        self._per_student = _per_student_elements(standard)

    def with_synonyms(self, synonyms: Mapping[str, Iterable[str]]) -> Matcher:
        """A new matcher that also knows these approved labels, ``{element_code: [label, ...]}``.

        This matcher is left as it is. The new one shares its index and adds the labels only, so
        learning a label costs little even with thousands of approved labels.
        """
        additions: dict[str, tuple[str, ...]] = {}
        for code, labels in synonyms.items():
            self.standard.element(code)  # raises UnknownElementError for a code the standard lacks
            known = self.extra_synonyms.get(code, ())
            fresh = tuple(dict.fromkeys(str(label) for label in labels if str(label) not in known))
            if fresh:
                additions[code] = fresh
        clone = Matcher.__new__(Matcher)
        clone.standard = self.standard
        clone.extra_synonyms = {
            code: (*self.extra_synonyms.get(code, ()), *additions.get(code, ()))
            for code in {*self.extra_synonyms, *additions}
        }
        # The vocabulary is the standard's: approved labels do not change how other labels split.
        clone._approved = _approved_readings(clone.extra_synonyms)
        clone._segmenter = self._segmenter
        clone._elements = self._elements
        clone._per_student = self._per_student
        clone._indexes = {entity: index.copy() for entity, index in self._indexes.items()}
        for code, labels in additions.items():
            element = self._elements[code]
            for form in clone._forms(element, only=labels):
                clone._add(form)
        return clone

    # -- index ---------------------------------------------------------------------------------

    def _forms(self, element: Element, *, only: Sequence[str] = ()) -> Iterable[_Form]:
        """The ways of writing an element, each once; with `only`, just those among them not yet indexed."""
        seen: set[str] = set()
        written: list[tuple[str, Source]] = [(element.label_zh, "label_zh"), (element.label_en, "label_en")]
        written += [(s, "synonym") for s in element.synonyms]
        approved = self.extra_synonyms.get(element.code, ())
        if only:
            earlier = approved[: len(approved) - len(only)]
            seen.update(normalise(text) for text in (*(t for t, _ in written), *earlier))
            written = [(s, "approved") for s in only]
        else:
            written += [(s, "approved") for s in approved]
        for text, source in written:
            normalised = normalise(text)
            if not normalised or normalised in seen:
                continue
            seen.add(normalised)
            parsed = _parse(text, element.entity, self._segmenter)
            main, _ = split_brackets(normalised)
            yield _Form(
                element=element,
                text=normalised,
                main=main,
                source=source,
                parsed=parsed,
                written=text,
                joined=join_tokens(parsed.tokens),
            )

    def _add(self, form: _Form) -> None:
        index = self._indexes[form.element.entity]
        index.exact.add(form.text, form)
        parsed = form.parsed
        if form.source != "approved":  # nobody abbreviates a department's long wording to pinyin
            for key in _pinyin_keys(form.main):
                index.pinyin.add(key, form.element.code)
        if parsed.compound:
            return
        subject, tokens = parsed.subject, parsed.tokens
        index.key.add((subject, tokens), form)
        index.bag.add((subject, _bag(tokens)), form)
        if tokens[:1] == ("生均",):
            return  # a label without 生均 never asks for the per-student figure
        for dropped in range(1, len(tokens)):
            index.suffix.add((subject, tokens[dropped:]), (form, dropped))
        if len(tokens) >= 2 and tokens[-1] in lexicon.REPRESENTATION_TOKENS:
            index.trimmed.add((subject, tokens[:-1]), form)
        if _holds_money(form.element):
            valued = _without_value_words(tokens)
            if _has_content(valued):
                for dropped in range(len(valued)):
                    index.valued.add((subject, valued[dropped:]), (form, dropped))
        for char in set(form.joined):
            index.chars.add((subject, char), form)
        for gram in _bigrams(form.joined):
            index.bigrams.add((subject, gram), form)

    # -- matching ------------------------------------------------------------------------------

    def match(
        self,
        label: str,
        *,
        entity: str,
        type: str | None = None,
        description: str | None = None,
        samples: Sequence[object] | None = None,
        section: str | Sequence[str] | None = None,
    ) -> Match:
        """The element a label asks for on a form about `entity`, or element None when it is new.

        `section` is the heading the field stands under (see `dedup.parse.parse`).
        """
        if entity not in ENTITIES:
            raise UnknownEntityError(entity)
        parsed = _parse(label, entity, self._segmenter, section_levels(section))
        if not parsed.text:
            return _none(label, parsed.subject, "标签为空", "the label is empty")
        context = _Context(type=type, description=description, samples=tuple(samples or ()))
        if entity == "teacher" and parsed.own:
            predicate = self._age_predicate(label, parsed)
            if predicate is not None:
                return predicate
        found = self._match_parsed(label, parsed, context)
        if entity == "school" and found.kind != "derived":
            ratio = self._per_student_match(label, section, context)
            if ratio is not None:
                return ratio
        if parsed.schooling is not None and found.element is not None:
            return _yield(
                found,
                f"标题“{parsed.schooling}”讲的是学历，本字段是就读的学校，不是{found.element}",
                f"the heading {parsed.schooling} names an education: this is the school attended, not"
                f" {found.element}",
            )
        if parsed.record is not None and found.element is not None:
            # 主要工作经历/单位: the employer of one past post, not the teacher's current employer.
            return _none(
                label,
                parsed.subject,
                f"标题“{parsed.record}”列出的是多条记录，本字段是其中一条的数据，不是{found.element}的当前值",
                f"the heading {parsed.record} lists records: this is one record's datum, not the current"
                f" value of {found.element}",
                alternatives=(
                    Alternative(
                        element=found.element,
                        score=found.confidence,
                        reason_zh=found.explanation_zh,
                        reason_en=found.explanation_en,
                    ),
                    *found.alternatives,
                )[:3],
            )
        return found

    def _age_predicate(self, label: str, parsed: ParsedLabel) -> Match | None:
        """是否35周岁及以下, 年龄在40岁以上: a comparison of the age, which is derived from the birth date."""
        match = _AGE_PREDICATE_RE.match(split_brackets(parsed.text)[0])
        age = self._elements.get("teacher.age")
        if match is None or age is None or age.derivation is None:
            return None
        years, side = match.group(1), match.group(2)
        return Match(
            label=label,
            element=age.code,
            confidence=_SCORE_REPRESENTATION,
            kind="derived",
            explanation_zh=f"比较年龄与 {years} 岁（{side}）；年龄由 {', '.join(age.derivation.inputs)} 计算",
            explanation_en=(
                f"compares the age with {years} ({side}); the age is derived from {', '.join(age.derivation.inputs)}"
            ),
            subject=parsed.subject,
            derived_from=age.derivation.inputs,
        )

    def _per_student_match(
        self, label: str, section: str | Sequence[str] | None, context: _Context
    ) -> Match | None:
        """生均X, 每生X, X（生均）: the standard's X ÷ 在校学生数, when X is a quantity the standard holds.

        None when the label is no per-student figure; a new datum when it is one of something the standard
        does not hold (生均保育教育收入), never X itself.
        """
        rest = _without_per_student(normalise(label))
        if rest is None:
            return None
        quantity = self.match(rest, entity="school", section=section, type=None, samples=context.samples)
        element = self._per_student.get(quantity.element or "")
        if element is None or quantity.kind == "derived":
            return _none(
                label,
                quantity.subject,
                f"生均数据，但“{rest}”不是标准中可除以在校学生数的数量",
                f"a per-student figure of {rest}, which is no quantity of the standard to divide by the students",
                alternatives=quantity.alternatives if quantity.element is None else (),
            )
        assert element.derivation is not None
        return Match(
            label=label,
            element=element.code,
            confidence=quantity.confidence,
            kind="derived",
            explanation_zh=f"生均数据：{quantity.explanation_zh}；可由 {element.derivation.inputs[0]} 除以在校学生数计算",
            explanation_en=(
                f"a per-student figure: {quantity.explanation_en}; derived as"
                f" {element.derivation.inputs[0]} divided by school.student_count"
            ),
            subject=quantity.subject,
            conversion=quantity.conversion,
            derived_from=element.derivation.inputs,
        )

    def match_many(
        self, fields: Sequence[str | Field], entity: str, *, title: str | None = None
    ) -> MatchReport:
        """Match every field of a request and report the elements that several fields ask for.

        `title` is the form's title: a form about a part of the school (its canteen) asks that part's
        名称, 地址 and 负责人, not the school's (`dedup.forms`)."""
        if entity not in ENTITIES:
            raise UnknownEntityError(entity)
        matches: list[Match] = []
        asked: list[tuple[tuple[str, ...], str]] = []  # (the field's heading levels, its label as read)
        specs: list[Field] = []
        bares: list[ParsedLabel] = []
        # In a table under a heading, a cell's owner is the row it stands in: 法定代表人 | 联系电话 is that
        # person's phone. A flat list of fields has no rows, and nothing is inferred from its order.
        owner: tuple[tuple[str, ...], str] | None = None
        for item in fields:
            spec = Field(label=item) if isinstance(item, str) else item
            levels = section_levels(spec.section)
            bare = _parse(spec.label, entity, self._segmenter)  # what the cell itself says
            section: tuple[str, ...] = levels
            if (
                owner is not None
                and owner[0] == levels
                and bare.subject_word is None
                and _row_attribute(bare)
            ):
                section = (*levels, owner[1])
            else:
                person = _row_owner(bare) if levels else None
                if person is None and forms.is_contact_person(bare):
                    # 填表人 | 联系电话: the form's filler or contact owns the next cell, in a flat list too.
                    person = split_brackets(bare.text)[0]
                owner = (levels, person) if person is not None else None
            matches.append(
                self.match(
                    spec.label,
                    entity=entity,
                    type=spec.type,
                    description=spec.description,
                    samples=spec.samples,
                    section=section,
                )
            )
            asked.append((section, bare.text))
            specs.append(spec)
            bares.append(bare)
        matches = _one_owner_each(matches, asked)
        matches = self._form_takes(matches, specs, bares, entity, title)
        matches = _specific_phone_wins(matches, asked, self.standard)
        matches = _accounts_need_a_bank(matches, asked, self.standard)
        matches = self._per_row_quantities(
            matches, [Field(label=i) if isinstance(i, str) else i for i in fields], entity
        )
        positions: dict[str, list[int]] = defaultdict(list)
        for position, found in enumerate(matches):
            if found.element is not None:
                positions[found.element].append(position)
        repeated = tuple(
            RepeatedElement(element=code, positions=tuple(at), labels=tuple(matches[i].label for i in at))
            for code, at in positions.items()
            if len(at) > 1
        )
        return MatchReport(matches=tuple(matches), repeated=repeated)

    def _form_takes(
        self,
        matches: list[Match],
        specs: list[Field],
        bares: list[ParsedLabel],
        entity: str,
        title: str | None,
    ) -> list[Match]:
        """The matches the rest of the form takes back (`dedup.forms`): a canteen form's own 名称 and
        负责人, the phone under another address's heading, a sub-item counted in its parent's unit."""
        facility = forms.facility_in(title) if entity == "school" else None
        inherited = forms.inherited_units([s.label for s in specs], [b.unit for b in bares])
        out = list(matches)
        for position, (found, spec, bare) in enumerate(zip(matches, specs, bares, strict=True)):
            if found.element is None or found.kind == "derived":
                continue
            element = self.standard.element(found.element)
            levels = section_levels(spec.section)
            reasons = [
                forms.facility_takes(bare, facility) if facility is not None else None,
                forms.address_heading_takes(
                    levels[-1] if levels else None, bare, lambda text: self._is_own_address(text, entity)
                ),
            ]
            unit = inherited[position]
            if unit is not None and isinstance(self._conversion(unit, element), str):
                reasons.append(
                    forms.Reason(
                        zh=f"本项属于上级条目，按其单位“{unit}”填报，{element.code} 不以此计量",
                        en=f"the item is counted in its parent item's unit {unit}, which {element.code} is not",
                    )
                )
            reason = next((r for r in reasons if r is not None), None)
            if reason is not None:
                out[position] = _yield(found, reason.zh, reason.en)
        return out

    def _is_own_address(self, text: str, entity: str) -> bool:
        """Whether the standard reads a heading as one of the subject's own addresses."""
        found = self.match(text, entity=entity)
        if found.element is None:
            return False
        label = self.standard.element(found.element).label_zh
        return any(head in label for head in forms.ADDRESS_WORDS)

    def _per_row_quantities(self, matches: list[Match], fields: list[Field], entity: str) -> list[Match]:
        """A form keyed by a thing of the subject's (专业名称, 建筑名称, 课程名称) lists one such thing per row:
        its counts and areas are each row's (the major's graduates, the building's floor area), and so is a
        phone in it (the building's 责任人's), not the subject's (issue 13, class 8: a row owns its cells)."""
        keyed = next((f.label for f in fields if self._row_key(f.label, entity)), None)
        if keyed is None:
            return matches
        out = list(matches)
        for position, found in enumerate(matches):
            if found.element is None or found.kind == "derived":
                continue
            element = self.standard.element(found.element)
            if element.value_type in ("integer", "decimal") or "电话" in element.label_zh:
                out[position] = _yield(
                    found,
                    f"本表按“{keyed}”逐行填报，本字段是每行的数据，不是{found.element}",
                    f"the form lists one row per {keyed}: this is each row's datum, not {found.element}",
                )
        return out

    def _row_key(self, text: str, entity: str) -> bool:
        """Whether a label names the rows of a list (专业名称, 建筑名称, 课程代码): a thing, then its name or code."""
        main = split_brackets(text.strip())[0]
        if not main.endswith(("名称", "代码", "编码", "编号", "号码")):
            return False
        tokens = _parse(main, entity, self._segmenter).tokens
        return 1 <= len(tokens) <= 2 and tokens[0] in lexicon.ROW_THINGS

    def _match_parsed(self, label: str, parsed: ParsedLabel, context: _Context) -> Match:
        index = self._indexes[parsed.entity]
        candidates: list[_Candidate] = []
        for form in index.exact.get(parsed.text):
            if form.parsed.subject == parsed.subject:  # 驾驶员信息/联系电话 is not the school's 联系电话
                candidates.append(self._exact(form))
        if not candidates and parsed.compound:
            return self._compound(label, parsed, context)
        if not candidates and parsed.empty:
            return _none(
                label,
                parsed.subject,
                f"“{parsed.text}”只有期间、单位或说明，没有指明数据项",
                f"{parsed.text} holds only a period, unit or note and names no datum",
            )
        if not candidates:
            candidates = self._structural(parsed, index)
        if not candidates:
            candidates = self._approximate(parsed, index)
        if not candidates and parsed.language == "en":
            candidates = self._pinyin(parsed, index)
        if not candidates and context.samples and parsed.own and not _has_content(parsed.tokens):
            candidates = self._by_samples(parsed, context)
        checked = [c for c in (self._check(parsed, c, context) for c in candidates) if c is not None]
        best = self._refine_by_note(parsed, _best_per_element(checked), index)
        return self._decide(label, parsed, best, context)

    def _refine_by_note(
        self, parsed: ParsedLabel, best: list[_Candidate], index: _EntityIndex
    ) -> list[_Candidate]:
        """联系电话（座机）: a note naming a narrower element of the same kind picks that element."""
        if not best or not parsed.tokens:
            return best
        for qualifier in parsed.qualifiers:
            if qualifier.kind != "note" or qualifier.changes_datum:
                continue
            named = {form.element.code: form for form in index.exact.get(normalise(qualifier.text))}
            if len(named) != 1:
                continue
            form = next(iter(named.values()))
            kind = _parse(form.element.label_zh, form.element.entity, self._segmenter)
            if kind.tokens[-1:] != parsed.tokens[-1:] or kind.subject != parsed.subject:
                continue  # the note names something of another kind, not a narrower one
            top = best[0]
            if form.element.code == top.element.code:
                return best
            chosen = _Candidate(
                element=form.element,
                score=top.score,
                kind="segmented",
                form=form,
                steps_zh=[*top.steps_zh, f"括号中的“{qualifier.text}”指明是 {form.element.code}"],
                steps_en=[*top.steps_en, f"the note {qualifier.text} names {form.element.code}"],
            )
            for other in best:
                other.score -= 0.1  # what the words alone meant, before the note narrowed them
            return [chosen, *(c for c in best if c.element.code != form.element.code)]
        return best

    def _exact(self, form: _Form) -> _Candidate:
        code = form.element.code
        if form.source in ("label_zh", "label_en"):
            return _Candidate(
                element=form.element,
                score=_SCORE_LABEL,
                kind="exact",
                form=form,
                steps_zh=[f"与 {code} 的标准名称“{form.written}”一致"],
                steps_en=[f"label {form.written} of {code}"],
            )
        what_zh = "已批准的名称" if form.source == "approved" else "同义词"
        what_en = "approved label" if form.source == "approved" else "synonym"
        return _Candidate(
            element=form.element,
            score=_SCORE_SYNONYM,
            kind="synonym",
            form=form,
            steps_zh=[f"{code} 的{what_zh}“{form.written}”"],
            steps_en=[f"{what_en} {form.written} of {code}"],
        )

    def _structural(self, parsed: ParsedLabel, index: _EntityIndex) -> list[_Candidate]:
        subject, tokens = parsed.subject, parsed.tokens
        main, _ = split_brackets(parsed.text)
        found: list[_Candidate] = []
        keys = [tokens]
        unit = parsed.unit
        if (
            unit is not None
            and lexicon.UNITS[unit][0] in lexicon.COUNTED_DIMENSIONS
            and tokens
            and tokens[-1] != "数"
        ):
            keys.append((*tokens, "数"))  # 多媒体教室（间）: a unit of things counted makes a count
        if unit is not None and lexicon.UNITS[unit][0] == "area" and tokens and tokens[-1] != "面积":
            keys.append((*tokens, "面积"))  # 用地（m2）: a unit of area makes an area
        forms = [form for key in keys for form in index.key.get((subject, key))]
        for form in forms:
            if form.main == main:
                kind: MatchKind = "exact" if form.source in ("label_zh", "label_en") else "synonym"
                found.append(self._from_form(form, _SCORE_SAME_TEXT, kind, "与", "equals"))
            else:
                found.append(
                    self._from_form(form, _SCORE_CANONICAL, "segmented", "分词后等同于", "same terms as")
                )
        if found:
            return found
        content = _has_content(tokens)
        if content:
            for form in index.bag.get((subject, _bag(tokens))):
                found.append(
                    self._from_form(form, _SCORE_REORDERED, "segmented", "词序不同于", "reordered terms of")
                )
        if len(tokens) >= 2 and tokens[-1] in lexicon.REPRESENTATION_TOKENS:
            # 编制类型 for 编制, 学校代码 for 学校: the label names how the datum is written.
            for form in index.key.get((subject, tokens[:-1])):
                if _is_coded(form.element) or tokens[-1] == "代码":
                    found.append(
                        self._from_form(
                            form,
                            _SCORE_REPRESENTATION,
                            "segmented",
                            f"加上表示方式“{tokens[-1]}”后同",
                            f"with representation word {tokens[-1]} as",
                        )
                    )
        if content and (tokens[-1] if tokens else "") not in lexicon.REPRESENTATION_TOKENS:
            for form in index.trimmed.get((subject, tokens)):
                if _is_coded(form.element) or form.parsed.tokens[-1] == "代码":
                    found.append(
                        self._from_form(
                            form,
                            _SCORE_REPRESENTATION,
                            "segmented",
                            f"省略表示方式“{form.parsed.tokens[-1]}”后同",
                            f"without representation word {form.parsed.tokens[-1]} as",
                        )
                    )
        if content:
            for form, dropped in index.suffix.get((subject, tokens)):
                if form.element.value_type == "boolean":
                    continue  # 是否师范专业 asks about 师范: without it, 专业 is another question
                if has_cjk(form.main) != (parsed.language == "zh"):
                    continue  # the omitted words must be words of the label's language (职务 ≠ Authorised posts)
                if dropped > 1:
                    continue  # 总面积 is no 校舍建筑总面积: omitting a phrase omits too much
                omitted = join_tokens(form.parsed.tokens[:dropped])
                candidate = self._from_form(
                    form,
                    _SCORE_LESS_SPECIFIC - 0.04 * (dropped - 1),
                    "segmented",
                    f"省略“{omitted}”后同",
                    f"less specific than (omits {omitted})",
                )
                doubt = doubts.omitted_words(form.parsed.tokens[:dropped], form.element)
                if doubt is not None:
                    candidate.doubts.append(doubt)
                found.append(candidate)
        if (
            len(tokens) == 1
            and len({c.element.code for c in found}) == 1
            and all("omits" in c.steps_en[0] for c in found)
        ):
            found = []  # 教室 is no 多媒体教室: a bare head word says too little to pick the one element ending so
        if not found and content and _talks_money(parsed):
            found = self._valued(parsed, index)
        return found

    def _valued(self, parsed: ParsedLabel, index: _EntityIndex) -> list[_Candidate]:
        """教学仪器设备（万元）, 经费支出总额: an amount of money asks for the value an element holds."""
        tokens = _without_value_words(parsed.tokens)
        if not _has_content(tokens):
            return []
        found: list[_Candidate] = []
        for form, dropped in index.valued.get((parsed.subject, tokens)):
            score = _SCORE_REPRESENTATION
            how_zh, how_en = "以金额计，同", "as an amount of money, the same as"
            if dropped:
                score = min(score, _SCORE_LESS_SPECIFIC - 0.04 * (dropped - 1))
                omitted = join_tokens(_without_value_words(form.parsed.tokens)[:dropped])
                how_zh = f"以金额计，省略“{omitted}”后同"
                how_en = f"as an amount of money, less specific than (omits {omitted})"
            found.append(self._from_form(form, score, "segmented", how_zh, how_en))
        return found

    def _approximate(self, parsed: ParsedLabel, index: _EntityIndex) -> list[_Candidate]:
        tokens = parsed.tokens
        # Characters carry meaning in Chinese; in English they do not ("male" is inside "female").
        if not _has_content(tokens) or not all(has_cjk(t) for t in tokens):
            return []
        text = join_tokens(tokens)
        subject = parsed.subject
        found: list[_Candidate] = []
        # Abbreviations keep the characters of the full term in order (心理教师数 → 心理健康教育专职教师数).
        postings = [index.chars.get((subject, ch)) for ch in set(text)]
        if postings and all(postings):
            rarest = min(postings, key=len)
            if len(rarest) <= _SHORTLIST_LIMIT:
                for form in rarest:
                    full = form.joined
                    if (
                        len(full) <= len(text)
                        or full[0] != text[0]
                        or not _same_head(tokens, form.parsed.tokens)
                    ):
                        continue
                    if _is_subsequence(text, full):
                        found.append(
                            self._from_form(form, _SCORE_ABBREVIATION, "fuzzy", "是缩写形式：", "abbreviates")
                        )
        if found:
            return found
        grams = _bigrams(text)
        if len(text) < 6 or not grams:
            return []
        shared: Counter[int] = Counter()
        forms_by_id: dict[int, _Form] = {}
        for gram in grams:
            for form in index.bigrams.get((subject, gram))[:_SHORTLIST_LIMIT]:
                shared[id(form)] += 1
                forms_by_id[id(form)] = form
        for form_id, count in shared.most_common(20):
            if count < len(grams) * 0.6:
                break
            form = forms_by_id[form_id]
            other = form.parsed.tokens
            if (
                not other
                or other[-1] != tokens[-1]
                or set(other) < set(tokens)
                or form.joined.replace(" ", "") in text.replace(" ", "")
            ):
                continue  # another head, or the element's words plus more (中高级职称 holds 高级职称): a narrower datum
            ratio = fuzz.ratio(text, form.joined) / 100.0
            if ratio >= 0.9:
                score = _SCORE_FUZZY_BASE + 0.2 * ratio
                found.append(
                    self._from_form(
                        form, score, "fuzzy", f"近似（{ratio:.0%}）于", f"similar ({ratio:.0%}) to"
                    )
                )
        return found

    def _pinyin(self, parsed: ParsedLabel, index: _EntityIndex) -> list[_Candidate]:
        word = parsed.text
        if not _ASCII_WORD_RE.match(word) or lexicon_entry(word) is not None or word in lexicon.SUBJECTS:
            return []
        codes = set(index.pinyin.get(word))
        if len(codes) != 1:
            return []
        element = self._elements[next(iter(codes))]
        return [
            _Candidate(
                element=element,
                score=_SCORE_PINYIN,
                kind="synonym",
                steps_zh=[f"拼音“{word}”对应 {element.code}（{element.label_zh}）"],
                steps_en=[f"pinyin {word} of {element.label_zh} ({element.code})"],
            )
        ]

    def _by_samples(self, parsed: ParsedLabel, context: _Context) -> list[_Candidate]:
        """A label that says only 号码 or 类别: the sample values decide, if one element fits them."""
        profile = profile_values(context.samples)
        if profile is None:
            return []
        fitting = []
        for element in self.standard.elements_for(parsed.entity):
            if element.validator is None and element.code_list is None:
                continue
            outcome = fit(profile, element, self.standard)
            if outcome is not None and outcome.delta > 0:
                fitting.append((element, outcome))
        if len(fitting) != 1:
            return []
        element, outcome = fitting[0]
        return [
            _Candidate(
                element=element,
                score=_SCORE_BY_SAMPLES,
                kind="fuzzy",
                steps_zh=[
                    f"标签“{parsed.text}”只说明表示方式；{outcome.reason_zh}，只有 {element.code} 相符"
                ],
                steps_en=[
                    f"label {parsed.text} names no datum; {outcome.reason_en}, which fits {element.code} only"
                ],
            )
        ]

    def _from_form(self, form: _Form, score: float, kind: MatchKind, how_zh: str, how_en: str) -> _Candidate:
        code = form.element.code
        what_zh = {
            "label_zh": "标准名称",
            "label_en": "英文名称",
            "synonym": "同义词",
            "approved": "已批准名称",
        }
        what_en = {
            "label_zh": "label",
            "label_en": "English label",
            "synonym": "synonym",
            "approved": "approved label",
        }
        return _Candidate(
            element=form.element,
            score=score,
            kind=kind,
            form=form,
            steps_zh=[f"{how_zh} {code} 的{what_zh[form.source]}“{form.written}”"],
            steps_en=[f"{how_en} {what_en[form.source]} {form.written} of {code}"],
        )

    # -- checks --------------------------------------------------------------------------------

    def _check(self, parsed: ParsedLabel, candidate: _Candidate, context: _Context) -> _Candidate | None:
        """Applies the rules about periods, units, yes/no, formats, types and samples; None rejects."""
        element = candidate.element
        exact = candidate.kind in ("exact", "synonym") and candidate.score >= _SCORE_SYNONYM
        steps_zh, steps_en = candidate.steps_zh, candidate.steps_en
        subject = parsed.subject
        if parsed.subject_word and parsed.subject_word != subject:
            subject = f"{subject}（{parsed.subject_word}）"
        steps_zh.append(f"主体：{subject}")
        steps_en.append(f"subject {subject}")
        score = candidate.score
        if not exact and candidate.form is not None and _weak_label(parsed):
            # 类型, 编号, 资格名称, 单位性质: a generic head with no word saying what it is of is evidence
            # for nothing in particular; only the element's own wording (or sample values) decides.
            steps_zh.append("标签只有泛称（类型、编号、名称等），不足以确定数据项")
            steps_en.append(
                "the label holds only a generic head (type, number, name …): too little to decide"
            )
            return None
        if not exact:
            element_periods = self._changing_periods(
                candidate.form.parsed if candidate.form else None, element
            )
            label_periods = {lexicon.period_class(q.text) for q in parsed.changing if q.kind == "period"}
            if label_periods != element_periods and not (label_periods & element_periods):
                differs = "、".join(sorted(label_periods ^ element_periods))
                steps_zh.append(f"期间或次序“{differs}”不同，是另一项数据")
                steps_en.append(f"period or ordinal {differs} makes a different datum")
                return None
        for qualifier in parsed.qualifiers:
            outcome = self._qualifier(qualifier, element, exact, parsed.subject)
            if outcome is None:
                continue
            if outcome.reject:
                steps_zh.append(outcome.reason_zh)
                steps_en.append(outcome.reason_en)
                return None
            score += outcome.delta
            steps_zh.append(outcome.reason_zh)
            steps_en.append(outcome.reason_en)
            if qualifier.kind == "note":
                note_doubt = self._note_doubt(qualifier.text, element, parsed)
                if note_doubt is not None:
                    candidate.doubts.append(note_doubt)
        for rule in (doubts.phone_kind, doubts.count_kind):
            found_doubt = rule(parsed, element)
            if found_doubt is not None:
                candidate.doubts.append(found_doubt)
        if (
            candidate.kind != "exact"
            and (element.code, parsed.text) not in self._approved
            and not context.samples
            and not context.description
        ):
            # The element's own label (岗位类别) is that element wherever it is asked, collected or checked,
            # and so is a label the statistics bureau approved as the element (issue 13, class 6).
            category_doubt = doubts.category_without_options(parsed, element)
            if category_doubt is not None:
                candidate.doubts.append(category_doubt)
        for label_rule in (doubts.second_owner, doubts.filled_by_another):
            label_doubt = label_rule(parsed)
            if label_doubt is not None:
                candidate.doubts.append(label_doubt)
        unit = parsed.unit
        if unit == "岁" and element.value_type in ("date", "year_month"):
            # 出生年月（岁）of a cadre form: the age in brackets is computed from the date.
            steps_zh.append("括号中的年龄由日期推算")
            steps_en.append("the age in brackets is computed from the date")
            unit = None
        conversion = self._conversion(unit, element)
        if isinstance(conversion, str):
            return None
        candidate.conversion = conversion
        if conversion is not None:
            steps_zh.append(
                f"单位 {conversion.from_unit} 换算为 {conversion.to_unit}：乘以 {conversion.factor:g}"
            )
            steps_en.append(
                f"unit {conversion.from_unit} converts to {conversion.to_unit} × {conversion.factor:g}"
            )
        if not exact and _counts(element) and not _says_count(parsed):
            # 班主任, 用餐人数/学生: people named, not counted; 班主任人数 is the count. 班级 on a register is the
            # pupil's class, not how many classes the school has.
            steps_zh.append(f"元素是计数（{element.unit}），标签没有说要计数")
            steps_en.append(f"the element is a count ({element.unit}); the label asks for no count")
            return None
        if parsed.boolean and element.value_type != "boolean" and not exact:
            score -= _PENALTY_BOOLEAN_EXTRA
            steps_zh.append("问“是否”，元素存的是具体值，可推出")
            steps_en.append("asks yes/no of a datum held as a value")
        if not parsed.boolean and element.value_type == "boolean" and not exact:
            # 宿舍 on a register is the pupil's dormitory, not whether the school has one: a yes/no element
            # answers only a label that asks yes or no (是否, 有无, 有/无) or writes the element's own words.
            steps_zh.append("元素为是/否，标签没有问是否")
            steps_en.append("the element is yes/no; the label asks no yes/no question")
            return None
        if context.type:
            group = _TYPE_GROUPS.get(context.type.strip().lower())
            if group is not None and group != _ELEMENT_TYPE_GROUPS.get(element.value_type, group):
                score -= _PENALTY_TYPE
                steps_zh.append(f"类型 {context.type} 与元素类型 {element.value_type} 不符")
                steps_en.append(f"type {context.type} differs from the element's {element.value_type}")
        if context.samples:
            profile = profile_values(context.samples)
            outcome_fit: ProfileFit | None = None if profile is None else fit(profile, element, self.standard)
            if outcome_fit is not None:
                steps_zh.append(outcome_fit.reason_zh)
                steps_en.append(outcome_fit.reason_en)
                if outcome_fit.reject:
                    return None
                score += outcome_fit.delta
        candidate.score = min(score, 1.0)
        return candidate

    def _changing_periods(self, parsed: ParsedLabel | None, element: Element) -> set[str]:
        if parsed is None:
            parsed = _parse(element.label_zh, element.entity, self._segmenter)
        return {lexicon.period_class(q.text) for q in parsed.changing if q.kind == "period"}

    def _explains(self, text: str, element: Element, subject: str) -> bool:
        """A note that names the same element (联系方式（手机）) or the label's own subject in other words
        (学校（幼儿园）名称) adds nothing the label did not say."""
        written = normalise(text)
        if any(
            form.element.code == element.code for form in self._indexes[element.entity].exact.get(written)
        ):
            return True
        return written in lexicon.SUBJECTS and lexicon.SUBJECTS[written] == subject

    def _qualifier(
        self, qualifier: Qualifier, element: Element, exact: bool, subject: str = ""
    ) -> ProfileFit | None:
        text = qualifier.text
        if qualifier.kind == "period":
            if qualifier.changes_datum:
                return None  # compared as a set above
            if lexicon.YEAR_PERIOD_RE.match(text) or (
                lexicon.REFERENCE_DATE_RE.fullmatch(text) and any(ch.isdigit() for ch in text)
            ):
                return ProfileFit(
                    delta=-_PENALTY_YEAR,
                    reject=False,
                    reason_zh=f"期间“{text}”按请求的期间作答",
                    reason_en=f"period {text} is answered for the request's period",
                )
            return ProfileFit(
                delta=0.0,
                reject=False,
                reason_zh=f"期间“{text}”即当前值",
                reason_en=f"period {text} is the current value",
            )
        if qualifier.kind == "format":
            digits = _DIGITS_FORMAT_RE.match(text)
            expected = _VALIDATOR_LENGTHS.get(element.validator or "")
            if digits is not None and expected is not None and int(digits.group(1)) != expected:
                return ProfileFit(
                    delta=-0.1,
                    reject=False,
                    reason_zh=f"格式“{text}”与元素长度 {expected} 位不符",
                    reason_en=f"format {text} differs from the element's {expected} characters",
                )
            if element.value_type == "year_month" and re.search(r"dd|日", text):
                return ProfileFit(
                    delta=-_PENALTY_PRECISION,
                    reject=False,
                    reason_zh=f"格式“{text}”要求到日，元素只存年月",
                    reason_en=f"format {text} asks for a day; the element holds year and month",
                )
            return ProfileFit(
                delta=0.0,
                reject=False,
                reason_zh=f"限定“{text}”为格式",
                reason_en=f"qualifier {text} is a format",
            )
        if qualifier.kind == "values":
            return self._values_fit(qualifier, element)
        if qualifier.kind == "note":
            if not exact and any(word in text for word in lexicon.REWRITING_NOTES):
                return ProfileFit(
                    delta=0.0,
                    reject=True,
                    reason_zh=f"说明“{text}”要求另一种写法，是另一项数据",
                    reason_en=f"note {text} asks for another way of writing it, another datum",
                )
            if qualifier.changes_datum and not exact:
                return ProfileFit(
                    delta=0.0,
                    reject=True,
                    reason_zh=f"说明“{text}”改变了统计口径",
                    reason_en=f"note {text} changes what is counted",
                )
            person = self._other_person_in(text)
            if person is not None:
                # 电话（校车驾驶员）, 出生日期（被赡养人）: a note naming someone else makes it their datum.
                return ProfileFit(
                    delta=0.0,
                    reject=True,
                    reason_zh=f"说明“{text}”指向{person}，不是本表主体的数据",
                    reason_en=f"note {text} names {person}: not the form's subject's datum",
                )
            if self._explains(text, element, subject):
                return ProfileFit(
                    delta=0.0,
                    reject=False,
                    reason_zh=f"说明“{text}”与标签同义",
                    reason_en=f"note {text} says the same as the label",
                )
            return ProfileFit(
                delta=-_PENALTY_NOTE,
                reject=False,
                reason_zh=f"说明“{text}”未能解读",
                reason_en=f"note {text} was not understood",
            )
        if qualifier.kind == "subject":
            return None
        if qualifier.kind == "unit":
            return None
        return ProfileFit(
            delta=0.0,
            reject=False,
            reason_zh=f"填写说明“{text}”",
            reason_en=f"instruction {text} for the form filler",
        )

    def _note_doubt(self, text: str, element: Element, parsed: ParsedLabel) -> Doubt | None:
        """A bracketed note that asks for more than the element: one naming another element (工作单位（联系电话）,
        岗位名称（职务）), or an alternative inside the label (入党（团）时间: of the Party or the League) that
        the element does not hold. Notes the element, the form's subject or the head's family explain
        (校（园）长, 体育运动场（馆）, 区县（市）) and instructions and rewritings (decided by `_qualifier`) are none."""
        if any(word in text for word in lexicon.REWRITING_NOTES) or self._other_person_in(text) is not None:
            return None
        written = normalise(text)
        if self._explains(text, element, parsed.subject) or doubts.note_is_sibling(text, parsed):
            return None
        if written in lexicon.OWN_ENTITY_WORDS.get(parsed.entity, frozenset()):
            return None
        inside = parsed.text.split(f"({written})", 1)
        if len(inside) == 2 and inside[0] and inside[1]:
            if _element_holds(element, written):
                return None
            return Doubt(
                reason_zh=f"“{inside[0]}({written})”给出另一选择“{written}”，{element.code} 没有这一项",
                reason_en=f"{inside[0]}({written}) offers an alternative, {written}, which {element.code} does not hold",
            )
        if _element_holds(element, written):
            return None
        others = {f.element.code for f in self._indexes[element.entity].exact.get(written)} - {element.code}
        if others:
            return Doubt(
                reason_zh=f"括号中的“{text}”是另一数据项（{'、'.join(sorted(others))}），标签同时要求多项数据",
                reason_en=f"the bracketed {text} is another element ({', '.join(sorted(others))}): the label asks"
                " for several data",
            )
        return None

    def _other_person_in(self, text: str) -> str | None:
        """A person other than the form's subject named in a note (not an instruction about who fills it)."""
        if "填" in text or "签" in text:
            return None
        for token in self._segmenter.tokens(normalise(text)):
            if token in lexicon.SUBJECTS:
                cls = lexicon.SUBJECTS[token]
                if cls in lexicon.PERSON_SUBJECTS and cls != lexicon.SELF:
                    return token
        return None

    def _values_fit(self, qualifier: Qualifier, element: Element) -> ProfileFit | None:
        values = qualifier.values
        if element.value_type == "boolean":
            return None
        if element.code_list is None:
            return None
        code_list = self.standard.code_list(element.code_list)
        resolved = sum(1 for v in values if code_list.resolve(v) is not None)
        if resolved >= max(1, len(values) // 2):
            return ProfileFit(
                delta=0.02,
                reject=False,
                reason_zh=f"选项“{qualifier.text}”属于代码表 {code_list.name}",
                reason_en=f"options {qualifier.text} belong to code list {code_list.name}",
            )
        if resolved == 0:
            # 所有制（国有/民营/外资）is not 办学性质: options outside the code list are another datum.
            return ProfileFit(
                delta=-_PENALTY_VALUES,
                reject=len(values) >= 3,  # two may be a note (全日制或在职); three are a list
                reason_zh=f"选项“{qualifier.text}”不在代码表 {code_list.name} 中",
                reason_en=f"options {qualifier.text} are not in code list {code_list.name}",
            )
        return None

    def _conversion(self, unit: str | None, element: Element) -> Conversion | None | str:
        """The unit conversion, None when there is nothing to convert, or a reason string to reject."""
        if unit is None:
            return None
        target = unit_of(element.unit) if element.unit else None
        if target is None:
            # A string element may be a count approved before its type was known; a date or a code is not.
            if element.value_type in ("integer", "decimal", "string"):
                return None
            return f"unit {unit} on a non-numeric element"
        if target == unit:
            return None
        source_dim, source_factor = lexicon.UNITS[unit]
        target_dim, target_factor = lexicon.UNITS[target]
        if source_dim != target_dim:
            if {source_dim, target_dim} <= {"items", "machines", "rooms", "volumes"}:
                return None  # 个 of a count of machines: one thing counted in another word
            return f"unit {unit} is not a unit of {target}"
        if source_factor is None or target_factor is None or source_factor == target_factor:
            return None
        return Conversion(from_unit=unit, to_unit=target, factor=source_factor / target_factor)

    # -- decision ------------------------------------------------------------------------------

    def _decide(self, label: str, parsed: ParsedLabel, best: list[_Candidate], context: _Context) -> Match:
        description_veto = self._description_subject(parsed, context)
        if description_veto is not None:
            zh, en = description_veto
            return _none(label, parsed.subject, zh, en, alternatives=_alternatives(best, 3))
        if not best or best[0].score < THRESHOLD:
            return self._no_match(label, parsed, best)
        top = best[0]
        if top.doubts:
            # Every word explained, or no answer: the resemblance goes to the reviewer as an alternative.
            return _none(
                label,
                parsed.subject,
                "；".join(d.reason_zh for d in top.doubts) + "；视为新数据项，候选见备选",
                "; ".join(d.reason_en for d in top.doubts)
                + "; a new datum, the candidate shown as an alternative",
                alternatives=_alternatives(best, 3),
            )
        rival = next((c for c in best[1:] if c.element.code != top.element.code), None)
        # An element's own label outranks another's synonym that normalises the same way.
        label_wins = (
            top.kind == "exact"
            and top.score >= _SCORE_LABEL
            and rival is not None
            and rival.score < top.score
        )
        if rival is not None and rival.score >= top.score - AMBIGUITY_MARGIN and not label_wins:
            return _none(
                label,
                parsed.subject,
                f"在 {top.element.code} 与 {rival.element.code} 之间无法确定，请人工判断",
                f"ambiguous between {top.element.code} and {rival.element.code}; needs a reviewer",
                alternatives=_alternatives(best, 3),
            )
        kind = top.kind
        derived_from: tuple[str, ...] = ()
        steps_zh, steps_en = list(top.steps_zh), list(top.steps_en)
        if top.element.derivation is not None:
            kind = "derived"
            derivation = top.element.derivation
            derived_from = derivation.inputs
            steps_zh.append(
                f"可由 {', '.join(derived_from)} 计算（{derivation.description_zh or derivation.function}）"
            )
            steps_en.append(
                f"derived from {', '.join(derived_from)} ({derivation.description_en or derivation.function})"
            )
        return Match(
            label=label,
            element=top.element.code,
            confidence=round(top.score, 3),
            kind=kind,
            explanation_zh="；".join(steps_zh),
            explanation_en="; ".join(steps_en),
            subject=parsed.subject,
            conversion=top.conversion,
            derived_from=derived_from,
            alternatives=_alternatives(best[1:], 3),
        )

    def _options(self, label: str, parsed: ParsedLabel) -> Match | None:
        """A label made of a code list's values (公办/民办, 男/女) asks for the element coded by that list."""
        main, _ = split_brackets(parsed.text)
        options = [o for o in _OPTION_SPLIT_RE.split(main) if o]
        if len(options) < 2:
            return None
        owners = [
            e
            for e in self.standard.elements_for(parsed.entity)
            if e.code_list is not None
            and all(self.standard.code_list(e.code_list).resolve(o) is not None for o in options)
        ]
        if len(owners) != 1:
            return None
        element = owners[0]
        assert element.code_list is not None
        return Match(
            label=label,
            element=element.code,
            confidence=_SCORE_REPRESENTATION,
            kind="segmented",
            explanation_zh=f"“{'、'.join(options)}”都是代码表 {element.code_list} 的值，即 {element.code}",
            explanation_en=f"{', '.join(options)} are values of code list {element.code_list}: {element.code}",
            subject=parsed.subject,
        )

    def _description_subject(self, parsed: ParsedLabel, context: _Context) -> tuple[str, str] | None:
        """A description naming someone else (“填写配偶的工作单位”) overrides a label that names no one."""
        if not context.description or not (parsed.own or parsed.subject == lexicon.ORG):
            return None
        described = _parse(context.description[:60], parsed.entity, self._segmenter)
        if described.own or described.subject == lexicon.ORG or described.subject_word is None:
            return None
        return (
            f"说明指出这是{described.subject_word}的数据，不是{parsed.subject}的",
            f"the description says this is about {described.subject_word}, not {parsed.subject}",
        )

    def _no_match(self, label: str, parsed: ParsedLabel, best: list[_Candidate]) -> Match:
        alternatives = list(_alternatives(best, 3))
        if not parsed.own:
            # What the label would be about were it the entity's own datum, for the reviewer.
            own = own_subject(parsed.entity)
            index = self._indexes[parsed.entity]
            own_keys = [(own, parsed.tokens)]
            if parsed.tokens[:1] == (lexicon.ORG,):
                own_keys.append(
                    (lexicon.ORG, parsed.tokens[1:])
                )  # 配偶工作单位: the teacher's would be 工作单位
            own_forms = [f for key in own_keys for f in index.key.get(key)]
            for form in own_forms[:3]:
                alternatives.append(
                    Alternative(
                        element=form.element.code,
                        score=0.0,
                        reason_zh=f"主体不同：标签说的是{parsed.subject_word or parsed.subject}",
                        reason_en=f"different subject: the label is about {parsed.subject_word or parsed.subject}",
                    )
                )
            if parsed.entity == "teacher" and parsed.subject == lexicon.ORG:
                school = self._indexes["school"]
                for form in school.key.get((lexicon.ORG, parsed.tokens))[:3]:
                    alternatives.append(
                        Alternative(
                            element=form.element.code,
                            score=0.0,
                            reason_zh="学校的数据，应在学校表中采集",
                            reason_en="a datum of the school, gathered on school forms",
                        )
                    )
            zh = f"标准中没有{parsed.subject_word or parsed.subject}的“{parsed.property_text}”这一数据项"
            en = f"the standard holds no {parsed.property_text or 'such datum'} of {parsed.subject_word or parsed.subject}"
            if parsed.entity == "teacher" and parsed.subject == lexicon.ORG:
                zh = f"“{parsed.text}”是学校的数据，不是教师的"
                en = f"{parsed.text} is a datum of the school, not of the teacher"
            return _none(label, parsed.subject, zh, en, alternatives=tuple(_dedupe(alternatives))[:3])
        if best:
            top = best[0]
            zh = f"最接近 {top.element.code}（{top.score:.2f}），低于阈值 {THRESHOLD}，视为新数据项"
            en = f"closest is {top.element.code} ({top.score:.2f}), below the threshold {THRESHOLD}: a new datum"
            return _none(label, parsed.subject, zh, en, alternatives=tuple(alternatives))
        return _none(
            label,
            parsed.subject,
            f"标准中没有与“{parsed.text}”对应的数据项",
            f"no element of the standard matches {parsed.text}",
        )

    def _compound(self, label: str, parsed: ParsedLabel, context: _Context) -> Match:
        coded = self._options(label, parsed)
        if coded is not None:
            return coded
        results = [self._match_parsed(label, part, context) for part in parsed.parts]
        elements = {r.element for r in results}
        if len(elements) == 1 and None not in elements:
            first = results[0]
            return Match(
                label=label,
                element=first.element,
                confidence=min(r.confidence for r in results),
                kind=first.kind,
                explanation_zh="各部分都指向同一数据项：" + first.explanation_zh,
                explanation_en="every part names the same element: " + first.explanation_en,
                subject=first.subject,
                conversion=first.conversion,
                derived_from=first.derived_from,
                alternatives=first.alternatives,
            )
        found = tuple(
            Alternative(
                element=r.element,
                score=r.confidence,
                reason_zh=f"标签的一部分“{join_tokens(p.tokens)}”",
                reason_en=f"one part of the label, {join_tokens(p.tokens)}",
            )
            for r, p in zip(results, parsed.parts, strict=True)
            if r.element is not None
        )
        return _none(
            label,
            parsed.subject,
            "标签同时要求多项数据，需拆分或人工判断",
            "the label asks for several data at once; split it or review it",
            alternatives=found[:3],
        )


@dataclass(frozen=True, kw_only=True)
class _Context:
    type: str | None
    description: str | None
    samples: tuple[object, ...]


# What a form asks about a person in the cells after that person's name (法定代表人 | 联系电话 | 职务).
_ROW_ATTRIBUTES: Final = frozenset(
    {("电话",), ("办公", "电话"), ("职务",), ("电子邮箱",), ("传真",), ("专业技术职务",)}
)


def _approved_readings(extras: Mapping[str, tuple[str, ...]]) -> frozenset[tuple[str, str]]:
    """(element code, normalised label) of every label approved as that element."""
    return frozenset((code, normalise(label)) for code, labels in extras.items() for label in labels)


def _one_owner_each(matches: list[Match], asked: list[tuple[tuple[str, ...], str]]) -> list[Match]:
    """The same words asked twice under the same heading (联系电话 after 园长 and again after 校车管理员)
    belong to different owners the labels do not name: at most one is the element, and the labels cannot
    say which, so none is answered (each shows the element as an alternative)."""
    where: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
    for position, key in enumerate(asked):
        where[key].append(position)
    out = list(matches)
    for (_, text), positions in where.items():
        elements = {matches[i].element for i in positions}
        if len(positions) < 2 or len(elements) != 1 or None in elements:
            continue
        for i in positions:
            found = matches[i]
            if found.kind == "derived":
                continue
            out[i] = _none(
                found.label,
                found.subject,
                f"“{text}”在同一标题下出现{len(positions)}次，各属不同的人或事，标签没有说明哪一次是 {found.element}",
                f"{text} is asked {len(positions)} times under one heading, of different owners the labels do not"
                f" name: none is confidently {found.element}",
                alternatives=(
                    Alternative(
                        element=found.element or "",
                        score=found.confidence,
                        reason_zh=found.explanation_zh,
                        reason_en=found.explanation_en,
                    ),
                    *found.alternatives,
                )[:3],
            )
    return out


def _yield(found: Match, zh: str, en: str) -> Match:
    """The match turned into "new", with its element shown to the reviewer as the first alternative."""
    return _none(
        found.label,
        found.subject,
        zh,
        en,
        alternatives=(
            Alternative(
                element=found.element or "",
                score=found.confidence,
                reason_zh=found.explanation_zh,
                reason_en=found.explanation_en,
            ),
            *found.alternatives,
        )[:3],
    )


def _specific_phone_wins(
    matches: list[Match], asked: list[tuple[tuple[str, ...], str]], standard: Standard
) -> list[Match]:
    """A form that asks for the mobile by name (手机, 移动电话, 申报人手机号码) means another phone by a bare
    联系电话, 联系方式 or 电话号码 elsewhere on it (issue 13, class 6): the bare one is not that element too.
    Only a field naming the element's own kind of phone decides so (手机 for 手机号码, not for 联系人电话)."""
    named: dict[str, int] = {}
    for position, (found, (_, text)) in enumerate(zip(matches, asked, strict=True)):
        if found.element is None:
            continue
        kind = doubts.phone_kind_of(text)
        if kind is not None and kind == doubts.phone_kind_of(standard.element(found.element).label_zh):
            named.setdefault(found.element, position)
    out = list(matches)
    for position, (found, (_, text)) in enumerate(zip(matches, asked, strict=True)):
        first = named.get(found.element or "")
        if first is None or first == position or found.kind == "derived":
            continue
        if doubts.phone_kind_of(text) is None and _is_bare_phone(text):
            out[position] = _yield(
                found,
                f"本表已用“{asked[first][1]}”问 {found.element}，“{text}”是另一部电话",
                f"the form asks for {found.element} as {asked[first][1]}; {text} is another phone",
            )
    return out


def _is_bare_phone(text: str) -> bool:
    return text in lexicon.BARE_PHONE_WORDS


def _accounts_need_a_bank(
    matches: list[Match], asked: list[tuple[tuple[str, ...], str]], standard: Standard
) -> list[Match]:
    """A bare 账号/帐号/账户 is a bank account only on a form that asks for a bank too (开户银行 | 账号); on a
    member system's login page it is the login (issue 13, class 3: a generic head is evidence of little)."""
    held = {found.element for found in matches if found.element is not None}
    out = list(matches)
    for position, (found, (_, text)) in enumerate(zip(matches, asked, strict=True)):
        if found.element is None or text not in lexicon.BARE_ACCOUNT_WORDS:
            continue
        family = _family(found.element)
        siblings = {e.code for e in standard.elements if _family(e.code) == family} - {found.element}
        if siblings and not siblings & held:
            out[position] = _yield(
                found,
                f"“{text}”只是泛称，本表没有问开户银行等同类数据，不能确定是 {found.element}",
                f"{text} is a generic head and the form asks for nothing of its kind (a bank): not"
                f" confidently {found.element}",
            )
    return out


def _family(code: str) -> str:
    """teacher.bank_account → teacher.bank: elements that share the word before their last part."""
    entity, _, name = code.partition(".")
    return f"{entity}.{name.split('_')[0]}"


def _element_holds(element: Element, text: str) -> bool:
    """Whether the element's own names contain these words (场馆 holds 馆, Emergency contact name holds name)."""
    lowered = text.lower()
    return any(lowered in term.lower() for term in (element.label_zh, element.label_en, *element.synonyms))


def _row_attribute(parsed: ParsedLabel) -> bool:
    return parsed.tokens in _ROW_ATTRIBUTES or (len(parsed.tokens) <= 2 and parsed.tokens[-1:] == ("电话",))


def _row_owner(parsed: ParsedLabel) -> str | None:
    """The person a field names by a role alone (法定代表人, 校长姓名, 举办者), whose cells follow it."""
    if parsed.own and parsed.subject_word is None or parsed.own and parsed.subject == lexicon.ORG:
        return _role_in_words(parsed)
    if parsed.own or parsed.subject_word is None or parsed.subject in (lexicon.ORG, "负责人"):
        return None  # the unit's 负责人 answers on the unit's 办公电话
    if parsed.subject not in lexicon.PERSON_SUBJECTS and lexicon.SUBJECTS.get(parsed.subject_word) is None:
        return None
    if parsed.tokens == ("姓名",):
        return parsed.subject_word
    return None


def _role_in_words(parsed: ParsedLabel) -> str | None:
    """A person named by a role written in several words (收费 负责人, 校车 管理员): that person."""
    tokens = parsed.tokens
    if len(tokens) >= 2 and tokens[-1] in lexicon.SUBJECTS and all(has_cjk(t) for t in tokens):
        cls = lexicon.SUBJECTS[tokens[-1]]
        if cls in lexicon.PERSON_SUBJECTS and cls != lexicon.SELF:
            return "".join(tokens)
    return None


def _none(label: str, subject: str, zh: str, en: str, *, alternatives: tuple[Alternative, ...] = ()) -> Match:
    return Match(
        label=label,
        element=None,
        confidence=0.0,
        kind="none",
        explanation_zh=zh,
        explanation_en=en,
        subject=subject,
        alternatives=alternatives,
    )


def _best_per_element(candidates: list[_Candidate]) -> list[_Candidate]:
    best: dict[str, _Candidate] = {}
    for candidate in candidates:
        current = best.get(candidate.element.code)
        if current is None or candidate.score > current.score:
            best[candidate.element.code] = candidate
    return sorted(best.values(), key=lambda c: (-c.score, c.element.code))


def _alternatives(candidates: Iterable[_Candidate], limit: int) -> tuple[Alternative, ...]:
    out: list[Alternative] = []
    for candidate in candidates:
        out.append(
            Alternative(
                element=candidate.element.code,
                score=round(candidate.score, 3),
                reason_zh="；".join(candidate.steps_zh),
                reason_en="; ".join(candidate.steps_en),
            )
        )
        if len(out) >= limit:
            break
    return tuple(out)


def _dedupe(alternatives: Iterable[Alternative]) -> list[Alternative]:
    seen: set[str] = set()
    out: list[Alternative] = []
    for alternative in alternatives:
        if alternative.element not in seen:
            seen.add(alternative.element)
            out.append(alternative)
    return out


_AGE_PREDICATE_RE: Final = re.compile(
    r"^(?:是否|是不是)?(?:年龄|年满)?(?:在|为|满)?(\d{2})(?:周岁|岁)(及以下|以下|以内|及以上|以上)$"
)
_PER_STUDENT_PREFIX_RE: Final = re.compile(r"^(?:生均|每生|学生人均|人均|平均每生)")
_PER_STUDENT_NOTE_RE: Final = re.compile(r"\((?:生均|人均|每生)\)")


def _without_per_student(text: str) -> str | None:
    """The quantity of a per-student label (生均图书（册） → 图书（册）), or None for no such label."""
    if _PER_STUDENT_NOTE_RE.search(text):
        rest = _PER_STUDENT_NOTE_RE.sub("", text)
    elif _PER_STUDENT_PREFIX_RE.match(text):
        rest = _PER_STUDENT_PREFIX_RE.sub("", text)
    else:
        return None
    rest = rest.strip()
    return rest if rest and has_cjk(rest) else None


def _per_student_elements(standard: Standard) -> dict[str, Element]:
    """The derived X ÷ 在校学生数 of each quantity X that has one (see schemas.loader.per_student_ratios)."""
    out: dict[str, Element] = {}
    for element in standard.elements_for("school"):
        derivation = element.derivation
        if (
            derivation is not None
            and derivation.function == "ratio"
            and derivation.inputs[1:] == ("school.student_count",)
        ):
            out.setdefault(derivation.inputs[0], element)
    return out


# Units of a count of people or things (人, 个, 间, 台, 册): an element so is a number of them.
_COUNT_UNITS: Final = frozenset({"人", "个", "间", "台", "册", "所", "辆", "张", "套"})


def _counts(element: Element) -> bool:
    """Whether the element is how many people or things there are (教职工数, 班级数, 教学用计算机数)."""
    return element.value_type == "integer" and element.unit in _COUNT_UNITS


def _says_count(parsed: ParsedLabel) -> bool:
    """A count word, a unit of counting or an English label (Students is a plural that counts)."""
    unit = parsed.unit
    return (
        parsed.language == "en"
        or any("数" in t or t == "人次" for t in parsed.tokens)
        or (unit is not None and lexicon.UNITS[unit][0] in lexicon.COUNTED_DIMENSIONS)
    )


def _is_coded(element: Element) -> bool:
    return element.value_type == "code" or element.validator is not None


def _weak_label(parsed: ParsedLabel) -> bool:
    """Whether a label says only a generic head (类型, 编号, 性质, 资格) of no particular subject."""
    if parsed.subject_word is not None and parsed.subject_word not in lexicon.WEAK_SUBJECT_WORDS:
        return False
    return len(parsed.tokens) == 1 and parsed.tokens[0] in lexicon.WEAK_TOKENS


def _has_content(tokens: tuple[str, ...]) -> bool:
    return any(t not in lexicon.GENERIC_TOKENS for t in tokens)


def _is_money_unit(unit: str | None) -> bool:
    return unit is not None and unit in lexicon.UNITS and lexicon.UNITS[unit][0] == "money"


def _holds_money(element: Element) -> bool:
    return element.unit is not None and _is_money_unit(unit_of(element.unit))


def _talks_money(parsed: ParsedLabel) -> bool:
    """A label with a money unit, or ending in a word for an amount of money (总额, 金额, 总值)."""
    # 数 and 合计 end an amount only where a money unit says so (经费支出合计（万元）).
    return _is_money_unit(parsed.unit) or (
        len(parsed.tokens) >= 2 and parsed.tokens[-1] in lexicon.MONEY_VALUE_TOKENS - {"数"}
    )


def _without_value_words(tokens: tuple[str, ...]) -> tuple[str, ...]:
    end = len(tokens)
    while end > 0 and tokens[end - 1] in lexicon.MONEY_VALUE_TOKENS:
        end -= 1
    return tokens[:end]


def _bag(tokens: tuple[str, ...]) -> frozenset[str]:
    """Tokens as a set, without 中 and without tokens another token contains.

    So 专任教师中女教师数 and 女专任教师数 compare equal: statistical forms write subcounts both ways.
    """
    kept = {t for t in tokens if t not in ("中", "其中")}
    return frozenset(t for t in kept if not any(t != other and t in other for other in kept))


def _same_head(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """The abbreviation keeps the full term's head word, or its last character (既往史, 家族史 of 既往病史,
    家族病史: a two-character head loses its first character)."""
    head, full_head = short[-1], full[-1]
    return head == full_head or (len(full_head) == 2 and head[-1] == full_head[1])


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _bigrams(text: str) -> set[str]:
    compact = text.replace(" ", "")
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def _pinyin_keys(main: str) -> tuple[str, ...]:
    if not has_cjk(main) or not 2 <= len(main) <= 10:
        return ()
    initials = "".join(lazy_pinyin(main, style=Style.FIRST_LETTER))
    full = "".join(lazy_pinyin(main))
    keys = tuple(k for k in (initials, full) if _ASCII_WORD_RE.match(k))
    return keys


def _vocabulary(standard: Standard) -> set[str]:
    """Words of the standard that jieba does not know, as its user dictionary.

    A new element such as 借阅证类型 splits into 借阅 证 类型: jieba lacks 借阅证. Joining such a word
    and its one-character head (证, 卡, 室 …) into a dictionary word makes 借阅证种类 and 借阅证号
    split at the same places. A run that contains a term of the lexicon (现职称 holds 职称) is left
    alone: the lexicon must keep seeing its terms.
    """
    base = _vocabulary_segmenter()
    words: set[str] = set()
    for element in standard.elements:
        for term in (element.label_zh, *element.synonyms):
            main, _ = split_brackets(normalise(term))
            if not has_cjk(main):
                continue
            run: list[str] = []
            for token in [*base.tokens(main), ""]:
                if (
                    token
                    and lexicon_entry(token) is None
                    and has_cjk(token)
                    and token not in lexicon.FILLER_TOKENS
                ):
                    run.append(token)
                    continue
                if _is_new_word(run):
                    words.add("".join(run))
                run = []
    return words


def _is_new_word(run: list[str]) -> bool:
    joined = "".join(run)
    if len(run) < 2 or len(run[-1]) != 1 or any(len(t) < 2 for t in run[:-1]) or not 3 <= len(joined) <= 5:
        return False
    pieces = {joined[i:j] for i in range(len(joined)) for j in range(i + 1, len(joined) + 1)}
    return not any(
        piece in lexicon.UNIT_ALIASES or (len(piece) >= 2 and lexicon_entry(piece) is not None)
        for piece in pieces
    )


_vocabulary_base: Segmenter | None = None


def _vocabulary_segmenter() -> Segmenter:
    global _vocabulary_base
    if _vocabulary_base is None:
        _vocabulary_base = Segmenter()
    return _vocabulary_base
