"""The purpose screen on realistic titles and purposes: forbidden topics are found with their seed rule,
lawful requests that share words with them are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas import StandardFileError
from schemas.purpose import load_purpose_screen, parse_screen, screen_request


@pytest.mark.parametrize(
    ("title", "purpose", "topic", "rule"),
    [
        ("教师商业保险需求摸底", "向教师推介商业保险产品", "insurance_sales", 9),
        ("教职工重疾险投保意向统计", "了解教师投保意愿", "insurance_sales", 9),
        ("银行信用卡进校园", "为教师集中办卡", "commercial_promotion", 9),
        ("最美乡村教师网络评选", "请全体教师每天投票并转发朋友圈", "votes_and_likes", 11),
        ("关注“文明城市”公众号情况", "统计教师关注公众号人数", "votes_and_likes", 11),
        ("创建全国文明城市志愿者名单", "抽调教师参加创城上街执勤", "street_duty", 7),
        ("路口交通劝导排班表", "周末安排教师交通劝导", "street_duty", 7),
        ("结对帮扶贫困户情况台账", "教师每月走访贫困户并填写帮扶台账", "poverty_paperwork", 4),
        ("社区国庆庆典观众组织", "组织教师参加社区庆典", "social_events", 5),
        ("教职工家庭消费习惯调查", "了解教师购房意向和理财情况", "unrelated_surveys", 13),
        ("教师宗教信仰情况摸底", "统计", "unrelated_surveys", 13),
    ],
)
def test_forbidden_topics_are_found_with_their_seed_rule(
    title: str, purpose: str, topic: str, rule: int
) -> None:
    hits = screen_request(title, purpose)
    assert topic in {h.topic.name for h in hits}
    hit = next(h for h in hits if h.topic.name == topic)
    assert hit.topic.rule == rule and hit.terms and hit.topic.reason_zh


@pytest.mark.parametrize(
    ("title", "purpose"),
    [
        ("职称评审花名册", "职称评审"),
        ("职称评审人员核对", "职称评审资格核对"),
        ("社会保险缴费基数核定", "核定教职工养老保险、医疗保险缴费基数"),
        ("教育扶贫学生资助名单", "家庭经济困难学生资助发放"),
        ("教职工健康档案核对", "教职工健康档案核对"),
        ("新学期校舍安全排查", "排查校舍和消防安全隐患"),
        ("2026年教师培训学时统计", "继续教育学时登记"),
        ("乡村教师生活补助发放", "核对享受乡村教师生活补助的人员"),
    ],
)
def test_lawful_requests_sharing_words_with_forbidden_topics_pass(title: str, purpose: str) -> None:
    assert screen_request(title, purpose) == ()


def test_field_labels_are_screened_and_the_place_is_named() -> None:
    (hit,) = screen_request("教师基本情况", "核对", ["姓名", "是否购买商业保险"])
    assert hit.topic.name == "insurance_sales" and hit.where == ("field:是否购买商业保险",)


def test_matching_ignores_width_case_and_spaces() -> None:
    assert screen_request("下载ａｐｐ情况", "统计教师 下载 APP")[0].topic.rule == 11


def test_every_topic_of_the_bundled_screen_names_a_seed_rule() -> None:
    screen = load_purpose_screen()
    assert {t.rule for t in screen.topics} == {4, 5, 7, 9, 11, 13}
    assert all(t.terms and t.label_zh and t.reason_en for t in screen.topics)


def test_a_bad_screen_file_is_refused_naming_the_topic(tmp_path: Path) -> None:
    with pytest.raises(StandardFileError) as info:
        parse_screen(
            {
                "topics": {
                    "bad": {
                        "rule": 99,
                        "label_zh": "x",
                        "label_en": "x",
                        "reason_zh": "x",
                        "reason_en": "x",
                        "terms": ["x"],
                    }
                }
            },
            path=tmp_path / "s.yaml",
        )
    assert info.value.element == "bad" and "seed item" in info.value.reason_en
    with pytest.raises(StandardFileError) as info:
        parse_screen(
            {
                "topics": {
                    "empty": {
                        "rule": 9,
                        "label_zh": "x",
                        "label_en": "x",
                        "reason_zh": "x",
                        "reason_en": "x",
                        "terms": [],
                    }
                }
            }
        )
    assert info.value.element == "empty"
