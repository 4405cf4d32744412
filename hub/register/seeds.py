"""The seed items (000_ec155adbfd5f254c.txt) the register's refusals name, in the seed's own words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class SeedItem:
    number: int
    text_zh: str
    text_en: str

    def named(self) -> dict[str, object]:
        """How a refusal's `detail` names the item."""
        return {"seed_item": self.number, "seed_text": self.text_zh}


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
