"""Why a school flags a demand: the rules of the seeds' 减负清单 it breaks, as a code list.

Codes follow the `rule` of the hub's own violations ("rule 12"), so a violation the hub found and a
complaint a school filed about the same rule line up; `other` is the 高平方案's open channel (四、举报).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Reason:
    code: str
    label_zh: str
    label_en: str
    rule_zh: str  # the seed's words the reason rests on
    items: tuple[int, ...]  # the 自查表 items (附件2) a complaint of this kind bears on


REASONS: tuple[Reason, ...] = (
    Reason(
        code="rule 3",
        label_zh="重复上报以前已报的数据、材料",
        label_en="asks again for data or material already reported",
        rule_zh="严禁督查一项整理一套档案，严禁重复以前上报相关数据、材料。",
        items=(3, 18),
    ),
    Reason(
        code="rule 4",
        label_zh="摊派与教育无关的扶贫、调查统计、台账任务",
        label_en="assigns poverty-relief surveys, tables or ledgers unrelated to teaching",
        rule_zh="不得将与教育扶贫无关的调查统计信息、整理表格、填写台账、定期走访贫困户等任务摊派给教师。",
        items=(9, 15),
    ),
    Reason(
        code="rule 10",
        label_zh="非教育主管部门直接向学校布置任务",
        label_en="a department other than the education bureau assigned the work directly",
        rule_zh="非教育主管部门不得直接向学校印发布置工作任务的文件和会议。",
        items=(1, 18),
    ),
    Reason(
        code="rule 11",
        label_zh="强制关注公众号、下载APP、网上投票点赞答题",
        label_en="forces following accounts, installing apps, online votes, likes or quizzes",
        rule_zh="不得通过教师组织学生或家长参与各类与教育教学无关的调研、点赞投票、网络答题、人物评选、问卷调查等活动。",
        items=(4, 5),
    ),
    Reason(
        code="rule 12",
        label_zh="未留足填报时间（刚下发就要求上交）",
        label_en="leaves too little time to fill in (due as soon as it is sent)",
        rule_zh="要合理留出完成各类报表填报的工作时间，不得刚下发通知就要求立即上交。",
        items=(18,),
    ),
    Reason(
        code="rule 13",
        label_zh="未经统计机构审批，或与教育教学无关的问卷调研",
        label_en="a survey without the statistics bureau's approval, or unrelated to teaching",
        rule_zh="其他部门开展涉及学校和教师的教育统计工作，须向同级政府统计机构报请审批备案。严禁强制要求中小学校和教师填写与教育教学无关的问卷调查、调研材料、课题研究数据等。",
        items=(1, 2, 19),
    ),
    Reason(
        code="rule 14",
        label_zh="重复填报、多头填报",
        label_en="the same data asked again or by several bodies",
        rule_zh="不得让教师重复填报和提供相关数据信息……做到一次采集多次使用，杜绝重复上报、多头填报或提供信息数据。",
        items=(3, 18),
    ),
    Reason(
        code="rule 19",
        label_zh="强制重复填报家访记录、备课教案等记录材料",
        label_en="forces teachers to fill home-visit records, lesson plans and similar records again",
        rule_zh="不得强制要求教师重复填报家访记录、备课教案等各种记录表和总结报告及相关材料",
        items=(7,),
    ),
    Reason(
        code="other",
        label_zh="其他加重教师负担的问题",
        label_en="another demand that adds to teachers' burden",
        rule_zh="经举报发现未经审批同意的事项和减负清单禁止的事项，要依照有关规定严肃追究责任。（高平方案 四、强化监管督导）",
        items=(),
    ),
)
REASON_CODES = tuple(reason.code for reason in REASONS)
_BY_CODE = {reason.code: reason for reason in REASONS}


class UnknownReasonError(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def reason(code: str) -> Reason:
    """The reason of `code` (UnknownReasonError, a LookupError, when there is none)."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownReasonError(code) from None
