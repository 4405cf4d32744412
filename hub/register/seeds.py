"""The seed items (000_ec155adbfd5f254c.txt) the register's refusals name, in the seed's own words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class SeedItem:
    number: int
    text_zh: str
    text_en: str
    # The items a rule of several speaks for (4–9 for social affairs), else just `number`.
    span: tuple[int, ...] = ()

    def named(self) -> dict[str, object]:
        """How a refusal's `detail` names the item."""
        named: dict[str, object] = {"seed_item": self.number, "seed_text": self.text_zh}
        if self.span:
            named["seed_items"] = list(self.span)
        return named

    @property
    def label(self) -> str:
        """第 N 条, or 第 4—9 条."""
        return f"第 {self.span[0]}—{self.span[-1]} 条" if self.span else f"第 {self.number} 条"


BORROWING = SeedItem(
    number=15,
    text_zh="借用中小学教师……须经县（区）级以上教育行政部门同意，报同级党委审批备案，"
    "不得影响学校正常教育教学工作，借用期限原则上不超过半年",
    text_en="borrowing a teacher needs the consent of an education bureau at county level or above and the "
    "Party committee's filing, and lasts at most half a year",
)
SECONDING = SeedItem(
    number=16,
    text_zh="确需教师参加的会议、会务及事务等活动，须经县（区）级以上教育行政部门批准同意，"
    "严格控制抽调时间和人数",
    text_en="seconding a teacher to meetings or affairs needs the approval of an education bureau at county "
    "level or above, with time and numbers kept low",
)
LISTED = SeedItem(
    number=1,
    text_zh="未纳入清单的督查检查评比考核事项不得进入校园",
    text_en="no inspection, check, appraisal or assessment that is not on the approved list may enter a school",
)
LIST_TOTAL = SeedItem(
    number=2,
    text_zh="对中小学教师督查检查评比考核事项实行清单管理，严格控制总量、规模、层级和频次，"
    "确保在现有基础上减少50%以上",
    text_en="the items are kept on a list, their total, scale, levels and frequency held down, and cut by "
    "50 % or more",
)
NO_FORMALISM = SeedItem(
    number=3,
    text_zh="于年末或学期末统筹协调实施；不得以微信工作群、政务APP等上传工作场景截图或录制视频等方式"
    "代替实际工作评价；严禁重复以前上报相关数据、材料",
    text_en="held at year-end or term-end; never screenshots uploaded to WeChat groups or apps, or videos, "
    "in place of a real evaluation; never re-asking data or materials already reported",
)
# 社会事务进校园 (items 4–9): only what the education bureau arranges, on its whitelist, enters a school.
SOCIAL_AFFAIRS = SeedItem(
    number=4,
    span=(4, 5, 6, 7, 8, 9),
    text_zh="社会事务进校园由教育部门统筹安排（第4—9条）：严禁开展教育部门年度计划以外的各类教育宣传活动，"
    "严格控制中小学校承担各类社会考试次数和教师监考次数",
    text_en="social affairs enter a school only as the education bureau arranges them (items 4–9): no "
    "campaign outside its annual plan, few public exams and invigilations",
)
