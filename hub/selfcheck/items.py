"""The 21 items of 《高平市中小学教师减负清单自查表》 (高平方案 附件2), as the seed writes them.

Each item says which way a "是" points (`asks_violation`: 是否组织实施未经审批… — yes is a breach;
otherwise 是否严格规范… — yes is compliance), so an answer the hub generates reads the right way round.
"""

from __future__ import annotations

from dataclasses import dataclass

TITLE = "高平市中小学教师减负清单自查表"


def title_for(city_name: str) -> str:
    """The 自查表's title for the city the hub serves (HUB_CITY_NAME): 《{city}中小学教师减负清单自查表》."""
    return f"{city_name}中小学教师减负清单自查表"


HEADERS = ("项目", "内容", "自查情况", "备注")

GROUP_INSPECTIONS = "统筹规范督查检查评比考核"
GROUP_TEACHERS = "统筹规范教师管理事项"
GROUP_SOCIAL = "统筹规范社会事务进校园及相关报表填写事项"
GROUP_SECONDMENT = "规范中小学教师借调事项"


@dataclass(frozen=True, kw_only=True)
class Item:
    number: int
    group: str  # 项目
    content: str  # 内容, with its number, exactly as the seed writes it
    asks_violation: bool


ITEMS: tuple[Item, ...] = (
    Item(
        number=1,
        group=GROUP_INSPECTIONS,
        asks_violation=True,
        content="1. 是否组织实施未经审批报备的督查检查评比考核事项。",
    ),
    Item(
        number=2,
        group=GROUP_INSPECTIONS,
        asks_violation=True,
        content="2. 是否擅自开展未列入年度计划的督查检查评比考核事项。",
    ),
    Item(
        number=3,
        group=GROUP_INSPECTIONS,
        asks_violation=True,
        content="3. 是否重复要求中小学校和教师上报督查检查评比考核数据、材料。",
    ),
    Item(
        number=4,
        group=GROUP_TEACHERS,
        asks_violation=True,
        content="4. 是否在面向教师的各类微信公众号、工作群、政务App上滥发通知消息、随意安排工作任务，"
        "是否安排中小学教师参与或组织学生参加各类网上投票、点赞、答题、知识竞赛、宣传等活动。",
    ),
    Item(
        number=5,
        group=GROUP_TEACHERS,
        asks_violation=True,
        content="5. 是否存在各级党委和政府有关部门管理运营的各类平台通过中小学校和教师向学生及家长推介，"
        "并把学校、教师、学生及家长的参与情况作为评价中小学校和教师的标准。",
    ),
    Item(
        number=6,
        group=GROUP_TEACHERS,
        asks_violation=False,
        content="6. 是否严格控制会议数量。不得安排中小学教师参加与教育教学无关的各类视频会、奖惩会、观摩会等活动，"
        "确需中小学教师参加的与教育教学有关的会议，要精减次数、压缩时间、提高质量。",
    ),
    Item(
        number=7,
        group=GROUP_TEACHERS,
        asks_violation=True,
        content="7. 是否强制要求中小学教师填写班主任家访记录、例会记录等材料。",
    ),
    Item(
        number=8,
        group=GROUP_TEACHERS,
        asks_violation=False,
        content="8. 是否严格控制中小学教师在校工作时间。",
    ),
    Item(
        number=9,
        group=GROUP_SOCIAL,
        asks_violation=False,
        content="9. 是否严格规范、合理安排教育扶贫工作任务。",
    ),
    Item(
        number=10,
        group=GROUP_SOCIAL,
        asks_violation=False,
        content="10. 是否严格规范维护稳定、扫黑除恶、防灾减灾、消防安全、防艾等重要专项工作。",
    ),
    Item(
        number=11,
        group=GROUP_SOCIAL,
        asks_violation=False,
        content="11. 是否严格规范文明、卫生、绿色、宜居、旅游等城市创优评选活动。确需中小学校和教师参与的，"
        "由教育部门按要求依程序统筹安排，不得随意安排教师走出校园承担与教师职责无关的工作任务。"
        "不得要求教师上街执勤、参与网上宣传投票等活动。",
    ),
    Item(
        number=12,
        group=GROUP_SOCIAL,
        asks_violation=True,
        content="12. 是否存在街道社区安排中小学校和教师频繁参与社区建设活动。不得影响学校正常教育教学，"
        "不得提出不合理要求强制学校和教师支持配合。",
    ),
    Item(
        number=13,
        group=GROUP_SOCIAL,
        asks_violation=False,
        content="13. 是否严格规范各类教育宣传活动进校园工作。各级各部门开展的面向中小学生的教育宣传活动，"
        "应由教育部门整体规划、分类指导、统筹安排，不得重复开展。",
    ),
    Item(
        number=14,
        group=GROUP_SOCIAL,
        asks_violation=True,
        content="14. 是否存在强制中小学校和教师参与各类征文、论文、案例、演讲比赛、座谈研讨、征求意见、"
        "学习交流和与教师专业发展无关的网上学习培训等活动。",
    ),
    Item(
        number=15,
        group=GROUP_SOCIAL,
        asks_violation=True,
        content="15. 是否存在向中小学校和教师强制摊派各类验收工作、医疗保险信息采集录入与收费、"
        "农村农民信息调查统计、整理表格、填写台账、定期走访贫困户等任务。",
    ),
    Item(
        number=16,
        group=GROUP_SOCIAL,
        asks_violation=True,
        content="16. 是否存在随意让学校停课出人出场地或借用学校场地举办各类考试、换届选举、招商、庆典等有关活动。"
        "是否存在以营利为目的的商业活动、商业广告或借机收费活动等进入校园。",
    ),
    Item(
        number=17,
        group=GROUP_SOCIAL,
        asks_violation=False,
        content="17. 是否严格控制中小学校承担社会考试次数和教师监考次数。各类社会考试进学校须经教育部门同意。",
    ),
    Item(
        number=18,
        group=GROUP_SOCIAL,
        asks_violation=False,
        content="18. 是否严格规范精减各类报表填写工作。各科室要精简报表填报次数和内容，加强教育信息管理系统建设。",
    ),
    Item(
        number=19,
        group=GROUP_SOCIAL,
        asks_violation=False,
        content="19. 是否严格规范中小学校教育统计和调研工作。",
    ),
    Item(
        number=20,
        group=GROUP_SECONDMENT,
        asks_violation=False,
        content="20. 是否严格限制和规范有关部门抽调借用中小学教师。",
    ),
    Item(
        number=21,
        group=GROUP_SECONDMENT,
        asks_violation=False,
        content="21. 是否严格精简中小学教师培训活动。",
    ),
)
