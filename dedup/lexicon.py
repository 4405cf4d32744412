"""Word lists behind parsing: subjects, periods, units, formats and classes of equivalent terms.

These are classes of words that Chinese administrative forms use for any datum (号/号码/编号,
类型/种类/类别, 数/人数/总数), not mappings of particular labels to particular elements: those
belong in the data standard's synonyms. Every entry is written in simplified Chinese or lower-case
English, the way `dedup.normalise` leaves a label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Final

# Subject classes: whose datum a label is about. The key is the class written the way explanations
# show it; the values are the words forms use for it.
SELF: Final = "本人"
ORG: Final = "单位"
# People named by a role that is not the form's subject (驾驶员, 同事); each role is its own subject.
OTHER: Final = "他人"

_SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    # The person a teacher form is about, under the names forms give them.
    SELF: (
        "本人",
        "教师",
        "老师",
        "教职工",
        "教职员工",
        "教工",
        "个人",
        "职工",
        "员工",
        "人员",
        "申请人",
        "申报人",
        "申报者",
        "申报人员",
        "参评人",
        "参评人员",
        "参评教师",
        "被表彰人",
        "受表彰人",
        "获奖人",
        "获奖者",
        "报名人",
        "报名者",
        "读者",
        "推荐人选",
        "被推荐人",
        "推荐对象",
        "参训人",
        "参训人员",
        "参训教师",
        "受训人",
        "学员",
        "考生",
        "参赛者",
        "参赛人",
        "参赛教师",
        "借阅人",
        "参保人",
        "被保险人",
        "投保人",
        "登记人",
        "候选人",
        "被考核人",
        "当事人",
        "持证人",
        "应聘者",
        "应聘人",
        "干部",
        "被调查人",
        "调查对象",
        "体检人",
        "献血者",
        "志愿者",
        "会员",
        "党员本人",
        "党员",
        "团员",
        "工会会员",
        "applicant",
        "teacher",
        "employee",
        "reader",
        "candidate",
        "participant",
        "staff member",
        "member",
        "personal",
        "your",
    ),
    # The teacher's school or employer: on a school form it is the school itself.
    ORG: (
        "单位",
        "学校",
        # a kindergarten's forms name the school so (幼儿园名称, 本园)
        "幼儿园",
        "本园",
        "园所",
        "本校",
        "本单位",
        "工作单位",
        "所在单位",
        "所在学校",
        "任职学校",
        "任职单位",
        "任教学校",
        "就职单位",
        "供职单位",
        "服务单位",
        "工作学校",
        "所属学校",
        "所属单位",
        "用人单位",
        "聘用单位",
        "填报单位",
        "报送单位",
        "申报单位",
        "学校单位",
        "单位学校",
        "school",
        "employer",
        "work unit",
        "workplace",
        "organization",
        "organisation",
        "institution",
        "company",
        "unit",
    ),
    "配偶": ("配偶", "爱人", "丈夫", "妻子", "夫人", "spouse", "husband", "wife", "partner"),
    "父亲": ("父亲", "father"),
    "母亲": ("母亲", "mother"),
    "父母": ("父母", "双亲", "parent", "parents"),
    "子女": ("子女", "儿子", "女儿", "孩子", "小孩", "child", "children", "son", "daughter", "kid"),
    "亲属": (
        "岳父",
        "岳母",
        "公公",
        "婆婆",
        "兄弟",
        "姐妹",
        "兄弟姐妹",
        "哥哥",
        "姐姐",
        "弟弟",
        "妹妹",
        "祖父",
        "祖母",
        "外祖父",
        "外祖母",
        "爷爷",
        "奶奶",
        "外公",
        "外婆",
        "孙子",
        "孙女",
        "继父",
        "继母",
        "养父",
        "养母",
        "户主",
        "同住人",
        "亲戚",
        "brother",
        "sister",
        "sibling",
        "grandfather",
        "grandmother",
        "next of kin",
        "dependant",
        "dependent",
    ),
    "他人": (
        "朋友",
        "同事",
        "领导",
        "上级",
        "导师",
        "师傅",
        "徒弟",
        "指导教师",
        "带教老师",
        "帮扶对象",
        "被帮扶对象",
        "结对对象",
        "friend",
        "colleague",
        "supervisor",
        "mentor",
    ),
    "家庭成员": (
        "家庭成员",
        "家属",
        "亲属",
        "直系亲属",
        "家庭主要成员",
        "主要家庭成员",
        "社会关系",
        "主要社会关系",
        "family member",
        "relative",
    ),
    "紧急联系人": ("紧急联系人", "应急联系人", "紧急情况联系人", "emergency contact"),
    "联系人": ("联系人", "填报人", "填表人", "经办人", "联络人", "填报联系人", "contact person", "contact"),
    "负责人": ("负责人", "单位负责人", "学校负责人", "主要负责人", "person in charge"),
    "校长": ("校长", "园长", "principal", "headmaster", "headmistress", "president"),
    "法定代表人": ("法定代表人", "法人代表", "法人", "legal representative"),
    "学生": ("学生", "幼儿", "student", "pupil"),
    "家长": ("家长", "学生家长", "监护人", "guardian"),
    "推荐人": ("推荐人", "证明人", "介绍人", "担保人", "审核人", "审批人", "referee", "guarantor"),
}

# Forms of other departments name the teacher by the role the form gives them: the taxpayer, the insured,
# the appointee, the nominee (纳税人, 参保人, 受聘人员, 拟任人选 …). A verb of such a role plus a person
# suffix is the form's own subject. Verbs whose bare agent is someone else (考核人 is the assessor) take
# only the passive or the 对象 form (被考核人, 考核对象).
_OWN_ROLE_VERBS: Final = (
    "申请",
    "申报",
    "参保",
    "纳税",
    "受聘",
    "应聘",
    "报考",
    "报名",
    "拟任",
    "拟聘",
    "拟提拔",
    "拟推荐",
    "拟表彰",
    "被推荐",
    "就业",
    "参训",
    "参评",
    "参赛",
    "获奖",
    "持证",
    "缴费",
    "投保",
    "被保险",
    "体检",
    "受检",
    "献血",
    "借阅",
    "聘用",
    "被聘",
    "被聘用",
    "受表彰",
    "被表彰",
    "受奖",
    "入职",
    "调动",
    "调入",
    "调出",
    "退休",
    "离职",
    "任职",
    "被调查",
    "参会",
    "受助",
    "求职",
    "受雇",
    "培训",
    "进修",
    "交流",
    "支教",
    "轮岗",
    "认定",
    "注册",
    "申领",
    "签约",
    "被考核",
    "被考察",
    "被评议",
    "被举荐",
    "受训",
    "扣缴",
    "被扣缴",
    "从业",
    "在职",
    "离岗",
    "返聘",
    "登记",
)
_OWN_ROLE_SUFFIXES: Final = ("人", "者", "人员", "对象", "教师")
_PASSIVE_ONLY_VERBS: Final = ("考核", "考察", "评议", "推荐", "举荐")
for _verb in _OWN_ROLE_VERBS:
    for _suffix in _OWN_ROLE_SUFFIXES:
        _word = _verb + _suffix
        if _word not in {w for ws in _SUBJECT_WORDS.values() for w in ws}:
            _SUBJECT_WORDS[SELF] += (_word,)
for _verb in _PASSIVE_ONLY_VERBS:
    _SUBJECT_WORDS[SELF] += (_verb + "对象",)
_SUBJECT_WORDS[SELF] += (
    "主持人",
    "课题主持人",
    "项目主持人",
    "课题负责人",
    "项目负责人",
    "拟任人选",
    "推荐人选",
    "人选",
    "本人（申请人）",
    "employee's",
    "applicant's",
    "taxpayer",
    "insured person",
)
_SUBJECT_WORDS[ORG] += (
    "任职受雇单位",
    "受雇单位",
    "任职单位",
    "雇主",
    "扣缴单位",
    "扣缴义务人",
    "参保单位",
    "缴费单位",
)

# Other people a form names by their role (the bus driver, the fee officer, the dependant): whoever they
# are, their data are not the form's subject's.
_SUBJECT_WORDS["他人"] += (
    "驾驶员",
    "驾驶人",
    "司机",
    "校车驾驶员",
    "照管员",
    "随车照管员",
    "收费员",
    "经办人员",
    "社保经办人",
    "人事经办人",
    "财务经办人",
    "领导班子成员",
    "班子成员",
    "领导成员",
    "被赡养人",
    "赡养人",
    "共同赡养人",
    "被抚养人",
    "抚养人",
    "受教育子女",
    "出租方",
    "出租人",
    "承租人",
    "借款人",
    "共同借款人",
    "房东",
    "医师",
    "医生",
    "主检医师",
    "检查医生",
    "责任人",
    "安全责任人",
    "消防安全责任人",
    "消防安全管理人",
    "举办者",
    "出资人",
    "保育员",
    "保安员",
    "炊事员",
    "厨师",
    "管理员",
    "校医",
    "代理人",
    "委托代理人",
    "受托人",
    "见证人",
    "被申请人",
    "成员",
    "组员",
    "课题组成员",
    "项目组成员",
    "主要成员",
    "领导班子",
    "班子",
    "中层干部",
    "中层领导",
    "病例",
    "患者",
    "病人",
    "车主",
    "主办单位",
    "举办单位",
    # the body applying to set up a private school (民办学校申请设立): its sponsor, not the school
    "申请办学单位",
    "申请办学法人单位",
    "举办法人单位",
    "主办方",
    "举办方",
    "合作单位",
    "承办单位",
    "委托单位",
    # the parties of a contract or a couple (女方基本信息, 甲方): one of several, not the form's subject as such
    "女方",
    "男方",
    "甲方",
    "乙方",
    "丙方",
    "对方",
    "双方",
    "买方",
    "卖方",
    "管理组织",
    "组织",
    "委员会",
    "领导小组",
    "工作小组",
    "driver",
    "attendant",
    "dependant's",
    "landlord",
    "doctor",
)
_SUBJECT_WORDS["校区"] = ("校区", "分校", "分校区", "教学点", "分部", "附属学校", "campus", "branch")

# Person suffixes: a word ending in one names a person by a role (驾驶员, 收费员, 主检医师); one not in
# the lists above is someone else. Words that end so but name no person are listed as exceptions.
_ROLE_SUFFIXES: Final = (
    "员",
    "人",
    "者",
    "长",
    "医师",
    "律师",
    "会计",
    "主任",
    "书记",
    "代表",
    "成员",
    "对象",
    "司机",
)
_NOT_ROLES: Final = frozenset(
    {
        "特长",
        "专长",
        "擅长",
        "成长",
        "增长",
        "延长",
        "时长",
        "生长",
        "全长",
        "波长",
        "见长",
        "年长",
        "身长",
        "队员",
        "动员",
        "或者",
        "再者",
        "前者",
        "后者",
        "二者",
        "两者",
        "三者",
        "人人",
        "个人",
        "收入",
        "他人",
        "本人",
        "成人",
        "法人",
        "人员",
        "工人",
        "名人",
        "家人",
        "中人",
        "每人",
        "人均",
        "增员",
        "减员",
        "满员",
        "超员",
        "缺员",
        "定员",
        "编员",
        "会员",
        "党员",
        "团员",
        # verb + 人 that names no person: 用人形式, 育人工作
        "用人",
        "招人",
        "育人",
        "树人",
        "为人",
        "做人",
    }
)


def role_class(word: str) -> str | None:
    """The subject class of a person word not in the lists (驾驶员 → 他人), or None for no person word."""
    if len(word) < 2 or not any("\u4e00" <= ch <= "\u9fff" for ch in word):
        return None
    if word in _NOT_ROLES or word.endswith(("教师", "老师")) or word in TERMS:
        return None
    if word.endswith(_ROLE_SUFFIXES) and len(word) > max(len(s) for s in _ROLE_SUFFIXES if word.endswith(s)):
        return "他人"
    return None


class _SubjectWords(Mapping[str, str]):
    """The subject class of each listed word; a role word not listed (收费员, 主检医师) is 他人."""

    def __init__(self, words: dict[str, str]) -> None:
        self._words = words

    def __getitem__(self, word: str) -> str:
        found = self._words.get(word)
        if found is not None:
            return found
        cls = role_class(word)
        if cls is None:
            raise KeyError(word)
        return cls

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and (word in self._words or role_class(word) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def listed(self, word: str) -> bool:
        """Whether the word is one of the lists (not only shaped like a role word)."""
        return word in self._words

    def __len__(self) -> int:
        return len(self._words)


SUBJECTS: Final = _SubjectWords({word: cls for cls, words in _SUBJECT_WORDS.items() for word in words})

# Words for the person already named (配偶本人 is still the spouse); other words of the form's own subject after
# a person (学生党员, 子女职工) narrow that person to a part of them.
REFLEXIVE_WORDS: Final = frozenset({"本人", "自己", "本身", "个人", "本人（申请人）"})

# Words of a heading naming an education (最高学历, 全日制教育, 学习经历): a school under it is one attended.
EDUCATION_HEADING_WORDS: Final = frozenset(
    {"学历", "学位", "毕业", "学习经历", "求学", "就读", "全日制教育", "在职教育", "教育经历", "教育背景"}
)

# Words for a school as a place of study (学校名称 under 最高学历), not for an employer in general (单位).
SCHOOL_WORDS: Final = frozenset({"学校", "院校", "学院", "大学", "所在学校", "school"})

# Roles that words before them make another office (财务负责人, 主管卫生校长, 食堂联系人): the unit's head,
# principal or contact is one person, the finance officer or the vice-principal for health another.
QUALIFIABLE_ROLES: Final = frozenset({"负责人", "校长", "联系人", "法定代表人", "他人"})

# What a form asks of a person in the cells after them (财务负责人 | 姓名 | 移动电话), in canonical terms.
PERSON_CELL_TOKENS: Final = frozenset(
    {"姓名", "电话", "办公", "职务", "电子邮箱", "传真", "邮箱", "移动电话", "固定电话"}
)

# Person classes: a label that names only a person (“校长：____”) asks for that person's name.
PERSON_SUBJECTS: Final = frozenset(cls for cls in _SUBJECT_WORDS if cls != ORG)

# Words for people of a school that a count turns into a property of their own entity (学生数, 教师数).
COUNTABLE_SUBJECT_WORDS: Final = frozenset(
    {
        "学生",
        "教师",
        "教职工",
        "教职员工",
        "教工",
        "职工",
        "员工",
        "人员",
        "子女",
        "家庭成员",
        "幼儿",
        "学员",
        "老师",
    }
)

# Equivalent terms. A variant (written as forms write it) maps to canonical tokens; a variant may also
# expand an abbreviation (生日 → 出生 日期, 校址 → 学校 地址). Matched on whole tokens or runs of tokens.
_TERM_GROUPS: dict[str, tuple[str, ...]] = {
    "数": (
        "数",
        "人数",
        "总数",
        "总人数",
        "数量",
        "个数",
        "数目",
        "总量",
        "合计",
        "总计",
        "count",
        "total",
        "quantity",
    ),
    "号码": ("号码", "号", "编号", "号数", "no", "num", "nr", "number"),
    "代码": ("代码", "编码", "标识码", "识别码", "代号", "码", "code"),
    "类型": ("类型", "种类", "类别", "分类", "类", "type", "kind", "category", "sort"),
    "日期": (
        "日期",
        "年月",
        "年月日",
        "时间",
        "日子",
        "date",
        "time",
        "day",
    ),
    "年份": ("年份", "year"),
    "名称": ("名称", "全称"),
    "姓名": ("姓名", "名字", "名", "name", "full name"),
    "电话": (
        "电话",
        "电话号码",
        "电话号",
        "联系电话",
        "联系方式",
        "联系号码",
        "联系电话号码",
        "通讯方式",
        "通讯电话",
        "手机",
        "手机号",
        "手机号码",
        "移动电话",
        "联系手机",
        "手机电话",
        "phone",
        "telephone",
        "tel",
        "mobile",
        "cell",
        "cellphone",
        "mobile phone",
        "cell phone",
        "phone number",
        "mobile number",
        "contact number",
        "telephone number",
        "contact phone",
        "contact no",
        "phone no",
        "tel no",
        "telephone no",
        "mobile no",
        "cell no",
    ),
    "身份证件号码": (
        "身份证件号码",
        "身份证件号",
        "身份证号码",
        "身份证号",
        "身份证",
        "身份证件",
        "身份证编号",
        "公民身份号码",
        "公民身份证号码",
        "公民身份证号",
        "公民身份证",
        "居民身份证号码",
        "居民身份证号",
        "居民身份证",
        "身份号码",
        "证件号码",
        "证件号",
        "身份证明号码",
        "id number",
        "id no",
        "id card",
        "id card number",
        "id card no",
        "identity card",
        "identity card number",
        "identity number",
        "identification number",
        "citizen id",
        "national id",
        "national id number",
    ),
    "性别": ("性别", "sex", "gender"),
    "出生": ("出生", "birth", "born"),
    "民族": ("民族", "ethnicity", "ethnic group", "ethnic"),
    "国籍": ("国籍", "nationality", "citizenship"),
    "政治面貌": (
        "政治面貌",
        "政治面目",
        "政治身份",
        "political status",
        "political affiliation",
        "party affiliation",
        "political outlook",
        "political background",
    ),
    "学历": (
        "学历",
        "文化程度",
        "学历层次",
        "education",
        "education level",
        "educational background",
        "education background",
        "level of education",
        "academic qualification",
        "educational level",
        "highest education",
    ),
    "学位": ("学位", "degree", "academic degree"),
    "专业技术职务": (
        "专业技术职务",
        "专业技术职称",
        "专业技术职务等级",
        "专技职称",
        "专技职务",
        "技术职称",
        "技术职务",
        "职称",
        "professional title",
        "technical title",
        "professional rank",
        "title",
    ),
    "学科": ("学科", "科目", "subject", "discipline"),
    "任教": (
        "任教",
        "从教",
        "执教",
        "主讲",
        "所教",
        "教学",
        "讲授",
        "授课",
        "担任教学",
        "teach",
        "teaching",
        "taught",
    ),
    "年限": ("年限", "年数", "年资", "years"),
    "年龄": ("年龄", "周岁", "岁数", "年纪", "age"),
    "地址": ("地址", "住址", "所在地", "address"),
    "家庭": ("家庭", "home", "residential", "household"),
    "电子邮箱": (
        "电子邮箱",
        "电子邮件",
        "邮箱",
        "电子信箱",
        "邮件地址",
        "电子邮件地址",
        "邮箱地址",
        "email",
        "e mail",
        "mail",
        "email address",
    ),
    "邮政编码": ("邮政编码", "邮编", "postcode", "postal code", "zip code", "zip"),
    # The 9-character code of the organisation (组织机构代码); it is held inside the 18-character USCC.
    "组织机构代码": (
        "组织机构代码",
        "机构代码",
        "组织代码",
        "组织机构代码证",
        "组织机构代码证号",
        "组织机构代码证号码",
        "组织机构代码号",
        "organisation code",
        "organization code",
    ),
    "统一社会信用代码": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "uscc",
        "unified social credit code",
    ),
    "行政区划": ("行政区划", "行政区域", "行政区", "administrative division", "division"),
    "班级": ("班级", "班", "教学班", "class", "classes"),
    "教职工": (
        "教职工",
        "教职员工",
        "教工",
        "教职员",
        "staff",
        "staff member",
        "faculty",
        "faculty and staff",
    ),
    "专任教师": ("专任教师", "专职教师", "full time teacher", "full time teachers"),
    "学生": ("学生", "students", "student", "pupils", "pupil"),
    "班主任": (
        "班主任",
        "head teacher",
        "class teacher",
        "homeroom teacher",
        "class adviser",
        "class advisor",
    ),
    "编制": ("编制", "staffing", "establishment", "bianzhi"),
    "带宽": ("带宽", "bandwidth"),
    "护照": ("护照", "passport"),
    "体检": (
        "体检",
        "健康体检",
        "健康检查",
        "身体检查",
        "medical examination",
        "medical exam",
        "medical check up",
        "medical checkup",
        "physical examination",
        "physical exam",
        "health check",
        "health check up",
        "health checkup",
        "health examination",
        "check up",
        "checkup",
    ),
    # English splits a name in parts that are not the whole name (last name is no latest name).
    "姓氏": ("姓氏", "surname", "family name", "last name"),
    "given name": ("given name", "first name", "forename", "given names", "first names"),
    "籍贯": ("籍贯", "native place", "place of origin"),
    "婚姻": ("婚姻", "marital", "marriage"),
    "健康": ("健康", "health"),
    "工作": ("工作", "work", "working", "job"),
    "参加": ("参加", "start", "started", "starting", "begin", "began", "joined"),
    "职务": ("职务", "post", "position", "job title"),
    "面积": ("面积", "area"),
    "入党": (
        "入党",
        "joining party",
        "joined party",
        "join party",
        "party membership",
        "party entry",
        "joining cpc",
        "joined cpc",
        "join cpc",
        "cpc membership",
    ),
    "成绩": ("成绩", "分数", "得分", "score", "marks"),
    "经费": ("经费", "funding", "funds", "budget"),
    "毕业": ("毕业", "graduation", "graduated", "graduate"),
    "学校": ("学校", "院校"),
}

# Abbreviations that stand for a run of canonical tokens.
_EXPANSIONS: dict[str, tuple[str, ...]] = {
    "生日": ("出生", "日期"),
    "出生年月": ("出生", "日期"),
    "出生日期": ("出生", "日期"),
    "birthday": ("出生", "日期"),
    "birthdate": ("出生", "日期"),
    "dob": ("出生", "日期"),
    "出生年份": ("出生", "年份"),
    "教龄": ("任教", "年限"),
    "工龄": ("工作", "年限"),
    "在校生": ("在校", "学生"),
    "任教课程": ("任教", "学科"),
    "所教课程": ("任教", "学科"),
    "主讲课程": ("任教", "学科"),
    "担任课程": ("任教", "学科"),
    "授课课程": ("任教", "学科"),
    "教学课程": ("任教", "学科"),
    "校址": (ORG, "地址"),
    # a kindergarten's forms say 园 where a school's say 校 (办园性质, 建园时间, 园舍面积, 在园幼儿数)
    "办园": ("办学",),
    "建园": ("建校",),
    "园舍": ("校舍",),
    "在园": ("在校",),
    "开办": ("创办",),
    "幼儿": ("学生",),
    "校名": (ORG,),
    "手机号码": ("电话",),
    "班数": ("班级", "数"),
    "证号": ("证", "号码"),
    "卡号": ("卡", "号码"),
    "人次": ("人次",),
    "家庭住址": ("家庭", "地址"),
    "现住址": ("家庭", "地址"),
    "居住地址": ("家庭", "地址"),
    "home address": ("家庭", "地址"),
    "permanent address": ("户籍", "地址"),
    "registered address": ("户籍", "地址"),
    "联系地址": ("联系", "地址"),
    "参加工作": ("参加", "工作"),
    "first employment": ("参加", "工作"),
    "work start": ("参加", "工作"),
    "start work": ("参加", "工作"),
    "started work": ("参加", "工作"),
    "date of first employment": ("参加", "工作", "日期"),
    "teaching experience": ("任教", "年限"),
    "years of teaching": ("任教", "年限"),
    "years of service": ("工作", "年限"),
    "work experience": ("工作", "年限"),
}


def _build_terms() -> dict[str, tuple[str, ...]]:
    terms: dict[str, tuple[str, ...]] = {}
    for canonical, variants in _TERM_GROUPS.items():
        for variant in variants:
            terms[variant] = (canonical,)
    terms.update(_EXPANSIONS)
    return terms


TERMS: Final = MappingProxyType(_build_terms())

# A bare phone: words for a telephone that name no kind of it (联系电话, 联系方式, 电话号码).
BARE_PHONE_WORDS: Final = frozenset(
    {"电话", "电话号码", "电话号", "联系电话", "联系方式", "联系号码", "联系电话号码", "通讯方式", "通讯电话"}
)
# Things a form lists one per row (专业名称 | 毕业生数, 建筑名称 | 建筑面积): the row's key names one of them.
ROW_THINGS: Final = frozenset(
    {"专业", "建筑", "房屋", "楼栋", "校舍", "课程", "车辆", "设备", "实验室", "功能室", "项目", "宿舍楼"}
)
# The people a form names as its filler or contact (填表人 | 联系电话): the cell after one is that person's,
# in a flat list as under a heading, since such a person is never the form's subject.
CONTACT_PERSON_WORDS: Final = frozenset(
    {"联系人", "联系人姓名", "填表人", "填表人姓名", "填报人", "填报人姓名", "经办人", "经办人姓名"}
)
# Nouns that say only "people", "a post" or "an establishment" (人员类别, 岗位, 编制类别): as the head of a
# category they name no particular classification, and only the options offered can say which it is.
GENERIC_CATEGORY_NOUNS: Final = frozenset({"人员", "岗位", "编制", "职工", "用工", "从业", "身份", "单位"})
# Words of a classification (canonical tokens: 类别/分类/种类 read as 类型).
CATEGORY_TOKENS: Final = frozenset({"类型", "性质", "形式", "状态"})
# Parts of a school (食堂, 餐厅): on a form about one of them, a bare 名称, 地址, 负责人 or 联系电话 is that
# part's, not the school's, however alike the words.
FACILITY_WORDS: Final = frozenset({"食堂", "餐厅", "伙房", "学生餐厅", "教工食堂", "配餐", "食品经营"})
# Labels that identify or reach whatever the form is about (名称, 地址, 负责人, 联系电话), naming nothing.
IDENTITY_HEADS: Final = frozenset(
    {
        "名称",
        "地址",
        "详细地址",
        "负责人",
        "负责人姓名",
        "联系电话",
        "电话",
        "联系方式",
        "手机",
        "邮编",
        "邮政编码",
        "传真",
    }
)
# An address heading's first words when it is still the subject's own address (注册地址, 通讯地址, 家庭地址):
# under any other (生产经营地址, 仓库地址) the phone and postcode are that place's.
OWN_ADDRESS_QUALIFIERS: Final = frozenset(
    {
        "",
        "注册",
        "详细",
        "具体",
        "通讯",
        "通信",
        "联系",
        "办公",
        "单位",
        "学校",
        "本校",
        "家庭",
        "现",
        "居住",
        "现居住",
        "户籍",
        "常住",
        "住所",
    }
)
# What an address heading ends with.
ADDRESS_HEADS: Final = ("地址", "住址", "所在地", "地点", "场所")
# What an address owns besides itself: its phone, fax and postcode.
ADDRESS_ATTRIBUTE_WORDS: Final = frozenset(
    {"电话", "联系电话", "电话号码", "传真", "传真号码", "邮编", "邮政编码"}
)
# Events that bring another person into a form (生育, 收养): a heading naming one (生育信息, 收养情况) is about the
# children born or adopted, so its 姓名, 性别 and 出生日期 are theirs, though no person word is written.
CHILD_EVENT_WORDS: Final = frozenset({"生育", "收养", "领养", "抱养"})
# A bare account: words for an account that name no kind of it (账号 of a bank, or of a login).
BARE_ACCOUNT_WORDS: Final = frozenset({"账号", "帐号", "账户", "帐户"})

# Tokens that carry no meaning of their own: a label made only of these cannot be matched by a rule
# that forgives omitted words (类型 alone is no 借阅证类型, 数 alone no 在校学生数).
GENERIC_TOKENS: Final = frozenset(
    {
        "数",
        "号码",
        "代码",
        "类型",
        "日期",
        "年份",
        "名称",
        "情况",
        "状况",
        "信息",
        "地址",
        "等级",
        "级别",
        "层次",
        "性质",
        "年限",
        "结果",
        "内容",
        "说明",
        "备注",
        "其他",
        "比例",
        "金额",
        "标准",
        "证",
        "证书",
        "工作",
        "参加",
        "家庭",
        "联系",
        "学校",
        "情形",
        "状态",
    }
)

# Heads that say what kind of datum rather than which one (类型, 编号, 资格, 形式): with no subject
# naming what they are of, they are evidence for no element in particular.
WEAK_TOKENS: Final = frozenset(
    {
        "类型",
        "性质",
        "代码",
        "号码",
        "名称",
        "资格",
        "形式",
        "方式",
        "种类",
        "证件",
        "项目",
        "事项",
        "属性",
        "等级",
        "级别",
        "层次",
        "结果",
        "内容",
        "说明",
        "标准",
        "状态",
        "情况",
        "信息",
        "数",
        "日期",
        "证",
        "证书",
        "身份",
        "其他",
        "备注",
        "金额",
        "比例",
    }
)
# Words in brackets that name the form's own subject again (校(园)长, 学校(教育机构)性质, 姓名(本人)):
# they add nothing to the label.
OWN_ENTITY_WORDS: Final = MappingProxyType(
    {
        "school": frozenset(
            {"园", "幼儿园", "校", "学校", "机构", "教育机构", "单位", "本单位", "本校", "本园"}
        ),
        "teacher": frozenset({"本人", "个人", "申请人", "本人填写"}),
    }
)

# Subject words that name nobody in particular: 单位类型 is as generic as 类型.
WEAK_SUBJECT_WORDS: Final = frozenset(
    {"单位", "本单位", "所在单位", "所属单位", "unit", "个人", "本人", "人员"}
)

# Words that say "the value in money of" what precedes them: with a money unit they add nothing
# (教学仪器设备（万元） is 教学仪器设备资产值; 经费支出总额 is 经费支出), so matching compares without them.
MONEY_VALUE_TOKENS: Final = frozenset(
    {"值", "总值", "价值", "资产值", "资产总值", "金额", "总额", "总金额", "数额", "数", "value", "amount"}
)

# Words that describe how a coded datum is written rather than what it is: 编制类型 is the 编制,
# 民族代码 the 民族, 行政区划代码 the 行政区划.
REPRESENTATION_TOKENS: Final = frozenset(
    {"代码", "类型", "名称", "情况", "状况", "性质", "等级", "级别", "层次"}
)

# Words saying a name is written in Chinese characters, the way the standard holds names (中文姓名).
CHINESE_SCRIPT_WORDS: Final = frozenset(
    {
        "中文",
        "汉字",
        "chinese",
        "chinese character",
        "chinese characters",
        "in chinese",
        "in chinese characters",
    }
)

# Notes that ask for another way of writing a datum, which is another datum (姓名（拼音）).
REWRITING_NOTES: Final = frozenset(
    {
        "拼音",
        "汉语拼音",
        "英文",
        "英语",
        "外文",
        "简称",
        "缩写",
        "大写",
        "繁体",
        "曾用",
        "使用面积",  # of a room, not its floor area (建筑面积)
        "pinyin",
        "english",
    }
)

# What forms ask about a person; a member of the school (学生, 教师) followed by anything else is a
# modifier of a school datum (学生宿舍, 教师周转房), not the person whose datum it is.
PERSON_ATTRIBUTES: Final = frozenset(
    {
        "姓名",
        "性别",
        "身份证件号码",
        "出生",
        "年龄",
        "民族",
        "电话",
        "地址",
        "家庭",
        "籍贯",
        "政治面貌",
        "学历",
        "学位",
        "专业技术职务",
        "职务",
        "户籍",
        "学号",
        "学籍",
        "照片",
        "健康",
        "婚姻",
        "电子邮箱",
        "单位",
        "国籍",
        "宗教",
        "血型",
        "身高",
        "体重",
        "护照",
        "学科",
        "任教",
        "班级",
        "年级",
        "成绩",
        "签字",
        "签名",
        "关系",
        "称谓",
    }
)

# Tokens dropped anywhere inside a property.
FILLER_TOKENS: Final = frozenset(
    {
        "的",
        "之",
        "其",
        "所",
        "该",
        "本",
        "请",
        "填写",
        "填",
        "详细",
        "具体",
        "所属",
        "所在",
        "实际",
        "主要",
        "完整",
        "the",
        "a",
        "an",
        "his",
        "her",
        "please",
        "enter",
    }
)

# Words a heading adds to what it is about (驾驶员信息, 单位基本情况, 中层干部情况表, 校区详情).
HEADING_WORDS: Final = frozenset(
    {
        "情况",
        "信息",
        "基本",
        "基础",
        "辅助",
        "其他",
        "表",
        "情况表",
        "信息表",
        "一览表",
        "登记表",
        "明细表",
        "统计表",
        "详情",
        "概况",
        "明细",
        "名单",
        "汇总",
        "状况",
        "等",
        "有关",
        "相关",
        "以下",
    }
)

# Heads of headings that list records (工作经历, 获奖情况, 课题, 论文): a field under one is that record's
# datum (the 单位 and 职务 of a past post), not the subject's current element.
RECORD_HEADS: Final = frozenset(
    {
        "经历",
        "简历",
        "履历",
        "成果",
        "论文",
        "著作",
        "课题",
        "获奖",
        "表彰",
        "奖励",
        "奖惩",
        "处分",
        "考核",
        "考试",
        "培训",
        "进修",
        "兼职",
        "讲座",
        "示范课",
        "公开课",
        "研讨课",
        "工作量",
        "移居",
        "出国",
        "出境",
        "调动",
        "变动",
        "学习",
    }
)
# Words of a heading that make its fields describe something required or qualifying (符合申报所需学历:
# the education that meets the requirement, which need not be the teacher's highest).
REQUIREMENT_WORDS: Final = frozenset({"符合", "所需", "需具备", "要求"})
# Labels that say only what kind of datum (名称, 面积): under a heading naming a thing (教学用房), they are
# that thing's.
THING_ATTRIBUTE_WORDS: Final = frozenset({"名称", "类型", "面积", "总面积", "数量", "地址", "位置"})

# A field that says only "the total" (合计, 计) or "how many" (人数) under a heading counts what the
# heading names (教职工数/合计 is 教职工数, 其中:专职教师/人数 is 专职教师人数).
TOTAL_WORDS: Final = frozenset({"合计", "计", "小计", "总计", "共计", "总数", "总量", "total", "subtotal"})
COUNT_WORDS: Final = frozenset({"人数", "数", "数量", "个数", "number"})

# Tokens skipped before a subject (主要家庭成员, 其他子女, 第一子女).
SUBJECT_LEADERS: Final = frozenset(
    {"主要", "其他", "其它", "其", "另一", "另", "各", "每个", "每位", "全部", "所有", "other"}
)

# Words that mark a yes/no question; they are dropped with the words that follow them to form a verb
# phrase (是否担任班主任 = 是否班主任).
BOOLEAN_MARKERS: Final = frozenset(
    {"是否", "有无", "是不是", "有没有", "可否", "能否", "whether", "is", "are", "has", "have"}
)
BOOLEAN_VERBS: Final = frozenset(
    {"为", "是", "担任", "属于", "具有", "持有", "有", "取得", "获得", "a", "an"}
)

# Conjunctions: a label joining two data asks for both (工作单位及职务).
CONJUNCTIONS: Final = frozenset({"及", "和", "与", "或", "以及", "或者", "、", "/", "and", "or", "&", "+"})

# Periods that leave the datum as the standard holds it: the current value.
CURRENT_PERIODS: Final = frozenset(
    {
        "现",
        "现任",
        "目前",
        "当前",
        "现在",
        "本年度",
        "本年",
        "今年",
        "当年",
        "本学年",
        "本学期",
        "最新",
        "最近",
        "现行",
        "现有",
        "最高",
        "期末",
        "年末",
        "年底",
        "current",
        "currently",
        "present",
        "now",
        "latest",
        "most recent",
        "highest",
    }
)

# Periods and ordinals that make a different datum (原工作单位 is not 工作单位; 近三年 is not 本年度).
CHANGING_PERIODS: Final = frozenset(
    {
        "原",
        "原任",
        "曾",
        "曾任",
        "前",
        "前任",
        "上年",
        "上年度",
        "上一年",
        "上一年度",
        "去年",
        "上学年",
        "上学期",
        "下学期",
        "下一年",
        "下年度",
        "下学年",
        "明年",
        "近年",
        "近年来",
        "历年",
        "往年",
        "累计",
        "首次",
        "初次",
        "首",
        "第一次",
        "最初",
        "初始",
        "拟",
        "拟任",
        "拟聘",
        "拟调",
        "拟报",
        "调入前",
        "退休前",
        "入职前",
        "上次",
        "前次",
        "上一次",
        "末次",
        "最后一次",
        "最近一次",
        "新",
        "新任",
        "期初",
        "年初",
        "former",
        "previous",
        "prior",
        "past",
        "last",
        "last year",
        "last academic year",
        "last school year",
        "previous year",
        "last term",
        "last semester",
        "previous term",
        "previous semester",
        "first",
        "initial",
        "original",
        "planned",
        "proposed",
        "next",
        "new",
    }
)

# Patterned periods: 近三年, 近5年, 前两年, 2024年, 2024年度, 2024-2025学年, 第一.
_NUM = r"[0-9一二两三四五六七八九十]+"
RANGE_PERIOD_RE: Final = re.compile(
    rf"^(?:近|前|最近|过去|以往){_NUM}(?:年|年度|学年|个月|月|学期)(?:来|内|以来)?$"
)
YEAR_PERIOD_RE: Final = re.compile(
    r"^(?:19|20)\d{2}(?:年|年度|学年|年底|年末)?(?:[-~至到](?:19|20)?\d{2}(?:年|学年|年度)?)?$"
)
ORDINAL_RE: Final = re.compile(rf"^第{_NUM}$")

# A reference date (截至2025年12月, 截止本年度, as of 31 Dec 2025): the value at that date, which is
# the current value answered for the request's period, not another datum.
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATE = (
    r"(?:(?:19|20)\d{2}(?:年|[-./])?(?:\d{1,2}(?:月|[-./])?(?:\d{1,2}日?)?)?(?:底|末)?"
    rf"|\d{{1,2}}月(?:\d{{1,2}}日)?|(?:\d{{1,2}} )?{_MONTHS} (?:\d{{1,2}} )?(?:19|20)\d{{2}}"
    r"|目前|当前|现在|今|今天|本年度|本年|当年|本学年|年底|年末|today|now|present|date)"
)
REFERENCE_DATE_RE: Final = re.compile(
    rf"(?:截至|截止|截止到|截至到|统计截止|统计时点|as of|as at) ?{_DATE}(?:止|为止)?"
)

# Units: canonical unit -> (dimension, factor to the dimension's base unit).
_UNIT_TABLE: dict[str, tuple[str, float | None]] = {
    "元": ("money", 1.0),
    "千元": ("money", 1e3),
    "万元": ("money", 1e4),
    "百万元": ("money", 1e6),
    "亿元": ("money", 1e8),
    "m2": ("area", 1.0),
    "亩": ("area", 10000.0 / 15.0),
    "公顷": ("area", 1e4),
    "km2": ("area", 1e6),
    "人": ("persons", 1.0),
    "人次": ("person_times", 1.0),
    "个": ("items", 1.0),
    "册": ("volumes", 1.0),
    "万册": ("volumes", 1e4),
    "台": ("machines", 1.0),
    "间": ("rooms", 1.0),
    "学时": ("class_hours", 1.0),
    "小时": ("hours", 1.0),
    "分钟": ("hours", 1.0 / 60.0),
    "mbps": ("bandwidth", 1.0),
    "gbps": ("bandwidth", 1000.0),
    "kbps": ("bandwidth", 0.001),
    "岁": ("age_years", 1.0),
    "年": ("years", 1.0),
    "月": ("months", 1.0),
    "天": ("days", 1.0),
    "次": ("times", 1.0),
    "%": ("percent", 1.0),
    "kg": ("mass", 1.0),
    "斤": ("mass", 0.5),
    "cm": ("length", 0.01),
    "米": ("length", 1.0),
    "km": ("length", 1000.0),
}
_UNIT_ALIASES: dict[str, str] = {
    "元": "元",
    "元人民币": "元",
    "人民币元": "元",
    "rmb": "元",
    "yuan": "元",
    "千元": "千元",
    "万元": "万元",
    "万": "万元",
    "百万元": "百万元",
    "亿元": "亿元",
    "亿": "亿元",
    "平方米": "m2",
    "平米": "m2",
    "m2": "m2",
    "m²": "m2",
    "平方": "m2",
    "sqm": "m2",
    "亩": "亩",
    "公顷": "公顷",
    "平方公里": "km2",
    "平方千米": "km2",
    "km2": "km2",
    "人": "人",
    "名": "人",
    "位": "人",
    "persons": "人",
    "people": "人",
    "人次": "人次",
    "个": "个",
    "所": "个",
    "项": "个",
    "件": "个",
    "册": "册",
    "本": "册",
    "万册": "万册",
    "万本": "万册",
    "台": "台",
    "间": "间",
    "学时": "学时",
    "课时": "学时",
    "节": "学时",
    "小时": "小时",
    "h": "小时",
    "hours": "小时",
    "分钟": "分钟",
    "mbps": "mbps",
    "m": "mbps",
    "兆": "mbps",
    "mb": "mbps",
    "gbps": "gbps",
    "g": "gbps",
    "kbps": "kbps",
    "岁": "岁",
    "周岁": "岁",
    "年": "年",
    "月": "月",
    "个月": "月",
    "天": "天",
    "日": "天",
    "次": "次",
    "%": "%",
    "百分比": "%",
    "kg": "kg",
    "公斤": "kg",
    "千克": "kg",
    "斤": "斤",
    "市斤": "斤",
    "cm": "cm",
    "厘米": "cm",
    "米": "米",
    "km": "km",
    "公里": "km",
    "千米": "km",
}

UNITS: Final = MappingProxyType(_UNIT_TABLE)
# Dimensions of things counted one by one: their units are classifiers (台, 册, 间, 名).
COUNTED_DIMENSIONS: Final = frozenset({"persons", "items", "rooms", "machines", "volumes"})
UNIT_ALIASES: Final = MappingProxyType(_UNIT_ALIASES)

# Bracketed notes that only tell the person filling in the form how to do it.
INSTRUCTION_RE: Final = re.compile(
    r"^(?:必填|选填|可选|非必填|单选|多选|可多选|下拉选择|请选择|请填写|填写|请勾选|勾选|如有|没有填无|无则不填|"
    r"若有|按证件填写|与身份证一致|以身份证为准|与证件一致|手写|打印|签名|签字|盖章|加盖公章|公章|签章|印章|required|optional)"
)
FORMAT_RE: Final = re.compile(
    r"^(?:\d+位(?:数字)?|\d+位?以内|(?:yyyy|xxxx|\d{4})(?:[-/.年]?(?:mm|xx|\d{1,2})(?:月)?(?:[-/.]?(?:dd|xx|\d{1,2})日?)?)?"
    r"|格式.*|如[:：]?.*|例[:：]?.*|例如.*|填写格式.*|精确到.*|保留.*小数.*|\d+位小数|阿拉伯数字|数字|汉字|大写|小写|"
    r"年月日|年月|年-月-日|年-月|年/月/日|年/月|yyyymmdd|yyyymm|yyyy-mm-dd|yyyy-mm)$"
)

# Changing periods that mean the same thing compare equal (首次 = 初次 = 最初; 原 = 曾 = 前任).
_PERIOD_CLASSES: dict[str, tuple[str, ...]] = {
    "former": ("原", "原任", "曾", "曾任", "前", "前任", "former", "previous", "prior", "past", "original"),
    "first": ("首次", "初次", "首", "第一次", "最初", "初始", "第一", "first", "initial"),
    "planned": ("拟", "拟任", "拟聘", "拟调", "拟报", "planned", "proposed"),
    "last_year": (
        "上年",
        "上年度",
        "上一年",
        "上一年度",
        "去年",
        "上学年",
        "近1年前",
        "last year",
        "last academic year",
        "last school year",
        "previous year",
    ),
    "last_term": ("上学期", "last term", "last semester", "previous term", "previous semester"),
    "next_term": ("下学期",),
    "next_year": ("下一年", "下年度", "下学年", "明年", "next"),
    "cumulative": ("历年", "往年", "累计", "近年", "近年来"),
    # The last occurrence of an event (末次体检, last medical examination), not a last year's value.
    "last_time": ("上次", "前次", "上一次", "末次", "最后一次", "最近一次", "last"),
    "new": ("新", "新任", "new"),
    "period_start": ("期初", "年初"),
    "before_event": ("调入前", "退休前", "入职前"),
}
PERIOD_CLASSES: Final = MappingProxyType({w: cls for cls, words in _PERIOD_CLASSES.items() for w in words})
_NUMERALS = str.maketrans(
    {
        "一": "1",
        "二": "2",
        "两": "2",
        "三": "3",
        "四": "4",
        "五": "5",
        "六": "6",
        "七": "7",
        "八": "8",
        "九": "9",
    }
)


def period_class(text: str) -> str:
    """A class for a changing period, so that 近三年 = 近3年 = 最近三年 and 原 = 前任."""
    found = PERIOD_CLASSES.get(text)
    if found is not None:
        return found
    canonical = text.translate(_NUMERALS).replace("十", "10")
    canonical = re.sub(r"^(?:最近|过去|以往)", "近", canonical)
    canonical = re.sub(r"(?:来|内|以来)$", "", canonical)
    return canonical.replace("年度", "年").replace("学年", "年")
