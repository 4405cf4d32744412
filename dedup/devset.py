"""Scoring the matcher on a development set, without the hub.

The file format is the one of ``data/dedup-devset.yaml``: steps of fields ``[label, concept]``;
``collected`` steps are gathered (their fields' elements become known, unmatched fields become new
elements, as the statistics bureau's approval does in the hub), ``check`` steps are scored the way
``tools/dedup_rest.py`` scores the hub through REST.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pypinyin import lazy_pinyin

from dedup.errors import DevsetFormatError
from dedup.matcher import Field, Matcher
from dedup.normalise import has_cjk
from schemas import Element, Standard, load_standard, normalize_term

_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, kw_only=True)
class Score:
    """Precision, recall and F1 of "already gathered", and recall of derived fields."""

    precision: float
    recall: float
    f1: float
    derived_recall: float
    tp: int
    fp: int
    fn: int
    tn: int
    derived_tp: int
    derived_fn: int
    derived_false: int
    mistakes: tuple[str, ...]

    def summary(self) -> str:
        """One line of figures, like the REST scorer prints."""
        line = (
            f"dedup: F1 {self.f1:.3f} P {self.precision:.3f} R {self.recall:.3f} "
            f"(tp {self.tp} fp {self.fp} fn {self.fn} tn {self.tn})"
        )
        if self.derived_tp + self.derived_fn + self.derived_false:
            line += (
                f"; derived recall {self.derived_recall:.2f} ({self.derived_tp}/{self.derived_tp + self.derived_fn}),"
                f" derived false {self.derived_false}"
            )
        return line


@dataclass(frozen=True, kw_only=True)
class _Step:
    id: str
    role: str
    entity: str
    then_collect: bool
    fields: tuple[tuple[str, str], ...]
    # Where a real form came from and who issued it (tests/dedup/data/real/): kept for the corpus's
    # own checks and for reports; scoring never reads them.
    source: str | None = None
    issuer: str | None = None
    department: str | None = None
    title: str | None = None


_DESCRIPTIVE_KEYS = ("source", "issuer", "department", "title")


def load_steps(path: str | Path) -> tuple[_Step, ...]:
    """Read and check a development-set file."""
    where = str(path)
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, Mapping) or not isinstance(data.get("steps"), list):
        raise DevsetFormatError(where, "steps", "缺少 steps 列表", "the file has no list of steps")
    steps: list[_Step] = []
    for number, raw in enumerate(data["steps"], start=1):
        steps.append(_step(where, number, raw))
    return tuple(steps)


def _step(path: str, number: int, raw: Any) -> _Step:
    where = f"step {number}"
    if not isinstance(raw, Mapping):
        raise DevsetFormatError(path, where, "步骤应为映射", "a step must be a mapping")
    role = raw.get("role")
    entity = raw.get("entity")
    if role not in ("collected", "check"):
        raise DevsetFormatError(
            path, where, "role 应为 collected 或 check", "role must be collected or check"
        )
    if entity not in ("teacher", "school"):
        raise DevsetFormatError(
            path, where, "entity 应为 teacher 或 school", "entity must be teacher or school"
        )
    fields: list[tuple[str, str]] = []
    for item in raw.get("fields") or ():
        if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 2:
            raise DevsetFormatError(path, where, "字段应为 [标签, 概念]", "a field must be [label, concept]")
        fields.append((str(item[0]), str(item[1])))
    described: dict[str, str | None] = {}
    for key in _DESCRIPTIVE_KEYS:
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise DevsetFormatError(path, where, f"{key} 应为非空文本", f"{key} must be a non-empty string")
        described[key] = value
    return _Step(
        id=str(raw.get("id", number)),
        role=str(role),
        entity=str(entity),
        then_collect=bool(raw.get("then_collect", False)),
        fields=tuple(fields),
        source=described["source"],
        issuer=described["issuer"],
        department=described["department"],
        title=described["title"],
    )


def score_devset(path: str | Path, standard: Standard) -> Score:
    """Replay a development set against the library and score it like the hub's REST flow."""
    return _Replay(standard).run(load_steps(path))


class Tally:
    """The scoring of a dev set, shared by this library's replay and the hub's REST replay.

    Collected fields make their elements "known" for their entity; a checked field is predicted
    "already gathered" when its element is known, and right when that element holds its concept.
    """

    def __init__(self) -> None:
        self.known: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.tp = self.fp = self.fn = self.tn = 0
        self.derived_tp = self.derived_fn = self.derived_false = 0
        self.mistakes: list[str] = []

    def collected(self, entity: str, element: str | None, concept: str) -> None:
        """A field of a collected request was mapped to `element` (None: it stayed unmatched)."""
        if element is not None:
            self.known[entity][element].add(concept)

    def checked(
        self,
        step_id: str,
        entity: str,
        label: str,
        concept: str,
        element: str | None,
        *,
        derived: bool,
        why: str,
    ) -> None:
        """Score one checked field: the element the matcher named and whether it called it derived."""
        if concept.startswith("D:"):
            if derived:
                self.derived_tp += 1
            else:
                self.derived_fn += 1
                self.mistakes.append(f"{step_id} {label}: derived missed (got {element})")
            return
        if derived:
            self.derived_false += 1
        known = self.known[entity]
        gathered = set().union(*known.values()) if known else set()
        if element is not None and element in known:
            if concept in known[element]:
                self.tp += 1
                return
            self.fp += 1
            self.fn += concept in gathered
            self.mistakes.append(
                f"{step_id} {label}: wrongly matched {element} (holds {sorted(known[element])})"
            )
        elif concept in gathered:
            self.fn += 1
            self.mistakes.append(f"{step_id} {label}: gathered but not found (got {element}; {why})")
        else:
            self.tn += 1

    def score(self) -> Score:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        derived = self.derived_tp + self.derived_fn
        return Score(
            precision=precision,
            recall=recall,
            f1=f1,
            derived_recall=self.derived_tp / derived if derived else 0.0,
            tp=self.tp,
            fp=self.fp,
            fn=self.fn,
            tn=self.tn,
            derived_tp=self.derived_tp,
            derived_fn=self.derived_fn,
            derived_false=self.derived_false,
            mistakes=tuple(self.mistakes),
        )


def as_field(written: str) -> Field:
    """A dev-set label as a requested field (`Field.written`): ``heading/label`` is the label under its
    heading, as a form with sections sends it, and as the hub reads a request's field."""
    return Field.written(written)


class _Replay:
    def __init__(self, standard: Standard) -> None:
        self.standard = standard
        self.matcher = Matcher(standard)
        self.tally = Tally()

    def run(self, steps: Sequence[_Step]) -> Score:
        for step in steps:
            if step.role == "collected":
                self._collect(step)
                continue
            self._check(step)
            if step.then_collect:
                self._collect(step)
        return self.tally.score()

    def _collect(self, step: _Step) -> None:
        """A collected request: matched fields are gathered; the others become new elements on approval."""
        report = self.matcher.match_many(
            [as_field(label) for label, _ in step.fields], step.entity, title=step.title
        )
        new: dict[str, Element] = {}
        learned: dict[str, list[str]] = {}
        for found, (label, concept) in zip(report.matches, step.fields, strict=True):
            code = found.element
            named = self._named_by(step.entity, as_field(label).label) if code is None else None
            if named is not None:
                # A "new" field the standard already names (编制类别, a synonym of 编制情况) is approved as
                # that element, as the hub approves it, and learned: checked later, it is that element too.
                code = named
                learned.setdefault(code, []).append(as_field(label).label)
            elif code is None:
                element = self._new_element(step.entity, self._unclaimed(label, new), new)
                new.setdefault(element.code, element)
                code = element.code
            self.tally.collected(step.entity, code, concept)
        if new:
            self.standard = self.standard.with_elements(new.values())
            self.matcher = Matcher(self.standard, extra_synonyms=self.matcher.extra_synonyms)
        if learned:
            self.matcher = self.matcher.with_synonyms(learned)

    def _named_by(self, entity: str, label: str) -> str | None:
        """The gathered element of `entity` one of whose names (label or synonym) the label is, if any."""
        key = normalize_term(label)
        return next(
            (
                e.code
                for e in self.standard.elements_for(entity)
                if not e.derived and any(normalize_term(t) == key for t in e.terms)
            ),
            None,
        )

    def _unclaimed(self, written: str, pending: Mapping[str, Element]) -> str:
        """The label a new element gets: the field's own label, or with its heading when another element
        already holds that label (驾驶员信息/联系电话 is new, 联系电话 is the school's), as the hub names it."""
        label = as_field(written).label
        taken = {normalize_term(t) for e in (*self.standard.elements, *pending.values()) for t in e.terms}
        if normalize_term(label) not in taken or any(e.label_zh == label for e in pending.values()):
            return label
        return written

    def _new_element(self, entity: str, label: str, pending: Mapping[str, Element]) -> Element:
        for element in pending.values():
            if element.label_zh == label or element.label_en == label:
                return element
        base = "x_" + (_SLUG_RE.sub("_", "_".join(lazy_pinyin(label)).lower()).strip("_")[:40] or "field")
        name, suffix = base, 2
        while self.standard.has_element(f"{entity}.{name}") or f"{entity}.{name}" in pending:
            name, suffix = f"{base}_{suffix}", suffix + 1
        chinese = has_cjk(label)
        return Element(
            code=f"{entity}.{name}",
            entity=entity,
            name=name,
            label_zh=label if chinese else name,
            label_en=label if not chinese else name,
            value_type="string",
        )

    def _check(self, step: _Step) -> None:
        report = self.matcher.match_many(
            [as_field(label) for label, _ in step.fields], step.entity, title=step.title
        )
        for found, (label, concept) in zip(report.matches, step.fields, strict=True):
            self.tally.checked(
                step.id,
                step.entity,
                label,
                concept,
                found.element,
                derived=found.kind == "derived",
                why=found.explanation_en,
            )


def devset_files(path: str | Path) -> tuple[Path, ...]:
    """A dev-set file, or every ``*.yaml`` file directly in a directory (sorted; subdirectories are not
    read, so a corpus's parts are scored one at a time)."""
    root = Path(path)
    if root.is_dir():
        return tuple(sorted(p for p in root.glob("*.yaml") if p.is_file()))
    return (root,)


def combine(scores: Sequence[tuple[str, Score]]) -> Score:
    """The totals of several dev sets scored apart, with each mistake prefixed by its file."""
    tp = sum(s.tp for _, s in scores)
    fp = sum(s.fp for _, s in scores)
    fn = sum(s.fn for _, s in scores)
    derived_tp = sum(s.derived_tp for _, s in scores)
    derived_fn = sum(s.derived_fn for _, s in scores)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(
        precision=precision,
        recall=recall,
        f1=f1,
        derived_recall=derived_tp / (derived_tp + derived_fn) if derived_tp + derived_fn else 0.0,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=sum(s.tn for _, s in scores),
        derived_tp=derived_tp,
        derived_fn=derived_fn,
        derived_false=sum(s.derived_false for _, s in scores),
        mistakes=tuple(f"{name}: {m}" for name, s in scores for m in s.mistakes),
    )


def score_labels(path: str | Path, standard: Standard) -> Score:
    """Score a table of labels (``{entity: [[label, element or null], ...]}``, as in tests/dedup/data).

    A row is a true positive when the matcher names the expected element, a true negative when both
    are null; a wrong element counts as a false positive and a false negative.
    """
    where = str(path)
    table = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(table, Mapping):
        raise DevsetFormatError(where, "table", "应为按实体分组的标签表", "expected labels grouped by entity")
    matcher = Matcher(standard)
    tp = fp = fn = tn = 0
    mistakes: list[str] = []
    for entity, rows in table.items():
        for row in rows or ():
            if not isinstance(row, Sequence) or isinstance(row, str) or len(row) < 2:
                raise DevsetFormatError(
                    where, str(entity), "行应为 [标签, 元素]", "a row must be [label, element]"
                )
            label, expected = str(row[0]), row[1]
            got = matcher.match(label, entity=str(entity)).element
            if got is not None and got == expected:
                tp += 1
            elif got is None and expected is None:
                tn += 1
            else:
                fp += got is not None
                fn += expected is not None
                mistakes.append(f"{entity} {label}: expected {expected}, got {got}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(
        precision=precision,
        recall=recall,
        f1=f1,
        derived_recall=0.0,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        derived_tp=0,
        derived_fn=0,
        derived_false=0,
        mistakes=tuple(mistakes),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dedup.devset FILE|DIR`` (a dev set, or every dev set in a directory: per file and in
    total) or ``--labels FILE`` (a label table): figures, mistakes."""
    args = list(sys.argv[1:] if argv is None else argv)
    labels = args[:1] == ["--labels"]
    if labels:
        args = args[1:]
    if len(args) != 1:
        print("usage: python -m dedup.devset [--labels] FILE|DIR", file=sys.stderr)
        return 2
    standard = load_standard()
    files = devset_files(args[0])
    if not files:
        print(f"no *.yaml file in {args[0]}", file=sys.stderr)
        return 2
    scorer = score_labels if labels else score_devset
    if len(files) == 1 and not Path(args[0]).is_dir():
        score = scorer(files[0], standard)
    else:
        scores = [(path.name, scorer(path, standard)) for path in files]
        for name, each in scores:
            print(f"{name}: {each.summary()}")
        score = combine(scores)
    for mistake in score.mistakes:
        print(mistake)
    print(score.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
