"""Reading a label as object class + property + qualifiers (ISO/IEC 11179, see MATCHING.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

from dedup import lexicon
from dedup.errors import UnknownEntityError
from dedup.normalise import has_cjk, normalise, split_brackets
from dedup.segment import Segmenter, is_numeral, join_tokens

ENTITIES: Final = ("teacher", "school")
_PARSE_CACHE_LIMIT: Final = 200_000

QualifierKind = Literal["unit", "period", "format", "values", "subject", "instruction", "note"]

_OPENING_BRACKETS: Final = "(（[【〔［<《{"
_CLOSING_BRACKETS: Final = ")）]】〕］>》}"
_SECTION_RE: Final = re.compile(r"(?<=[\u4e00-\u9fff)])\s*[-:>]\s*(?=[\u4e00-\u9fff(])")
_UNIT_PREFIX_RE: Final = re.compile(r"^(?:单位|计量单位|unit|in)\s*[:]?\s*")
_VALUE_SPLIT_RE: Final = re.compile(r"[/、,;|]|或")
_INLINE_FORMAT_RE: Final = re.compile(r"(?:yyyy|xxxx)[-/.年]?(?:mm|xx)?(?:[-/.月]?(?:dd|xx)日?)?$|\d{1,2}位$")
_CHANGING_NOTE_RE: Final = re.compile(r"^(?:含|不含|包括|包含|不包括|其中|除|扣除|另|仅|只)")
_BOOLEAN_VALUES: Final = frozenset({"是", "否", "有", "无", "y", "n", "yes", "no", "true", "false", "√", "×"})
_EDGE_REFERENCE_DATE_RE: Final = re.compile(
    rf"^{lexicon.REFERENCE_DATE_RE.pattern}[-:, ]*|[-:, ]*{lexicon.REFERENCE_DATE_RE.pattern}$"
)
# English names the script after the datum: Name in Chinese, Address in English, Name (in pinyin).
_ENGLISH_SCRIPT_RE: Final = re.compile(
    r"\s*\b(?:written )?in (chinese(?: character)?s?|english|pinyin|hanyu pinyin)$"
)


@dataclass(frozen=True, kw_only=True)
class Qualifier:
    """A part of a label that says how, when or for whom, rather than what."""

    kind: QualifierKind
    text: str
    changes_datum: bool = False
    unit: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ParsedLabel:
    """A label read as object class (subject), property (head phrase) and qualifiers.

    `subject` is the class of whose datum it is: 本人 (the teacher a teacher form is about), 单位
    (the teacher's school or employer; on a school form, the school itself), 配偶, 子女, 校长 …
    `own` says whether that is the request's own entity. `tokens` is the property as canonical
    tokens; a label joining several data (工作单位及职务) has them in `parts`.
    """

    label: str
    text: str
    entity: str
    language: Literal["zh", "en"]
    subject: str
    subject_word: str | None
    own: bool
    tokens: tuple[str, ...]
    boolean: bool
    qualifiers: tuple[Qualifier, ...]
    parts: tuple[ParsedLabel, ...] = ()
    # The heading the field stands under, when it lists records (主要工作经历, 获奖情况, 课题): the field
    # is one record's datum (the 单位 of a past post), never the subject's current element.
    record: str | None = None
    # Nothing but qualifiers (a 2025年 or 本年度 column of a multi-level header): no datum is named.
    empty: bool = False
    # The heading, when it names an education (最高学历, 全日制教育) and the label a school (学校名称): the
    # school attended, not the employer; which education the element holds the heading alone does not say.
    schooling: str | None = None

    @property
    def property_text(self) -> str:
        """The property as text (canonical tokens joined)."""
        return join_tokens(self.tokens)

    @property
    def unit(self) -> str | None:
        """The canonical unit a qualifier names, if any."""
        return next((q.unit for q in self.qualifiers if q.kind == "unit"), None)

    @property
    def changing(self) -> tuple[Qualifier, ...]:
        """Qualifiers that make a different datum (原, 近三年, 首次, 含…)."""
        return tuple(q for q in self.qualifiers if q.changes_datum)

    @property
    def compound(self) -> bool:
        """Whether the label asks for several data at once."""
        return len(self.parts) > 1


def own_subject(entity: str) -> str:
    """The subject class a label of this entity has when it names none."""
    return lexicon.SELF if entity == "teacher" else lexicon.ORG


_default_segmenter: Segmenter | None = None


def default_segmenter() -> Segmenter:
    """A segmenter with the lexicon only (no standard vocabulary), shared by `parse`."""
    global _default_segmenter
    if _default_segmenter is None:
        _default_segmenter = Segmenter()
    return _default_segmenter


def parse(
    label: str,
    entity: str,
    *,
    section: str | Sequence[str] | None = None,
    segmenter: Segmenter | None = None,
) -> ParsedLabel:
    """Read a form label: its subject, property tokens, and qualifiers (units, periods, formats).

    `section` is the heading the field stands under (levels outer to inner, or one text with levels
    separated by ``/``): a heading naming a person (配偶情况, 驾驶员信息) makes the field that person's
    datum, one naming the form's subject in other words (申请人基本情况, 主持人) changes nothing, a
    heading listing records (工作经历, 获奖情况) marks the field as a record's datum, and a total
    (合计, 计) or a bare count (人数) takes its property from the heading (教职工数/合计).
    """
    if entity not in ENTITIES:
        raise UnknownEntityError(entity)
    return _parse(label, entity, segmenter or default_segmenter(), section_levels(section))


def section_levels(section: str | Sequence[str] | None) -> tuple[str, ...]:
    """A heading as its levels, outer to inner: ``"一、基本状况/学生宿舍"`` → two levels.

    A ``/`` inside brackets is no level separator (生均藏书（册/生）).
    """
    if section is None:
        return ()
    texts = [section] if isinstance(section, str) else list(section)
    levels: list[str] = []
    for text in texts:
        levels.extend(split_levels(text))
    return tuple(level for level in levels if normalise(level))


def split_levels(text: str) -> list[str]:
    """``heading/subheading/label`` split at the ``/`` that stand outside brackets."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, ch in enumerate(text):
        if ch in _OPENING_BRACKETS:
            depth += 1
        elif ch in _CLOSING_BRACKETS:
            depth = max(depth - 1, 0)
        elif ch in "/／" and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _parse(label: str, entity: str, segmenter: Segmenter, section: tuple[str, ...] = ()) -> ParsedLabel:
    key: tuple[str, ...] = (label, entity, *section)
    found = segmenter.parses.get(key)
    if isinstance(found, ParsedLabel):
        return found
    parsed = (
        _parse_in_section(label, entity, segmenter, section)
        if section
        else _parse_uncached(label, entity, segmenter)
    )
    if len(segmenter.parses) >= _PARSE_CACHE_LIMIT:
        segmenter.parses.clear()
    segmenter.parses[key] = parsed
    return parsed


@dataclass(frozen=True, kw_only=True)
class _Heading:
    subject_word: str | None  # the person or organisation the heading is about (驾驶员信息 → 驾驶员)
    record: str | None  # the heading, when it lists records (主要工作经历)
    piece: str  # the innermost heading's text, for a total or a bare count under it (教职工数/合计)
    thing: str  # the innermost heading naming no person or unit (教学用房), whose 名称 or 面积 a field asks
    narrowed: tuple[str, str] | None  # (体育, 教师) of 体育教师配备情况: the people its counts count
    # The innermost heading when it names a person by a role with words before it (财务负责人, 主管卫生校长,
    # 饮用水管理负责人): a cell under it is that role's datum, read together with the role's own words.
    role: str = ""


def _read_heading(section: tuple[str, ...], segmenter: Segmenter, entity: str) -> _Heading:
    subject_word: str | None = None
    record: str | None = None
    piece = thing = role = ""
    narrowed: tuple[str, str] | None = None
    for level in section:
        main, _ = split_brackets(normalise(level))
        pieces = [p for p in _SECTION_RE.split(main) if p]
        for text in pieces:
            tokens = [
                t
                for t in segmenter.tokens(text)
                if t not in lexicon.HEADING_WORDS
                and t not in lexicon.FILLER_TOKENS
                and t not in lexicon.SUBJECT_LEADERS
                and not is_numeral(t)
            ]
            if not tokens:
                continue
            # A heading is about a person when it opens or ends with one (配偶、子女移居国外的情况,
            # 课题组主要成员); a person inside it only qualifies (体育教师配备情况).
            named = next((t for t in (tokens[-1], tokens[0]) if t in lexicon.SUBJECTS), None)
            if named is None and {tokens[0], tokens[-1]} & lexicon.CHILD_EVENT_WORDS:
                named = "子女"  # 生育信息: the children born, named by the event alone
            if named is not None:
                subject_word = named
            role = _compound_role(tokens, entity)
            if (
                tokens[-1] in lexicon.RECORD_HEADS
                or any(t in lexicon.RECORD_HEADS for t in tokens[-2:-1])
                or any(t in lexicon.REQUIREMENT_WORDS for t in tokens)
            ):
                record = level
            things = not any(t in lexicon.SUBJECTS for t in tokens)
            for before, word in zip(tokens, tokens[1:], strict=False):
                if word in lexicon.COUNTABLE_SUBJECT_WORDS and before not in lexicon.SUBJECTS:
                    narrowed = (before, word)  # 体育教师配备情况: the heading's teachers are PE teachers
            thing = text if things else ""
        if pieces:
            piece = pieces[-1]
    return _Heading(
        subject_word=subject_word, record=record, piece=piece, thing=thing, narrowed=narrowed, role=role
    )


def _compound_role(tokens: list[str], entity: str) -> str:
    """The role a heading names with words before its role word (财务 负责人, 主管 卫生 校长, 学校 卫生 管理 人员
    姓名), written as one word; "" when the heading names no role so or only a listed one (单位负责人). On a
    school's form a person named so is never the school, so 卫生管理人员 is a role too; on a person's form
    专业技术人员 may be the person the form is about."""
    words = tokens[:-1] if tokens[-1:] == ["姓名"] else tokens
    while len(words) > 2 and lexicon.SUBJECTS.get(words[0]) == lexicon.ORG:
        words = words[1:]  # 学校卫生管理人员: the school's health officer
    if len(words) < 2 or words[-1] not in lexicon.SUBJECTS or not all(has_cjk(w) for w in words):
        return ""
    before = [w for w in words[:-1] if w not in lexicon.SUBJECTS]
    if not before or before != words[: len(before)]:
        return ""  # 学校负责人: the unit's own head; 配偶父亲: a relation, read by `_scan`
    cls = lexicon.SUBJECTS[words[-1]]
    if cls not in lexicon.QUALIFIABLE_ROLES and not (cls == lexicon.SELF and entity == "school"):
        return ""
    compound = "".join(words)
    if lexicon.SUBJECTS.listed(compound):
        return ""
    return compound


def _parse_in_section(label: str, entity: str, segmenter: Segmenter, section: tuple[str, ...]) -> ParsedLabel:
    heading = _read_heading(section, segmenter, entity)
    text = normalise(label)
    main, groups = split_brackets(text)
    if heading.piece and (main in lexicon.TOTAL_WORDS or main in lexicon.COUNT_WORDS):
        # 教职工数/合计 is 教职工数, 其中:专职教师/人数 is 专职教师人数: the heading names what is counted.
        count = "" if main in lexicon.TOTAL_WORDS or heading.piece.endswith("数") else main
        spelled = heading.piece + count + "".join(f"({g})" for g in groups)
        inner = section[:-1]
        parsed = (
            _parse(spelled, entity, segmenter, inner)
            if inner
            else _parse_uncached(spelled, entity, segmenter)
        )
        return replace(parsed, label=label)
    if heading.narrowed is not None:
        modifier, people = heading.narrowed
        if main.startswith(people) and modifier not in main:
            # 体育教师配备情况/教师人数 counts PE teachers, not all teachers.
            return replace(_parse_uncached(modifier + text, entity, segmenter), label=label)
    if heading.role and _row_cell(main, segmenter):
        # 财务负责人/移动电话 is the finance officer's phone, not the head's: read as one label, as the role's
        # own words would write it (财务负责人移动电话, 安全负责人电话).
        spelled = heading.role + main + "".join(f"({g})" for g in groups)
        return replace(_parse_uncached(spelled, entity, segmenter), label=label)
    if heading.thing and heading.subject_word is None and main in lexicon.THING_ATTRIBUTE_WORDS:
        # 教学、行政、生活用房情况表/名称 is the room's name, not the school's.
        spelled = heading.thing + main + "".join(f"({g})" for g in groups)
        return replace(_parse_uncached(spelled, entity, segmenter), label=label)
    parsed = _parse_uncached(label, entity, segmenter, heading.subject_word)
    if (
        entity == "teacher"
        and heading.record is None
        and parsed.subject == lexicon.ORG
        and parsed.subject_word in lexicon.SCHOOL_WORDS
        and not parsed.compound
        and any(word in normalise(level) for level in section for word in lexicon.EDUCATION_HEADING_WORDS)
    ):
        # 最高学历/国内/学校名称: the school of that education, not the teacher's employer.
        parsed = replace(parsed, schooling="/".join(section))
    if heading.record is not None:
        parsed = replace(
            parsed,
            record=heading.record,
            parts=tuple(replace(p, record=heading.record) for p in parsed.parts),
        )
    return parsed


def _row_cell(main: str, segmenter: Segmenter) -> bool:
    """Whether a cell asks what a form asks of a person in the cells after them (姓名, 电话, 手机, 职务)."""
    tokens = [lexicon.TERMS.get(t, (t,))[0] for t in segmenter.tokens(main)]
    return bool(tokens) and all(t in lexicon.PERSON_CELL_TOKENS for t in tokens)


def _parse_uncached(
    label: str, entity: str, segmenter: Segmenter, heading_subject: str | None = None
) -> ParsedLabel:
    text = normalise(label)
    main, groups = split_brackets(text)
    qualifiers: list[Qualifier] = []
    bracket_subject: str | None = None
    boolean = False
    for group in groups:
        qualifier = _bracket_qualifier(group)
        if qualifier.kind == "subject":
            bracket_subject = qualifier.text
        if qualifier.kind == "values" and set(qualifier.values) <= _BOOLEAN_VALUES:
            boolean = True
        qualifiers.append(qualifier)
    if not main and groups:
        # The whole label was bracketed: read the brackets as the label.
        main = " ".join(groups)
        qualifiers = []
    main, inline = _inline_qualifiers(main)
    qualifiers.extend(inline)
    main, reference = _reference_date(main)
    qualifiers.extend(reference)
    language: Literal["zh", "en"] = "zh" if has_cjk(main) or not main else "en"

    sections = [s for s in _SECTION_RE.split(main) if s]
    subject_word: str | None = heading_subject
    for section in sections[:-1]:
        for token in segmenter.tokens(section):
            if token in lexicon.SUBJECTS:
                subject_word = token
    tokens = list(segmenter.tokens(sections[-1])) if sections else []
    if language == "en":
        tokens = _person_first(tokens)

    pieces = _split_conjunctions(tokens)
    scans: list[_Scan] = []
    for number, piece in enumerate(pieces):
        # 配偶姓名及工作单位: a person named before the conjunction owns what follows it too.
        inherited = subject_word
        if number > 0 and scans[0].subject_word is not None:
            first = scans[0].subject_word
            if lexicon.SUBJECTS[first] in lexicon.PERSON_SUBJECTS and lexicon.SUBJECTS[first] != lexicon.SELF:
                inherited = first
        scans.append(_scan(piece, inherited))
    if bracket_subject is not None and scans and _renamed_by_brackets(scans[0].subject_word, bracket_subject):
        # 姓名（配偶）, 工作单位（配偶）: the brackets name the person; 校长（负责人）姓名: they only rename
        # one already named.
        scans = [_scan(piece, bracket_subject) for piece in pieces]
    for scan in scans:
        qualifiers.extend(q for q in scan.qualifiers if q not in qualifiers)
        boolean = boolean or scan.boolean
    parts = tuple(
        _finish(
            label,
            text,
            entity,
            language,
            scan.subject_word,
            list(scan.rest),
            boolean,
            tuple(qualifiers),
            scan.owner,
        )
        for scan in scans
    )
    if len(parts) == 1:
        return parts[0]
    first_part = parts[0]
    return ParsedLabel(
        label=label,
        text=text,
        entity=entity,
        language=language,
        subject=first_part.subject,
        subject_word=first_part.subject_word,
        own=first_part.own,
        tokens=tuple(t for p in parts for t in p.tokens),
        boolean=boolean,
        qualifiers=tuple(qualifiers),
        parts=parts,
    )


@dataclass(frozen=True, kw_only=True)
class _Scan:
    subject_word: str | None
    owner: str | None  # 配偶 in 配偶父亲: the person whose relation the subject is
    boolean: bool
    qualifiers: tuple[Qualifier, ...]
    rest: tuple[str, ...]


def _scan(tokens: list[str], subject_word: str | None) -> _Scan:
    """Reads the words before the property: yes/no markers, periods, ordinals, subjects, numbering."""
    owner: str | None = None
    qualifiers: list[Qualifier] = []
    boolean = False
    index = 0
    count = len(tokens)
    while index < count:
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < count else None
        if token in lexicon.BOOLEAN_MARKERS:
            boolean = True
            index += 1
            while index < count - 1 and tokens[index] in lexicon.BOOLEAN_VERBS:
                index += 1
            continue
        period = _period(token)
        if period is not None:
            if lexicon.ORDINAL_RE.match(token) and following is not None and following in lexicon.SUBJECTS:
                index += 1  # 第一子女: the ordinal numbers the subject, not the datum
                continue
            qualifiers.append(period)
            index += 1
            continue
        if token in lexicon.SUBJECT_LEADERS and following is not None and following in lexicon.SUBJECTS:
            index += 1
            continue
        if token in lexicon.SUBJECTS:
            if subject_word is not None and lexicon.SUBJECTS[token] == lexicon.SUBJECTS[subject_word]:
                subject_word = token  # 驾驶员信息/驾驶员姓名: the heading's person named again
                index += 1
                continue
            if lexicon.SUBJECTS[token] == lexicon.ORG and _is_other_person(subject_word):
                break  # 配偶工作单位: the spouse's employer, a datum about the spouse
            if _is_other_person(subject_word):
                if lexicon.SUBJECTS[token] == lexicon.SELF and token in lexicon.REFLEXIVE_WORDS:
                    index += 1  # 配偶本人: still the spouse
                    continue
                if lexicon.SUBJECTS[token] == lexicon.SELF:
                    break  # 学生党员数: the students who are Party members, a part of the students
                owner = owner or subject_word  # 配偶父亲, 子女紧急联系人: someone of someone else
            subject_word = token
            index += 1
            while index < count - 1 and is_numeral(tokens[index]):
                index += 1
            continue
        if (is_numeral(token) and following is not None) or token in lexicon.FILLER_TOKENS:
            index += 1
            continue
        break
    rest: list[str] = []
    for token in tokens[index:]:
        period = _period(token)
        if period is not None:
            qualifiers.append(period)
        elif lexicon.SUBJECTS.get(token) == lexicon.ORG:
            rest.append(lexicon.ORG)
        elif token not in lexicon.FILLER_TOKENS:
            rest.append(token)
    return _Scan(
        subject_word=subject_word,
        owner=owner,
        boolean=boolean,
        qualifiers=tuple(qualifiers),
        rest=tuple(rest),
    )


def _renamed_by_brackets(named: str | None, bracketed: str) -> bool:
    """Whether a person in brackets owns the datum: the label names no one, or only the form's own
    subject or its employer (工作单位（配偶） is the spouse's employer)."""
    if named is None:
        return True
    return _is_other_person(bracketed) and lexicon.SUBJECTS[named] in (lexicon.SELF, lexicon.ORG)


def _person_first(tokens: list[str]) -> list[str]:
    """English names the person anywhere (“Spouse's date of birth”, “date of birth of spouse”)."""
    for index, token in enumerate(tokens):
        if index > 0 and _is_other_person(token if token in lexicon.SUBJECTS else None):
            return [token, *tokens[:index], *tokens[index + 1 :]]
    return tokens


def _is_other_person(subject_word: str | None) -> bool:
    if subject_word is None:
        return False
    cls = lexicon.SUBJECTS[subject_word]
    return cls in lexicon.PERSON_SUBJECTS and cls != lexicon.SELF


def _period(token: str) -> Qualifier | None:
    if token in lexicon.CURRENT_PERIODS:
        return Qualifier(kind="period", text=token)
    if (
        token in lexicon.CHANGING_PERIODS
        or lexicon.RANGE_PERIOD_RE.match(token)
        or lexicon.ORDINAL_RE.match(token)
    ):
        return Qualifier(kind="period", text=token, changes_datum=True)
    if lexicon.YEAR_PERIOD_RE.match(token) and not token.isdigit():
        return Qualifier(kind="period", text=token)
    return None


def _split_conjunctions(tokens: list[str]) -> list[list[str]]:
    pieces: list[list[str]] = [[]]
    for token in tokens:
        if token in lexicon.CONJUNCTIONS:
            pieces.append([])
        else:
            pieces[-1].append(token)
    kept = [p for p in pieces if p]
    return kept or [[]]


def _finish(
    label: str,
    text: str,
    entity: str,
    language: Literal["zh", "en"],
    subject_word: str | None,
    tokens: list[str],
    boolean: bool,
    qualifiers: tuple[Qualifier, ...],
    owner: str | None = None,
) -> ParsedLabel:
    own_class = own_subject(entity)
    cls = lexicon.SUBJECTS[subject_word] if subject_word is not None else own_class
    empty = not tokens and subject_word is None
    property_tokens = list(tokens)
    if (
        property_tokens
        and property_tokens[0] in lexicon.CHINESE_SCRIPT_WORDS
        and (
            property_tokens[1:] in (["姓名"], ["名称"])
            or (property_tokens == [property_tokens[0]] and cls == lexicon.ORG and subject_word is not None)
        )
    ):
        # 中文姓名, Chinese name, 学校中文名称: names are held in Chinese characters; the script is no
        # other datum.
        qualifiers = (*qualifiers, Qualifier(kind="format", text=property_tokens[0]))
        del property_tokens[0]
    if (
        subject_word is not None
        and property_tokens in (["数"], ["人次"])
        and (
            subject_word in lexicon.COUNTABLE_SUBJECT_WORDS
            or lexicon.TERMS.get(subject_word, ("",))[0] in lexicon.COUNTABLE_SUBJECT_WORDS
        )
    ):
        # 学生数, 教师数, 子女数: a count of people is a datum of the entity that has them.
        canonical = lexicon.TERMS.get(subject_word, (subject_word,))[0]
        property_tokens = [canonical, *property_tokens]
        cls = own_class
        subject_word = None
    if (
        subject_word is not None
        and cls == lexicon.SELF
        and property_tokens
        and all(t in lexicon.GENERIC_TOKENS for t in property_tokens)
    ):
        # 人员类别, 读者类型: the person word is what the generic word qualifies, not whose datum it is.
        canonical = lexicon.TERMS.get(subject_word, (subject_word,))[0]
        property_tokens = [canonical, *property_tokens]
        subject_word = None
    if (
        entity == "school"
        and subject_word is not None
        and cls in (lexicon.SELF, "学生")
        and property_tokens
        and property_tokens[0] not in lexicon.PERSON_ATTRIBUTES
    ):
        # 学生宿舍, 教师周转房: a school datum about a kind of member, not a member's personal datum.
        property_tokens = [lexicon.TERMS.get(subject_word, (subject_word,))[0], *property_tokens]
        cls = own_class
        subject_word = None
    if boolean and subject_word is not None and not property_tokens and cls not in (lexicon.ORG,):
        # 是否党员: a yes/no about being one, not that person's name.
        property_tokens = [lexicon.TERMS.get(subject_word, (subject_word,))[0]]
        cls = own_class
        subject_word = None
    if entity == "school" and cls == lexicon.SELF:
        cls = "教师"  # on a school form, 教师姓名 is about the school's teachers
    if (
        entity == "school"
        and cls == own_class
        and subject_word is None
        and property_tokens == ["姓名"]
        and language == "zh"
    ):
        cls = (
            lexicon.OTHER
        )  # 姓名 on a school form is a person's name (a pupil's, a teacher's), not the school's
    if cls == lexicon.ORG and (property_tokens == ["名称"] or (property_tokens == ["姓名"] and subject_word)):
        property_tokens = []  # 单位名称 / school name: the organisation itself (姓名 alone stays a person's)
    if (
        not property_tokens
        and not empty
        and cls in lexicon.PERSON_SUBJECTS
        and subject_word not in lexicon.COUNTABLE_SUBJECT_WORDS
    ):
        # 校长：____ asks for the principal's name; 学生 or Students alone says nothing of the kind.
        property_tokens = ["姓名"]
    if (
        len(property_tokens) >= 2
        and property_tokens[-1] == "数"
        and property_tokens[-2] in lexicon.UNIT_ALIASES
    ):
        if lexicon.UNITS[lexicon.UNIT_ALIASES[property_tokens[-2]]][0] in lexicon.COUNTED_DIMENSIONS:
            del property_tokens[-2]  # 校车台数, 图书册数: a classifier before 数 counts things
        else:
            del property_tokens[-1]  # 学时数 is 学时: the measure already says how much
    if cls == lexicon.OTHER and subject_word is not None:
        # 驾驶员电话 is not 照管员电话: people named by a role are told apart by that role.
        cls = subject_word
    if owner is not None and subject_word is not None:
        cls = f"{lexicon.SUBJECTS[owner]}的{cls}"
        subject_word = f"{owner}的{subject_word}"
    return ParsedLabel(
        label=label,
        text=text,
        entity=entity,
        language=language,
        subject=cls,
        subject_word=subject_word,
        own=cls == own_class,
        tokens=tuple(property_tokens),
        boolean=boolean,
        qualifiers=qualifiers,
        empty=empty,
    )


def _bracket_qualifier(group: str) -> Qualifier:
    if lexicon.INSTRUCTION_RE.match(group):
        return Qualifier(kind="instruction", text=group)
    if lexicon.REFERENCE_DATE_RE.fullmatch(group):
        return Qualifier(kind="period", text=group)
    if group in lexicon.CHINESE_SCRIPT_WORDS:
        return Qualifier(kind="format", text=group)
    unit = unit_of(_UNIT_PREFIX_RE.sub("", group))
    if unit is not None:
        return Qualifier(kind="unit", text=group, unit=unit)
    if lexicon.FORMAT_RE.match(group):
        return Qualifier(kind="format", text=group)
    values = tuple(v.strip() for v in _VALUE_SPLIT_RE.split(group) if v.strip())
    if len(values) >= 3 and all(len(v) <= 12 for v in values):
        # 人员类别（专任教师、行政人员、教辅人员）: three or more are the options offered, even of people.
        return Qualifier(kind="values", text=group, values=values)
    if group in lexicon.SUBJECTS:
        return Qualifier(kind="subject", text=group)
    if lexicon.TERMS.get(group) == ("名称",):
        return Qualifier(kind="format", text=group)  # 工作单位（全称）: how to write it, not what
    period = _period(group)
    if period is not None:
        return period
    if _CHANGING_NOTE_RE.match(group):
        return Qualifier(kind="note", text=group, changes_datum=True)
    if len(values) >= 2 and all(len(v) <= 12 for v in values):
        return Qualifier(kind="values", text=group, values=values)
    return Qualifier(kind="note", text=group)


def _reference_date(main: str) -> tuple[str, list[Qualifier]]:
    """A reference date opening or closing the label (截至2025年12月年龄): a period, not a word of the datum.

    A label that is nothing but a reference date (截至2025年底, a column of a multi-level header) is left
    empty: it names no datum.
    """
    match = _EDGE_REFERENCE_DATE_RE.search(main)
    if match is None:
        return main, []
    rest = (main[: match.start()] + main[match.end() :]).strip()
    return rest, [Qualifier(kind="period", text=match.group(0).strip("-:, "))]


def _inline_qualifiers(main: str) -> tuple[str, list[Qualifier]]:
    """Formats and units written without brackets: 出生年月yyyy-mm, 经费/万元, 经费-万元."""
    found: list[Qualifier] = []
    script = _ENGLISH_SCRIPT_RE.search(main)
    if script is not None and script.start() > 0:
        written = script.group(1)
        # In Chinese is how the standard holds it (a format); in English or pinyin is another datum.
        kind: QualifierKind = "format" if written.startswith("chinese") else "note"
        found.append(Qualifier(kind=kind, text=written))
        main = main[: script.start()]
    match = _INLINE_FORMAT_RE.search(main)
    if match is not None and match.start() > 0:
        found.append(Qualifier(kind="format", text=match.group(0)))
        main = main[: match.start()].rstrip("-/: ")
    for separator in ("/", "-", ":"):
        head, sep, tail = main.rpartition(separator)
        if sep and head and tail:
            unit = unit_of(_UNIT_PREFIX_RE.sub("", tail))
            if unit is not None and len(tail) <= 6:
                found.append(Qualifier(kind="unit", text=tail, unit=unit))
                main = head
                break
    return main, found


def unit_of(text: str) -> str | None:
    """The canonical unit a text names (万元 → 万元, ㎡/平方米 → m2, 课时 → 学时), or None."""
    return lexicon.UNIT_ALIASES.get(text.strip().lower())
