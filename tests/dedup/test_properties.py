"""Properties that hold for every element of the standard, not only for the examples."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Matcher, normalise
from schemas import load_standard

_STANDARD = load_standard()
_TERMS = [(e.entity, term, e.code) for e in _STANDARD.elements for term in e.terms]
_TEACHER_ZH = [
    (term, e.code)
    for e in _STANDARD.elements_for("teacher")
    for term in e.terms
    if not normalise(term).isascii()
]
_OTHER_PEOPLE = ("配偶", "爱人", "父亲", "母亲", "子女", "家庭成员", "紧急联系人", "推荐人", "学生")


def test_every_label_and_synonym_matches_its_element(matcher: Matcher) -> None:
    wrong = []
    for entity, term, code in _TERMS:
        found = matcher.match(term, entity=entity)
        if found.element != code or found.kind not in ("exact", "synonym", "derived"):
            wrong.append((term, code, found.element, found.explanation_en))
    assert wrong == []


def test_a_subject_prefix_never_yields_the_teachers_own_element(matcher: Matcher) -> None:
    wrong = []
    for prefix in _OTHER_PEOPLE:
        for term, code in _TEACHER_ZH:
            if term.startswith(prefix):
                continue  # 紧急联系人 + 紧急联系人电话 names no one new
            found = matcher.match(prefix + term, entity="teacher")
            if found.element == code:
                wrong.append((prefix + term, code))
    assert wrong == []


_DECORATIONS = st.sampled_from(
    [
        lambda t: t,
        lambda t: f"{t}：",
        lambda t: f"*{t}",
        lambda t: f"3. {t}",
        lambda t: f"（一）{t}",
        lambda t: f"请填写{t}",
        lambda t: " ".join(t) if not t.isascii() else t,  # forms pad Chinese labels, not English
        lambda t: t.translate(
            str.maketrans(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ()", "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ（）"
            )
        ),
        lambda t: f"{t}__________",
        lambda t: f"※{t}（必填）",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_TERMS), _DECORATIONS)
def test_a_decorated_label_still_matches(
    matcher: Matcher, item: tuple[str, str, str], decorate: object
) -> None:
    entity, term, code = item
    assert callable(decorate)
    assert matcher.match(decorate(term), entity=entity).element == code


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(_TEACHER_ZH), st.sampled_from(_OTHER_PEOPLE), st.sampled_from(["", "的", "1", "（一）"])
)
def test_another_persons_datum_in_any_form_is_not_the_teachers(
    matcher: Matcher, item: tuple[str, str], person: str, joint: str
) -> None:
    term, code = item
    if not term.startswith(person):
        assert matcher.match(f"{person}{joint}{term}", entity="teacher").element != code


@pytest.mark.parametrize("entity", ["teacher", "school"])
def test_matching_is_deterministic(matcher: Matcher, entity: str) -> None:
    labels = [term for e, term, _ in _TERMS if e == entity][:50]
    first = [matcher.match(label, entity=entity) for label in labels]
    again = Matcher(_STANDARD)
    assert [again.match(label, entity=entity) for label in labels] == first


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["teacher", "school"]))
def test_any_text_gets_a_well_formed_answer(matcher: Matcher, text: str, entity: str) -> None:
    found = matcher.match(text, entity=entity)
    assert found.kind in ("exact", "synonym", "segmented", "fuzzy", "derived", "none")
    assert 0.0 <= found.confidence <= 1.0
    assert (found.element is None) == (found.kind == "none")
    assert found.element is None or _STANDARD.element(found.element).entity == entity
    assert found.explanation_zh and found.explanation_en
