"""Every word the pages show, in Chinese and English, in one catalogue.

Templates call `t("key")`; messages that come from the services already carry both languages
("中文 / English") and `pick` keeps the reader's half.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hub.errors import BilingualValueError
from hub.requests.proposals import TYPE_WORDS as PROPOSAL_TYPE_WORDS

LANGS = ("zh", "en")
DEFAULT = "zh"

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- the frame of every page
    "site.name": ("一次 · 教育数据中心", "Yici Hub"),
    "site.tagline": ("一次采集、多次使用", "Collect once, use many times"),
    "site.signout": ("退出", "Sign out"),
    "site.signed_in_as": ("当前账号", "Signed in as"),
    "site.other_lang": ("English", "中文"),
    "site.menu": ("菜单", "Menu"),
    "nav.my_requests": ("我的采集需求", "My requests"),
    "nav.new_request": ("提出采集需求", "New request"),
    "nav.review": ("审批队列", "Review queue"),
    "nav.all_requests": ("全部需求", "All requests"),
    "nav.requests": ("需求与发布", "Requests"),
    "nav.burden": ("减负统计", "Burden"),
    "nav.complaints_inbox": ("举报处理", "Complaints"),
    "nav.complaints": ("举报", "Complaints"),
    "nav.sources": ("数据源", "Sources"),
    "nav.grants": ("数据授权", "Grants"),
    "nav.catalogue": ("共享目录", "Sharing catalogue"),
    "nav.standard": ("数据标准", "Data standard"),
    "nav.webhook": ("结果通知", "Notifications"),
    "notices.title": ("新消息 {n} 条", "{n} new notices"),
    "notices.open": ("查看", "Open"),
    "notices.mark_read": ("知道了", "Mark as read"),
    "flash.notices_read": ("消息已标为已读。", "Notices marked as read."),
    "webhook.title": ("结果通知（回调地址）", "Notifications (webhook)"),
    "webhook.intro": (
        "需求有了结果或未获同意时，本部门登录后会在“我的采集需求”看到消息。如需让本部门的系统自动接收，请填写回调地址："
        "中心会向它发送 JSON（POST），并用密钥按 HMAC-SHA256 对正文签名，放在 {header} 头中（sha256=十六进制）。"
        "发送失败会在 1 分钟、5 分钟、30 分钟、2 小时、6 小时后重试，不影响需求本身的办理。",
        "When a request is answered or refused, the department sees a notice after signing in (My requests). "
        "For its own systems to hear it too, give an address: the hub POSTs JSON there, signed with the secret "
        "by HMAC-SHA256 in the {header} header (sha256=hex). A failed delivery is retried after 1 min, 5 min, "
        "30 min, 2 h and 6 h, and never holds up the request itself.",
    ),
    "webhook.url": ("回调地址", "Address"),
    "webhook.secret": ("密钥（留空由系统生成）", "Secret (empty: the hub makes one)"),
    "webhook.active": ("启用", "Active"),
    "webhook.save": ("保存", "Save"),
    "webhook.secret_once": (
        "密钥只显示这一次，请交给接收系统保存：",
        "The secret is shown this once; give it to the receiving system:",
    ),
    "webhook.deliveries": ("最近的发送记录", "Latest deliveries"),
    "webhook.none": ("还没有发送记录。", "Nothing sent yet."),
    "webhook.when": ("时间", "When"),
    "webhook.state": ("状态", "State"),
    "webhook.attempts": ("尝试次数", "Attempts"),
    "webhook.last": ("最近一次结果", "Last outcome"),
    "webhook.next": ("下次重试", "Next attempt"),
    "delivery.pending": ("待发送", "to send"),
    "delivery.delivered": ("已送达", "delivered"),
    "delivery.failed": ("已放弃", "given up"),
    "nav.audit": ("审计日志", "Audit log"),
    "nav.principals": ("账号与令牌", "Accounts"),
    "nav.tasks": ("填报任务", "Tasks"),
    "nav.away": ("借用抽调", "Teachers away"),
    "nav.list": ("督查检查清单", "Inspection list"),
    "nav.counts": ("各校统计", "Counts"),
    # --- the one definition of each count (hub.register.counts)
    "counts.title": ("各校负担统计（{term}）", "Counts per school ({term})"),
    "counts.intro": (
        "同一口径用于学校概览、减负统计和自查表：进校事项 = 下发任务 + 清单内督查检查 + 白名单进校园事项；"
        "填报字段 = 任务字段 × 填报行数；免填字段 = 需求字段 × 由数据中心答复的记录数；清单事项 = 本年度批准且涉及该校的事项；"
        "借用教师人·天 = 借用/抽调教师人数 × 本学期在外天数。",
        "One definition for the school overview, the burden dashboard and the self-check: demands = tasks + "
        "listed inspections + whitelisted social affairs; fields filled = task fields × rows; fields spared = "
        "requested fields × records the hub answered; items = approved list items concerning the school; "
        "teacher-days = teachers away × days of the term.",
    ),
    "counts.demands_reached": ("进校事项", "Demands that reached it"),
    "counts.tasks_sent": ("下发任务", "Tasks"),
    "counts.inspections": ("督查检查", "Inspections"),
    "counts.social_demands": ("社会事务进校园", "Social affairs"),
    "counts.fields_filled": ("填报字段（项次）", "Fields filled"),
    "counts.fields_spared": ("免填字段（项次）", "Fields spared"),
    "counts.items": ("清单事项", "List items"),
    "counts.borrowed_teacher_days": ("借用教师（人·天）", "Borrowed teacher-days"),
    "counts.level": ("区划", "Division"),
    "counts.level.county": ("县级", "county"),
    "counts.level.prefecture": ("地市级", "city"),
    "counts.level.province": ("省级", "province"),
    "counts.county": ("所在区县", "County"),
    "counts.charts": ("各项统计图", "Charts"),
    "counts.chart_levels": ("各区县对比：每项指标一张图", "Counties compared, one chart per measure"),
    "counts.chart_schools": (
        "进校事项最多的 {n} 所学校：每项指标一张图",
        "The {n} schools most demanded of, one chart per measure",
    ),
    "counts.own_scales": (
        "每张图各用自己的比例尺（自 0 至该项最大值），不同指标的条长不可相互比较；数字为实际值。",
        "Each chart has its own scale (0 to its largest value): bar lengths compare within a chart, never "
        "across charts; the figures are exact.",
    ),
    "counts.total": ("合计", "Total"),
    "counts.xlsx": ("导出 Excel", "Export XLSX"),
    "nav.whitelist": ("进校园白名单", "Whitelist"),
    "nav.onboarding": ("学校开户", "School accounts"),
    "flash.token_revoked": (
        "该校的令牌和未用的激活码已全部停用。",
        "The school's tokens and unused codes are stopped.",
    ),
    "onboarding.title": ("学校开户与激活码", "School accounts and activation codes"),
    "onboarding.summary": (
        "本辖区 {total} 所学校，{active} 所已能登录，{without} 所尚无可用账号。",
        "{total} schools in this division: {active} can sign in, {without} cannot yet.",
    ),
    "onboarding.open": (
        "为尚无账号的学校一次开户并打印激活码",
        "Open every missing account and print the codes",
    ),
    "onboarding.open_xlsx": ("下载激活码表（XLSX）", "Download the code sheet (XLSX)"),
    "onboarding.division": ("仅此区划（可选）", "Only this division (optional)"),
    "onboarding.state_active": ("已激活", "active"),
    "onboarding.state_code_issued": ("已发激活码", "code issued"),
    "onboarding.state_none": ("无账号", "no account"),
    "onboarding.rotate": ("更换令牌", "Rotate token"),
    "onboarding.revoke": ("停用", "Revoke"),
    "onboarding.sheet": ("学校激活码表", "Activation code sheet"),
    "onboarding.sheet_hint": (
        "激活码只显示这一次，数据中心只保存其摘要。请打印或下载后分发给各校；学校在 {url} 输入激活码获得令牌。",
        "The codes are shown this once; the hub keeps only their digests. Print or download the sheet and "
        "hand each school its code; the school types it at {url} for its token.",
    ),
    "onboarding.print": ("打印", "Print"),
    "onboarding.none_issued": (
        "所有学校均已能登录，未发新激活码。",
        "Every school can sign in: no code issued.",
    ),
    "onboarding.code": ("激活码", "Activation code"),
    "activate.title": ("学校账号激活", "Activate a school account"),
    "activate.hint": (
        "输入教育局发放的一次性激活码，获得本校的登录令牌。",
        "Type the one-time code the education bureau gave you to get your school's token.",
    ),
    "activate.submit": ("激活", "Activate"),
    "activate.done": (
        "{school} 已激活。以下令牌只显示这一次，请妥善保存，用它登录。",
        "{school} is active. The token below is shown this once: keep it and sign in with it.",
    ),
    "whitelist.title": (
        "{year} 年度社会事务进校园白名单",
        "{year} whitelist of social affairs entering schools",
    ),
    "whitelist.intro": (
        "社会事务进校园由教育部门统筹安排（减负清单第 4—9 条）：宣传教育、安全检查、竞赛、社会考试和监考、评比等，"
        "只有列入本年度白名单的事项可以进入学校，其余一律拒绝登记。",
        "Social affairs enter schools only as the education bureau arranges them (seed items 4–9): campaigns, "
        "safety checks, competitions, public exams and invigilation, appraisals — only those on this year's "
        "whitelist; anything else is refused.",
    ),
    "whitelist.items": ("白名单事项（{n}）", "Whitelist items ({n})"),
    "whitelist.none": (
        "本年度尚未制定白名单：任何社会事务都不能登记进校园。",
        "No whitelist for this year yet: nothing may enter.",
    ),
    "whitelist.category": ("类别", "Category"),
    "whitelist.category.publicity": ("宣传教育", "Publicity"),
    "whitelist.category.safety": ("安全检查", "Safety"),
    "whitelist.category.competition": ("竞赛", "Competition"),
    "whitelist.category.exam": ("社会考试和监考", "Exams and invigilation"),
    "whitelist.category.appraisal": ("评比", "Appraisal"),
    "whitelist.category.other": ("其他", "Other"),
    "whitelist.demands": ("进校次数", "Demands"),
    "whitelist.schools_reached": ("涉及学校", "Schools"),
    "whitelist.per_school": ("各校进校园事项", "Per school"),
    "whitelist.entered": ("已登记进校园的事项（{n}）", "Registered demands ({n})"),
    "whitelist.add": ("新增白名单事项", "Add an item"),
    "whitelist.description": ("说明", "Description"),
    "whitelist.submit": ("列入白名单", "Add"),
    "flash.whitelisted": ("已列入白名单。", "Added to the whitelist."),
    "whitelist.bring": ("登记进校园事项", "Register a social affair entering schools"),
    "whitelist.bring_intro": (
        "社会事务进校园须引用本年度白名单事项；白名单外的事项一律不予登记（减负清单第 4—9 条）。",
        "A social affair entering schools cites an item of this year's whitelist; anything else is refused "
        "(seed items 4–9).",
    ),
    "whitelist.not_listed": ("— 不在白名单上 —", "— not on the whitelist —"),
    "whitelist.demand_title": ("事项名称", "Title"),
    "whitelist.held_on": ("进校日期", "Held on"),
    "whitelist.bring_submit": ("登记", "Register"),
    "flash.demand_registered": ("已登记进校园事项。", "The social affair is registered."),
    # --- the annual list of inspections, checks, appraisals and assessments (seed items 1–3)
    "list.title": (
        "{year} 年度督查检查评比考核清单",
        "{year} list of inspections, checks, appraisals and assessments",
    ),
    "list.intro": (
        "涉及中小学校和教师的督查检查评比考核事项年初形成计划，由党委办公室审核、同类事项合并，报党委批准后实施；"
        "未纳入清单的事项不得进入校园（减负清单第 1 条），于年末或学期末实施，不得以截图、视频代替评价，"
        "严禁重复索要已上报的数据材料（第 3 条）。",
        "Inspections of schools and teachers are planned at the start of the year, reviewed and merged by the "
        "Party committee office and approved; nothing off the list enters a school (seed item 1). They are "
        "held at year-end or term-end, never by screenshots or videos, and never re-ask data already "
        "reported (item 3).",
    ),
    "list.published": ("已批准、公布的事项（{n}）", "Approved and published ({n})"),
    "list.none": ("本年度清单尚无批准的事项。", "No item of this year's list is approved yet."),
    "list.proposed": ("待党委办公室审核的申报（{n}）", "Proposals waiting for the office ({n})"),
    "list.closed": ("已合并或不予列入（{n}）", "Merged or refused ({n})"),
    "list.item": ("事项", "Item"),
    "list.kind": ("类别", "Kind"),
    "list.kind.supervision": ("督查", "Supervision"),
    "list.kind.inspection": ("检查", "Inspection"),
    "list.kind.appraisal": ("评比", "Appraisal"),
    "list.kind.assessment": ("考核", "Assessment"),
    "list.organiser": ("组织单位", "Organiser"),
    "list.with": ("会同", "with"),
    "list.inspected": ("检查内容", "What is inspected"),
    "list.frequency": ("频次", "Frequency"),
    "list.method": ("方式", "Method"),
    "list.window": ("实施时间", "When"),
    "list.window_from": ("实施开始", "From"),
    "list.window_to": ("实施结束", "Until"),
    "list.window_reason": (
        "不在年末或学期末实施的理由（如有）",
        "Why not at year-end or term-end (if so)",
    ),
    "list.off_term": ("非年末学期末", "Not at term-end"),
    "list.materials": ("所需材料", "Materials asked for"),
    "list.materials_hint": (
        "每行一项；数据中心已采集的数据不得再向学校索要。",
        "One a line; data the hub holds are never asked of schools again.",
    ),
    "list.schools": ("涉及学校代码（留空为辖区全部学校）", "School codes concerned (empty: every school)"),
    "list.held": ("已实施", "Held"),
    "list.similar": ("相似 {score}%", "{score}% alike"),
    "list.approve": ("列入清单", "Approve"),
    "list.refuse": ("不予列入", "Refuse"),
    "list.merge_into": ("并入 #{id}", "Merge into #{id}"),
    "list.merged_into": ("已并入 #{id}", "merged into #{id}"),
    "list.refused": ("不予列入", "refused"),
    "list.inspections": ("已进校实施的督查检查（{n}）", "Inspections held in schools ({n})"),
    "list.no_inspections": ("本年度尚无进校实施的督查检查。", "No inspection reached a school this year."),
    "list.propose": ("申报清单事项", "Propose an item"),
    "list.year": ("年度", "Year"),
    "list.submit": ("提交申报", "Propose"),
    "flash.item_proposed": ("已提交申报，待党委办公室审核。", "Proposed; the office reviews it."),
    "flash.item_approved": ("已列入清单并向所涉学校公布。", "Approved and published to its schools."),
    "flash.item_refused": ("已不予列入清单。", "Refused."),
    "flash.item_merged": ("已合并到相似事项。", "Merged into the similar item."),
    "list.approve_all": ("一次批准本年度清单", "Approve the year's list in one act"),
    "list.approve_all_intro": (
        "以下 {n} 项申报将一并列入 {year} 年度清单并向所涉学校公布；勾选的事项不予列入。此次批准作为一次决定记入审计日志。",
        "The {n} proposals below go on the {year} list together and are published to their schools; the ones "
        "ticked are refused. The approval is one act on the audit log.",
    ),
    "list.refuse_tick": ("不予列入", "refuse"),
    "list.keep_apart": (
        "相似事项确需分列（不合并）",
        "Keep similar items apart (do not merge)",
    ),
    "list.note": ("说明", "Note"),
    "list.approve_all_submit": ("批准年度清单", "Approve the list"),
    "flash.list_approved": (
        "年度清单已批准，已列入的事项向所涉学校公布。",
        "The year's list is approved and published to the schools concerned.",
    ),
    "list.hold": ("登记进校实施的督查检查", "Register an inspection reaching schools"),
    "list.hold_intro": (
        "进校实施的督查检查评比考核须引用本年度已批准的清单事项，在批准的实施时间内、所列学校范围内，"
        "不得要求截图或视频作为材料；未列入清单的事项一律不予登记（减负清单第 1 条）。",
        "An inspection reaching schools cites an approved item of this year's list, inside its window and its "
        "schools, and asks no screenshots or videos; anything off the list is refused (seed item 1).",
    ),
    "list.unlisted": ("— 未列入清单的事项 —", "— not on the list —"),
    "list.unlisted_title": ("事项名称（未列入清单时填写）", "Title (when not on the list)"),
    "list.inspect_schools": (
        "进校学校代码（每行或以逗号分隔）",
        "School codes (one a line or comma-separated)",
    ),
    "list.evidence": ("要求学校提供的材料", "Evidence asked of schools"),
    "list.hold_submit": ("登记进校", "Register"),
    "list.none_holdable": (
        "本部门在本年度清单上尚无已批准的事项：未列入清单的督查检查不得进入校园。",
        "Your department has no approved item on this year's list: nothing off the list may enter a school.",
    ),
    "flash.inspection_registered": ("已登记进校实施的督查检查。", "The inspection is registered."),
    # --- borrowing and seconding teachers (seed items 15–16)
    "away.title": ("借用、抽调教师", "Teachers borrowed and seconded"),
    "away.intro": (
        "借用、抽调中小学教师须经县（区）级以上教育行政部门同意并报同级党委审批备案，期限原则上不超过半年"
        "（减负清单第 15、16 条）。下表列出已批准、尚未返校的教师；超期者标红。",
        "Borrowing or seconding a teacher needs the consent of an education bureau at county level or above "
        "and the Party committee's filing, for at most half a year (seed items 15–16). Below: approved "
        "secondments whose teachers are not back yet; overruns in red.",
    ),
    "away.waiting": ("待审批的申请（{n}）", "Requests waiting for a decision ({n})"),
    "away.now": ("在外教师 {n} 人", "{n} teachers away"),
    "away.overruns": ("{n} 项超期", "{n} overrun"),
    "away.none": ("目前没有借用或抽调在外的教师。", "No teacher is away on loan or secondment."),
    "away.school": ("学校", "School"),
    "away.teacher": ("教师", "Teacher"),
    "away.kind": ("类别", "Kind"),
    "away.kind.borrow": ("借用", "Borrowed"),
    "away.kind.second": ("抽调", "Seconded"),
    "away.department": ("申请部门", "Department"),
    "away.since": ("起始", "Since"),
    "away.until": ("截止", "Until"),
    "away.filing": ("党委备案号", "Filing number"),
    "away.count": ("{n} 人（未点名）", "{n} (unnamed)"),
    "away.overrun": ("超期 {n} 天", "{n} days over"),
    "away.in_time": ("期限内", "In time"),
    "away.exception": ("超半年例外", "Over half a year"),
    "away.approve": ("批准", "Approve"),
    "away.refuse": ("不批准", "Refuse"),
    "nav.school": ("本校概况", "Our school"),
    "nav.selfcheck": ("自查表", "Self-check"),
    "kind.department": ("部门", "department"),
    "kind.statistics": ("统计局", "statistics bureau"),
    "kind.education": ("教育局", "education bureau"),
    "kind.school": ("学校", "school"),
    "kind.office": ("党委办公室", "Party committee office"),
    "kind.admin": ("管理员", "administrator"),
    "entity.teacher": ("教师", "teachers"),
    "entity.school": ("学校", "schools"),
    "common.save": ("保存", "Save"),
    "common.back": ("返回", "Back"),
    "common.none": ("无", "none"),
    "common.all": ("全部", "all"),
    "common.filter": ("筛选", "Filter"),
    "common.yes": ("是", "yes"),
    "common.no": ("否", "no"),
    "common.download": ("下载", "Download"),
    "common.more": ("更早的记录", "Older entries"),
    "common.rows": ("行", "rows"),
    "common.status": ("状态", "Status"),
    "common.school": ("学校", "School"),
    "common.schools": ("学校", "Schools"),
    "common.title": ("标题", "Title"),
    "common.department": ("提出部门", "Department"),
    "common.created": ("提交时间", "Submitted"),
    "common.deadline": ("截止日期", "Deadline"),
    "common.fields": ("字段", "Fields"),
    "common.element": ("数据元", "Element"),
    "common.elements": ("数据元", "Elements"),
    "common.when": ("时间", "When"),
    "common.purpose": ("用途", "Purpose"),
    "common.action": ("操作", "Action"),
    "common.term": ("学期", "Term"),
    "common.empty": ("暂无记录。", "Nothing yet."),
    "common.name": ("名称", "Name"),
    "common.code": ("代码", "Code"),
    "common.kind": ("类型", "Kind"),
    "common.open": ("查看", "Open"),
    "common.whole": ("全部学校", "every school"),
    "common.id": ("编号", "No."),
    # --- sign-in
    "login.title": ("登录", "Sign in"),
    "login.token": ("访问令牌", "Access token"),
    "login.help": (
        "请输入管理员或教育局发给您的令牌。令牌只保存在本浏览器的安全 Cookie 中。",
        "Enter the token your administrator or the education bureau gave you. It is kept only in a secure "
        "cookie of this browser.",
    ),
    "login.submit": ("登录", "Sign in"),
    "login.bad": (
        "令牌无效或已吊销，请核对后重试。",
        "That token is invalid or revoked; check it and try again.",
    ),
    "flash.signed_out": ("已退出。", "Signed out."),
    # --- principals
    "principals.title": ("账号与令牌", "Accounts and tokens"),
    "principals.create": ("新建账号", "Create an account"),
    "principals.kind": ("账号类型", "Kind"),
    "principals.name": ("名称", "Name"),
    "principals.code": ("账号代码（字母、数字、-）", "Code (letters, digits, -)"),
    "principals.school_code": ("学校标识码（学校账号必填）", "School code (school accounts only)"),
    "principals.division": (
        "行政区划代码（GB/T 2260，省、市或县；空则同本账号）",
        "Division code (GB/T 2260 province, city or county; empty: your own)",
    ),
    "principals.division_col": ("行政区划", "Division"),
    "principals.submit": ("创建并生成令牌", "Create and issue a token"),
    "principals.token_once": (
        "令牌只显示这一次，请立即复制并安全地交给对方：",
        "The token is shown this once: copy it now and hand it over safely:",
    ),
    "principals.list": ("现有账号", "Accounts"),
    "principals.active": ("有效", "active"),
    "principals.revoked": ("已停用", "revoked"),
    "principals.revoke": ("停用", "Revoke"),
    "principals.confirm_revoke": (
        "确定停用这个账号？其令牌将立即失效。",
        "Revoke this account? Its token stops working at once.",
    ),
    "principals.education_note": (
        "教育局可以为学校和部门开通账号。",
        "The education bureau may open accounts for schools and departments.",
    ),
    "flash.principal_revoked": (
        "账号已停用，其令牌立即失效。",
        "Account revoked: its token stopped working.",
    ),
    # --- requests
    "requests.title": ("采集需求", "Data requests"),
    "requests.mine": ("我的采集需求", "My data requests"),
    "requests.new": ("提出采集需求", "New data request"),
    "requests.none": ("还没有采集需求。", "No requests yet."),
    "requests.filter_status": ("按状态筛选", "Filter by status"),
    "requests.field_title": ("标题", "Title"),
    "requests.field_purpose": ("用途（为什么需要这些数据）", "Purpose (why the data is needed)"),
    "requests.field_entity": ("采集对象", "About"),
    "requests.field_schools": (
        "学校范围（学校标识码或学校全称，每行一个；留空为全部学校）",
        "Schools in scope (codes or full names, one per line; empty: every school)",
    ),
    "requests.field_period": ("统计时期（可选，如 2026-秋）", "Period (optional, e.g. 2026-autumn)"),
    "requests.field_deadline": ("截止日期", "Deadline"),
    "requests.field_labels": (
        "字段（每行一个，照原表填写）",
        "Fields (one per line, as the form words them)",
    ),
    "requests.labels_help": (
        "可在字段后加“| 类型”，如“每周课后服务课时 | 整数”；类型可为 文本、整数、数值、日期、年月、是否。",
        "A line may end with “| type”, e.g. “After-school hours per week | integer”; types: string, integer, "
        "decimal, date, year_month, boolean.",
    ),
    "requests.field_file": (
        "或上传表格（XLSX/CSV），读取其表头",
        "Or upload a form (XLSX/CSV) to read its header row",
    ),
    "requests.read_header": ("读取表头", "Read the header row"),
    "requests.header_read": ("已从表头读取 {n} 个字段。", "{n} fields read from the header row."),
    "requests.check": ("检查字段（不提交）", "Check the fields (nothing is stored)"),
    "requests.submit": ("提交采集需求", "Submit the request"),
    "requests.classification": ("字段分类", "How each field is classified"),
    "requests.check_note": (
        "这是预检结果，尚未保存。确认无误后再提交。",
        "This is a dry run: nothing is stored yet. Submit when it looks right.",
    ),
    "requests.outcome": ("提交后的结果", "What submitting would do"),
    "requests.label": ("原表字段", "Field as written"),
    "requests.type": ("类型", "Type"),
    "requests.classified": ("分类", "Class"),
    "requests.matched": ("对应数据元", "Matched element"),
    "requests.confidence": ("置信度", "Confidence"),
    "requests.explanation": ("说明", "Explanation"),
    "requests.coverage": ("已有数据覆盖率", "Coverage in the store"),
    "requests.violations": ("规则检查", "Rule checks"),
    "requests.duplicate_of": (
        "与采集需求 {id} 重复（重合度 {overlap}），将直接使用其结果。",
        "Duplicates request {id} ({overlap} overlap): its results will answer this one.",
    ),
    "requests.see_original": ("查看原需求概况", "See the original"),
    "original.title": ("原需求概况", "The original request"),
    "original.intro": (
        "您的采集需求 {id}「{title}」与下面这项正在办理的需求重复，将直接使用它的结果，不再向学校重复采集。",
        "Your request {id} “{title}” repeats the open request below; its results will answer yours and no "
        "school is asked twice.",
    ),
    "original.intro_check": (
        "您检查的采集需求与下面这项正在办理的需求重复：提交后将直接使用它的结果，不再向学校重复采集。",
        "The request you checked repeats the open request below: once submitted, its results will answer "
        "yours and no school is asked twice.",
    ),
    "original.back_check": ("返回填写需求", "Back to the form"),
    "original.state": ("办理状态", "State"),
    "original.overlap": ("重合程度", "Overlap"),
    "original.overlap_value": ("所问数据元的重合度 {overlap}", "{overlap} of the elements asked"),
    "original.shared": ("两项需求共同询问的数据", "Data both requests ask"),
    "original.waiting": (
        "原需求完成后，您的需求即可查看结果（在共享协议或教育局同意提供的范围内）。",
        "Once the original is answered, yours can be read (under an agreement or the education bureau's release).",
    ),
    "original.answered": (
        "原需求已完成，您的需求可在授权范围内查看结果。",
        "The original is answered; yours can be read within its grant.",
    ),
    "original.privacy": (
        "此页只显示原需求的概况，不含其学校范围、数据和审核意见。",
        "This page shows only an outline of the original, never its schools, data or review notes.",
    ),
    "original.back": ("返回需求 {id}", "Back to request {id}"),
    "original.full": ("打开原需求", "Open the original"),
    "requests.decision": ("审批结果", "Decision"),
    "requests.form_number": ("表号", "Form number"),
    "requests.approval_number": ("批准文号", "Approval number"),
    "requests.valid_until": ("有效期至", "Valid until"),
    "requests.note": ("说明", "Note"),
    "requests.detail": ("采集需求详情", "Request"),
    "requests.data": ("查看数据", "Read the data"),
    "requests.download_csv": ("下载 CSV", "Download CSV"),
    "requests.download_xlsx": ("下载 Excel", "Download Excel"),
    "requests.progress": ("填报进度", "Progress"),
    "requests.summary": (
        "{available} 项已有、{derived} 项可推算、{missing} 项缺数据、{new} 项新增",
        "{available} available, {derived} derived, {missing} missing, {new} new",
    ),
    "requests.answered_now": (
        "所有字段均已采集：提交后立即由数据中心答复，不会联系任何学校。",
        "Every field is gathered: the hub answers at once and no school is contacted.",
    ),
    "requests.to_review": (
        "有新增或缺数据的字段：提交后送统计局审批，再由教育局发布给缺数据的学校。",
        "Some fields are new or missing: the statistics bureau reviews it, then the education bureau sends it "
        "to the schools lacking data.",
    ),
    "requests.will_reject": ("违反规则，提交将被驳回：", "It breaks a rule and would be refused:"),
    "requests.no_fields": ("请至少填写一个字段。", "Give at least one field."),
    "requests.unknown_school": ("找不到这些学校：{names}", "These schools are not in the store: {names}"),
    "requests.scope_count": ("{n} 所学校", "{n} schools"),
    "requests.fields_count": ("{n} 个字段", "{n} fields"),
    "requests.spared": ("学校免填", "Spared"),
    "requests.spared_title": ("学校免填", "What the schools were spared"),
    "requests.spared_line": (
        "本需求涉及 {schools} 所学校：其中 {spared} 所由数据中心直接答复，无需学校填报；{asked} 所收到只含缺失字段的填报任务。",
        "The request concerned {schools} schools: the hub answered {spared} of them without asking anything; "
        "{asked} got a task holding only the missing fields.",
    ),
    "requests.spared_fields": (
        "项次字段由数据中心代为提供，学校免填（需求字段 × 记录数）",
        "field values the hub supplied so no school filled them (requested fields × records)",
    ),
    "requests.spared_note": (
        "与各校负担统计、学校概览和自查表同一口径。",
        "Counted as on the counts page, each school's overview and the 自查表.",
    ),
    "requests.alternatives": ("相近的现有数据元", "Closest existing elements"),
    "flash.request_submitted": ("采集需求已提交。", "Request submitted."),
    "flash.decided": ("已作出审批决定。", "Decision recorded."),
    "flash.decided_many": ("已批准勾选的采集需求。", "The ticked requests are approved."),
    "flash.rejected_many": ("已驳回勾选的采集需求。", "The ticked requests are rejected."),
    "flash.published": ("已发布给学校。", "Published to the schools."),
    "status.pending_approval": ("待统计局审批", "awaiting review"),
    "status.approved": ("已批准，待发布", "approved"),
    "status.rejected": ("已驳回", "rejected"),
    "status.published": ("已发布，学校填报中", "published"),
    "status.answered": ("已答复", "answered"),
    "status.duplicate": ("重复需求", "duplicate"),
    "status.pending_release": ("待教育局决定是否提供", "awaiting release"),
    "status.closed": ("已关闭", "closed"),
    "field.available": ("已有", "available"),
    "field.missing": ("缺数据", "missing"),
    "field.new": ("新增", "new"),
    "field.derived": ("可推算", "derived"),
    "severity.block": ("阻止", "blocks"),
    "severity.review": ("需审查", "for review"),
    "severity.notice": ("提示", "notice"),
    "severity.refused": ("不予提供", "refused"),
    # --- data
    "data.title": ("数据", "Data"),
    "data.masked": ("带 * 的列按授权脱敏显示。", "Columns marked * are masked under your grant."),
    "data.showing": ("显示第 {first}–{last} 行（共 {total} 行）", "Rows {first}–{last} of {total}"),
    "data.next": ("下一页", "Next page"),
    "data.prev": ("上一页", "Previous page"),
    # --- review
    "review.title": ("审批队列", "Review queue"),
    "review.none": ("没有等待审批的采集需求。", "No request is waiting for a decision."),
    "review.new_fields": ("需要新增的字段", "New fields"),
    "review.missing_fields": ("已有数据元但缺数据的字段", "Known elements without data"),
    "review.closest": ("最接近的现有数据元", "Closest existing elements"),
    "review.maps_to": ("认定为已有数据元", "Is an existing element"),
    "review.maps_to_new": ("否，新增为新数据元", "No: a new element"),
    "review.maps_to_all": ("其他数据元", "Other elements"),
    "review.no_alternative": ("没有相近的数据元", "nothing close"),
    "review.approve": ("批准", "Approve"),
    "review.reject": ("驳回", "Reject"),
    "review.reason": ("驳回理由", "Reason for rejecting"),
    "review.count": ("待审批 {n} 项", "{n} waiting"),
    "review.sort": ("排序", "Sort by"),
    "review.sort_button": ("排序", "Sort"),
    "review.sort_oldest": ("提交时间（先到先审）", "submitted, oldest first"),
    "review.sort_newest": ("提交时间（最新在前）", "submitted, newest first"),
    "review.sort_deadline": ("截止日期（最近在前）", "deadline, soonest first"),
    "review.sort_schools": ("涉及学校（最多在前）", "schools asked, most first"),
    "review.sort_records": ("涉及记录（最多在前）", "records to fill, most first"),
    "review.sort_department": ("提出部门", "department"),
    "review.bulk_title": ("批量审批", "Decide several at once"),
    "review.bulk_help": (
        "勾选下面的采集需求，一并批准或驳回：要么全部成功，要么一项都不改。批量批准时新字段按系统建议的填报要求"
        "（可在单项审批中逐一调整）；驳回须写明理由。",
        "Tick the requests below to approve or reject them together: all succeed or none changes. A bulk "
        "approval gives new fields the proposed checks (adjust them one by one in the single approval); a "
        "rejection needs a reason.",
    ),
    "review.bulk_decision": ("决定", "Decision"),
    "review.bulk_note": ("说明（驳回时为理由）", "Note (the reason, for a rejection)"),
    "review.bulk_submit": ("对勾选的需求作出决定", "Decide the ticked requests"),
    "review.pick": ("勾选需求 {id}", "tick request {id}"),
    "review.pick_one": ("请至少勾选一项采集需求。", "Tick at least one request."),
    "review.bulk_failed": (
        "{reason}。所有勾选的需求均未改变。",
        "{reason}. None of the ticked requests changed.",
    ),
    "review.bad_date": (
        "有效期至“{value}”不是日期，请按 2027-06-30 的格式填写。",
        "Valid until “{value}” is not a date: write it as 2027-06-30.",
    ),
    "review.impact": (
        "批准后将向 {schools} 所学校发放任务，涉及 {records} 条记录，新增字段 {new} 个",
        "approving sends a task to {schools} schools, {records} records to fill, {new} new fields",
    ),
    "review.impact_scope": (
        "（范围内共 {n} 所学校，其余已有数据或无相关记录）",
        "({n} schools in scope; the others hold the data or no records)",
    ),
    "review.other_fields": ("其余字段", "Other fields"),
    # --- publication
    "publish.title": ("发布给学校", "Publish to schools"),
    "publish.preview": ("发布预览", "Before publishing"),
    "publish.will_get": ("将收到任务的学校（{n} 所）", "Schools that will get a task ({n})"),
    "publish.need_none": (
        "数据已齐全、无需任务的学校（{n} 所）",
        "Schools whose data is complete: no task ({n})",
    ),
    "publish.no_records": (
        "库中没有记录的学校（{n} 所，不会收到任务）",
        "Schools without records ({n}: no task)",
    ),
    "publish.lacking": ("缺少的字段", "Missing fields"),
    "publish.rows": ("记录数", "Records"),
    "publish.filled": ("已有值", "Filled"),
    "publish.deadline_help": (
        "截止日期（留空用需求中的日期或默认期限）",
        "Deadline (empty: the request's, or the default)",
    ),
    "publish.submit": ("发布", "Publish"),
    "publish.fields": ("任务只包含这些缺数据的字段：", "Tasks hold only these missing fields:"),
    # --- progress
    "progress.tasks": ("任务", "Tasks"),
    "progress.complete": ("已完成", "complete"),
    "progress.rows": ("已填 / 应填", "Filled / expected"),
    "progress.submissions": ("提交次数", "Submissions"),
    "progress.last": ("最近提交", "Last submission"),
    "progress.summary": (
        "{done}/{total} 所学校已完成，{filled}/{expected} 行已填",
        "{done} of {total} schools done, {filled} of {expected} rows filled",
    ),
    "state.not_opened": ("未查看", "not opened"),
    "state.in_progress": ("填报中", "in progress"),
    "state.submitted": ("已提交", "submitted"),
    "state.overdue": ("已逾期", "overdue"),
    "progress.filter": ("筛选", "Show"),
    "progress.all": ("全部", "all"),
    "progress.not_submitted": ("未提交", "not submitted"),
    "progress.sort": ("排序", "Sort by"),
    "progress.sort_school": ("学校", "school"),
    "progress.sort_state": ("状态", "state"),
    "progress.sort_share": ("已填比例（少的在前）", "share filled (lowest first)"),
    "progress.sort_last": ("最近提交", "last submission"),
    "progress.export": ("导出进度（Excel）", "Export progress (Excel)"),
    "progress.state_counts": (
        "未查看 {not_opened} 所 · 填报中 {in_progress} 所 · 已提交 {submitted} 所 · 已逾期 {overdue} 所",
        "not opened {not_opened} · in progress {in_progress} · submitted {submitted} · overdue {overdue}",
    ),
    "progress.reminded": ("已催报 {n} 次，最近 {at}", "reminded {n}×, last {at}"),
    "progress.done_reason": ("未填原因", "Why rows are empty"),
    "progress.remind": ("催报未提交的学校", "Remind the schools not submitted (催报)"),
    "progress.remind_note": ("催报说明（学校可见）", "Note the schools read"),
    "progress.remind_default": ("请于截止日期前完成填报。", "Please complete the task before its deadline."),
    "flash.reminded": ("已向未提交的学校发出催报。", "Reminders sent to the schools not submitted."),
    "tasks.reminders_title": ("教育局催报", "Reminders from the education bureau"),
    "tasks.reminder_line": (
        "{at} 催报《{title}》（截止 {deadline}）：{note}",
        "{at} reminder for '{title}' (due {deadline}): {note}",
    ),
    "tasks.done_confirm": (
        "还有 {empty} 行未填（已填 {filled} / {expected}）。确认完成后不再提醒填写这些行，确定吗？",
        "{empty} rows are still empty ({filled} of {expected}). Mark the task done anyway?",
    ),
    "tasks.done_reason": (
        "这些行为何无法填写（必填，教育局可见）",
        "Why these rows cannot be filled (required; the bureau reads it)",
    ),
    "tasks.done_reason_placeholder": (
        "如：2 名教师已调离本校，1 名长期病假",
        "e.g. two teachers left the school, one on long sick leave",
    ),
    "task.open": ("填报中", "open"),
    "task.complete": ("已完成", "complete"),
    "task.closed": ("已关闭", "closed"),
    # --- tasks (school)
    "common.choose_file": ("选择文件", "Choose a file"),
    "common.no_file": ("未选择文件", "No file chosen"),
    "tasks.title": ("填报任务", "Tasks"),
    "tasks.none": (
        "没有需要填报的任务。数据中心已有的数据不会再向本校收集。",
        "No task to fill. What the hub already holds is never asked of the school again.",
    ),
    "tasks.fill": ("在线填报", "Fill in"),
    "tasks.fill_title": ("填报：{title}", "Fill in: {title}"),
    "tasks.only_missing": (
        "只需填写数据中心缺少的字段；灰色信息已由数据中心预填，仅供核对。",
        "Fill only the fields the hub lacks; grey details are prefilled for checking.",
    ),
    "tasks.reference": ("参考号", "Ref."),
    "tasks.person": ("教师", "Teacher"),
    "tasks.id_hint": ("身份证后四位", "ID (last 4)"),
    "tasks.submit": ("提交", "Submit"),
    "tasks.template": ("下载 Excel 模板", "Download the Excel template"),
    "tasks.upload": ("上传填好的模板", "Upload the filled template"),
    "tasks.upload_submit": ("上传并提交", "Upload and submit"),
    "tasks.mark_done": ("确认完成（个别行确实无法填写）", "Mark done (some rows truly cannot be filled)"),
    "tasks.result": (
        "本次提交：接收 {accepted} 行，退回 {rejected} 行。",
        "This submission: {accepted} rows accepted, {rejected} rejected.",
    ),
    "tasks.fix": (
        "请按提示修改标红的单元格后重新提交；已接收的行不会丢失。",
        "Fix the cells marked in red and submit again; accepted rows are kept.",
    ),
    "tasks.all_good": ("全部通过。", "All accepted."),
    "tasks.blank_rule": (
        "空白表示“不修改”，不会清除已保存的值；要清除某个值，请在该格填写 #清空（下拉框选“清空已保存的值”）。",
        "A blank means 'no change' and never erases a saved value; to clear one, write #清空 in its cell "
        "(in a list, choose 'clear the saved value').",
    ),
    "tasks.clear_option": ("清空已保存的值", "clear the saved value"),
    "tasks.cleared": ("已按 #清空 清除 {n} 个已保存的值。", "{n} saved values cleared as asked (#清空)."),
    "tasks.kept": (
        "以下单元格来自较早下载的模板，之后已保存了新的值，新值已保留（未被覆盖）：",
        "These cells come from an older copy of the template; newer values saved since were kept:",
    ),
    "tasks.approval": ("批准文号 {number}，有效期至 {until}", "Approval {number}, valid until {until}"),
    "tasks.choose": ("请选择", "choose"),
    "tasks.row_errors": ("其他问题", "Other problems"),
    "tasks.extra_columns": (
        "以下列不属于本任务，已忽略：",
        "These columns are not part of the task and were ignored:",
    ),
    "preview.title": ("上传前核对：{title}", "Check before applying: {title}"),
    "preview.intro": (
        "这份文件会改动本校已保存的值。请核对下面每一处改动，确认后才会写入；取消则什么都不改。",
        "This file would change values the school has saved. Check each change below: nothing is "
        "written until you confirm, and cancelling changes nothing.",
    ),
    "preview.summary": (
        "共 {rows} 行：将填写 {filled} 个空白单元格，覆盖 {overwritten} 个已保存的值，清空 {cleared} 个，{unchanged} 个与已保存的相同；退回 {rejected} 行。",
        "{rows} rows: {filled} empty cells filled, {overwritten} saved values overwritten, {cleared} "
        "cleared, {unchanged} the same as saved; {rejected} rows refused.",
    ),
    "preview.overwritten": ("将被覆盖的值", "Saved values it would overwrite"),
    "preview.cleared": ("将被清空的值", "Saved values it would clear"),
    "preview.row": ("文件行", "Row"),
    "preview.field": ("字段", "Field"),
    "preview.old": ("已保存的值", "Saved now"),
    "preview.new": ("上传后的值", "After the upload"),
    "preview.empty": ("（空）", "(empty)"),
    "preview.rejected": (
        "以下单元格有误，所在行不会写入：",
        "These cells are wrong; their rows would not be written:",
    ),
    "preview.more": ("另有 {n} 处未列出。", "{n} more not listed."),
    "preview.confirm": ("确认覆盖并提交", "Overwrite and submit"),
    "preview.cancel": ("取消，返回任务", "Cancel, back to the task"),
    "preview.failed": ("无法读取这份文件：", "The file cannot be read:"),
    "flash.task_done": ("任务已确认完成。", "Task marked done."),
    # --- school overview
    "school.title": ("本校概况", "Our school"),
    "school.requests": ("涉及本校的采集需求", "Requests that concerned the school"),
    "school.satisfied": ("{n} 项无需本校填报，由数据中心直接答复", "{n} answered without the school's input"),
    "school.spared_total": (
        "这些需求中本校免填的字段共 {n} 个（按需求逐项计）",
        "{n} requested fields the school did not have to fill",
    ),
    "school.spared_fields": ("免于填报的字段", "Fields the school was spared"),
    "school.times": ("次数", "Times"),
    "school.without_input": ("无需本校填报", "no input needed"),
    "school.had_task": ("本校有任务", "school had a task"),
    "school.reads": ("本校数据被读取次数", "Reads of the school's data"),
    "school.usage": ("谁使用了本校数据", "Who used the school's data"),
    "school.usage_summary": (
        "共被读取 {reads} 次、{rows} 行，{readers} 个使用方",
        "{reads} reads, {rows} rows, {readers} readers",
    ),
    "school.reader": ("使用方", "Reader"),
    "school.own_reader": ("本校账号", "This school's account"),
    "school.outside_standard": ("标准外字段", "Not in the standard"),
    "school.teacher_reads": ("某位教师的数据被谁读取", "Who read one teacher's record"),
    "school.teacher_reads_hint": (
        "输入本校一位教师的公民身份号码，查看哪些部门的读取包含了该教师的记录（统计汇总不含个人记录，不列出）。",
        "Enter the ID number of one of the school's teachers to see the department reads that included "
        "her record (aggregates hold no personal record and are not listed).",
    ),
    "school.teacher_id": ("教师公民身份号码", "Teacher's ID number"),
    "school.teacher_lookup": ("查询", "Look up"),
    "school.teacher_result": (
        "身份证号尾号 {tail} 的教师：{n} 次读取",
        "Teacher whose ID ends in {tail}: {n} reads",
    ),
    "school.grant": ("授权 / 协议", "Grant / agreement"),
    "school.complain": ("举报", "Complain"),
    "school.not_filled": ("免填字段", "Spared fields"),
    # --- complaints
    "complaints.title": ("举报", "Complaints"),
    "complaints.public": ("公众举报", "public report"),
    "report.title": ("教师减负举报", "Report a teacher-burden problem"),
    "report.intro": (
        "无需登录。教职工、家长和社会各界均可反映加重教师负担的问题（高平方案（四））。提交后请保存查询码，凭码查看办理情况和答复。",
        "No sign-in needed. Staff, parents and anyone may report demands that add to teachers' burden (Gaoping "
        "plan, part 4). Keep the tracking code you get: it shows the state and the answer.",
    ),
    "report.text": ("反映的问题", "What happened"),
    "report.school_name": ("涉及的学校", "School concerned"),
    "report.school_code": ("学校标识码（如知道）", "School code (if known)"),
    "report.contact": ("联系方式（选填）", "How to reach you (optional)"),
    "report.contact_hint": (
        "只有办理举报的部门可见，不告知被反映的学校或部门",
        "seen only by whoever handles the report, never by the school or department reported",
    ),
    "report.to": ("向谁反映", "Report to"),
    "report.to_education": ("教育局", "the education bureau"),
    "report.to_discipline": (
        "纪检监察部门（教育局不可见）",
        "discipline inspection (the education bureau cannot see it)",
    ),
    "report.submit": ("提交", "Submit"),
    "report.follow": ("查询举报办理情况", "Follow a report"),
    "report.code": ("查询码", "Tracking code"),
    "report.keep_code": ("请保存此码", "keep this code"),
    "report.state": ("办理状态", "State"),
    "report.queue_education": ("教育局办理", "handled by the education bureau"),
    "report.queue_discipline": ("纪检监察部门办理", "handled by discipline inspection"),
    "report.due": ("答复期限", "answer due"),
    "report.overdue": ("已超期", "overdue"),
    "report.answer": ("答复", "Answer"),
    "report.no_answer": ("尚未答复。", "No answer yet."),
    "report.look_up": ("查询", "Look up"),
    "complaints.inbox": ("举报处理", "Complaints inbox"),
    "complaints.new": ("举报违规要求", "Report a demand that breaks the rules"),
    "complaints.reason": ("违反的规定", "Rule broken"),
    "complaints.text": ("情况说明", "What happened"),
    "complaints.request": ("涉及的采集需求", "Request concerned"),
    "complaints.outside_department": ("未经数据中心的要求：提出单位", "A demand outside the hub: from whom"),
    "complaints.outside_demand": ("要求的内容和时间", "What it asked, and when"),
    "complaints.submit": ("提交举报", "File the complaint"),
    "complaints.response": ("教育局答复", "The bureau's answer"),
    "complaints.answer": ("答复", "Answer"),
    "complaints.close": ("答复并办结", "Answer and close"),
    "complaints.none": ("没有举报。", "No complaints."),
    "complaints.statistics": ("举报统计", "Complaint statistics"),
    "complaints.queue": ("办理队列", "Queue"),
    "complaints.stat.filed": ("受理", "Filed"),
    "complaints.stat.public": ("其中公众举报", "Of which public"),
    "complaints.stat.open": ("待处理", "Open"),
    "complaints.stat.answered": ("已答复", "Answered"),
    "complaints.stat.closed": ("已办结", "Closed"),
    "complaints.stat.overdue": ("超期未答复", "Overdue"),
    "complaints.stat.answered_in_time": ("按期答复", "Answered in time"),
    "complaints.route_discipline": ("转纪检监察部门办理", "Hand over to discipline inspection"),
    "complaints.route_education": ("转回教育局办理", "Hand back to the education bureau"),
    "flash.complaint_routed": ("举报已转办。", "The report was handed over."),
    "complaints.outside": ("外部要求", "Outside demand"),
    "complaint.open": ("待处理", "open"),
    "complaint.answered": ("已答复", "answered"),
    "complaint.closed": ("已办结", "closed"),
    "flash.complaint_filed": (
        "举报已提交，教育局会答复。",
        "Complaint filed; the education bureau will answer.",
    ),
    "flash.complaint_answered": ("答复已发送。", "Answer sent."),
    # --- burden
    "burden.title": ("减负统计", "Burden dashboard"),
    "burden.goal": (
        "目标：本年进入学校的事项较上年基数减少 {goal} 以上（减负清单第 2 条）",
        "Goal: at least {goal} fewer demands reaching schools than the year before (rule 2)",
    ),
    "burden.received": ("收到需求", "Requests received"),
    "burden.satisfied": ("无需学校填报", "Answered without the school"),
    "burden.refused": ("被规则拦截", "Refused by the rules"),
    "burden.tasks": ("下发任务", "Tasks sent"),
    "burden.filled": ("填报字段数", "Fields filled"),
    "burden.spared": ("免填字段数", "Fields spared"),
    "burden.baseline": ("基数", "Baseline"),
    "burden.reduction": ("减少", "Reduction"),
    "burden.goal_met": ("达标", "Goal met"),
    "burden.schools_meeting": ("{n}/{total} 所学校达标", "{n} of {total} schools meet the goal"),
    "burden.history": ("各学期对比", "Term by term"),
    "burden.per_school": ("各校情况", "Per school"),
    "burden.no_baseline": ("未设基数", "no baseline"),
    "burden.complaints": ("举报", "Complaints"),
    "burden.chart_year": (
        "本年进入学校的事项与上年基数（按县区）",
        "This year's demands against last year's baseline, by county",
    ),
    "burden.chart_terms": ("各学期收到需求与下发任务", "Requests received and tasks sent, term by term"),
    "burden.chart_fields": ("填报字段与免填字段", "Fields filled and fields spared"),
    "burden.set_baseline": ("设置基数", "Set a baseline"),
    "burden.year": ("基数年份（往年）", "Baseline year (a past one)"),
    "burden.division": ("行政区划代码", "Division code"),
    "burden.every_division": (
        "省、市或县；留空表示全部学校",
        "province, city or county; empty: every school",
    ),
    "burden.demands": (
        "该年每校收到的事项数（清单内检查 + 下发任务）",
        "Demands per school that year (listed inspections + tasks)",
    ),
    "burden.items": ("该年清单事项数", "Items on that year's list"),
    "burden.demands_in_year": ("{year} 年进入学校的事项", "Demands reaching schools in {year}"),
    "burden.baseline_of": ("{year} 年基数", "{year} baseline"),
    "burden.no_baseline_claim": (
        "未设 {year} 年基数：不计算减少比例，也不认定达标。",
        "No baseline for {year}: no reduction is computed and no school is said to meet the goal.",
    ),
    "burden.year_running": ("年度未结束", "year still running"),
    "burden.own_scales": (
        "每项指标一张图，各用自己的比例尺（自 0 至该项最大值）：条长只在同一张图内可比，数字为实际值。",
        "One chart per measure, each on its own scale (0 to its largest): bars compare within a chart, the "
        "figures are exact.",
    ),
    "flash.baseline_set": ("基数已保存。", "Baseline saved."),
    "flash.report_filed": ("举报已提交，请保存查询码。", "Report filed; keep the tracking code."),
    # --- the data-standard browser
    "standard.title": ("数据标准", "Data standard"),
    "standard.intro": (
        "中心采集和共享的每个数据元：名称、同义词（表格里常见的写法）、取值类型、单位与范围、代码表、共享类型，"
        "以及它从哪个版本起列入标准。统计局批准的新数据元会作为新版本加入。",
        "Every element the hub collects and shares: its names, synonyms (how forms write it), value type, unit "
        "and range, code list, sharing type, and the version that added it. Elements the statistics bureau "
        "approves join as a new version.",
    ),
    "standard.search": ("查找", "Search"),
    "standard.search_hint": (
        "名称、同义词、单位或代码值，如 职称、学时",
        "name, synonym, unit or code value",
    ),
    "standard.search_button": ("查找", "Search"),
    "standard.count": (
        "显示 {shown} 个数据元，共 {total} 个（标准第 {version} 版）",
        "{shown} of {total} elements (standard version {version})",
    ),
    "standard.none": ("没有与“{q}”相符的数据元。", "No element matches “{q}”."),
    "standard.element": ("数据元", "Element"),
    "standard.id_hint": (
        "程序使用的标识，接口和导出文件中会用到",
        "the identifier programs use in the API and exports",
    ),
    "standard.synonyms": ("同义词", "Synonyms"),
    "standard.learned_hint": ("审核中确认过的写法", "a wording confirmed in review"),
    "standard.type": ("取值类型", "Value type"),
    "standard.required": ("必填", "required"),
    "standard.unit_range": ("单位与范围", "Unit and range"),
    "standard.range": ("{low} 至 {high}", "{low} to {high}"),
    "standard.at_least": ("不少于 {low}", "at least {low}"),
    "standard.at_most": ("不超过 {high}", "at most {high}"),
    "standard.max_length": ("最多 {n} 个字", "at most {n} characters"),
    "standard.future_ok": ("可填将来的日期", "may lie in the future"),
    "standard.no_future": ("不晚于今天", "not after today"),
    "standard.code_list": ("代码表", "Code list"),
    "standard.values": ("{n} 个取值", "{n} values"),
    "standard.version": ("版本", "Version"),
    "standard.version_n": ("第 {n} 版", "version {n}"),
    "standard.code_lists": ("代码表", "Code lists"),
    "standard.code_value": ("代码", "Code"),
    "standard.code_label": ("名称", "Label"),
    "standard.code_aliases": ("其他写法", "Other wordings"),
    "standard.versions": ("版本记录", "Versions"),
    "standard.when": ("日期", "Date"),
    "standard.added": ("新增数据元", "Elements added"),
    "standard.note": ("说明", "Note"),
    "standard.bundled": ("随系统发布", "shipped with the hub"),
    "standard.bundled_elements": ("基础标准 {n} 个数据元", "the base standard's {n} elements"),
    # --- the sharing catalogue
    "catalogue.title": ("数据共享目录", "Sharing catalogue"),
    "catalogue.intro": (
        "每个数据元的共享类型（政务信息资源共享）：无条件共享的数据任何部门可直接获取；有条件共享的数据须有共享协议"
        "或经教育局放行；不予共享的数据一律不提供。",
        "Each element's sharing type, as government data sharing sorts resources: unconditional data any "
        "department gets at once; conditional data only under an agreement or the education bureau's release; "
        "not-shared data are never released.",
    ),
    "catalogue.version": ("标准版本", "standard version"),
    "catalogue.element": ("数据元", "Element"),
    "catalogue.code": ("代码", "Code"),
    "catalogue.sensitivity": ("敏感级别", "Sensitivity"),
    "catalogue.sharing": ("共享类型", "Sharing"),
    "catalogue.reason": ("说明", "Reason"),
    "sharing.unconditional": ("无条件共享", "unconditional"),
    "sharing.conditional": ("有条件共享", "conditional"),
    "sharing.not_shared": ("不予共享", "not shared"),
    "sensitivity.public": ("公开", "public"),
    "sensitivity.internal": ("内部", "internal"),
    "sensitivity.personal": ("个人信息", "personal"),
    "sensitivity.sensitive": ("敏感个人信息", "sensitive"),
    # --- sources, grants, audit
    "imports.title": ("导入数据", "Import records"),
    "imports.entity": ("数据对象", "Records of"),
    "imports.entity_teachers": ("教师", "teachers"),
    "imports.entity_schools": ("学校", "schools"),
    "imports.file": ("文件（CSV、XLSX）", "File (CSV, XLSX)"),
    "imports.period": ("数据所属期间", "Period of the data"),
    "imports.period_placeholder": (
        "留空即当前期间，如 2025、2024-2025学年",
        "blank: the current one; e.g. 2025, 2024-2025学年",
    ),
    "imports.period_hint": (
        "按期间统计的数据（学时、在校学生数等）写入所选期间；留空写入当前期间。列名写了年份的（如“2024年培训学时”）写入该年，与所选期间不符的文件会被拒绝。",
        "Values that belong to a period (training hours, enrolment …) go to the period chosen; blank: the "
        "current one. A column whose header names a year (2024年培训学时) goes to that year; one that "
        "contradicts the period chosen is refused.",
    ),
    "imports.defaults": ("当前期间（留空时写入）：", "The current periods (written when left blank):"),
    "imports.check": ("检查并预览", "Check and preview"),
    "imports.preview_title": ("确认导入", "Confirm the import"),
    "imports.preview_intro": (
        "文件“{file}”（{entity}）将按下列方式导入，确认后才写入。",
        "{file} ({entity}) will be imported as below; nothing is written until you confirm.",
    ),
    "imports.chosen": ("所选期间：{period}", "Period chosen: {period}"),
    "imports.chosen_current": (
        "未选期间：按期间统计的列写入当前期间（列名写了年份的除外）。",
        "No period chosen: periodic columns go to the current period (unless their header names one).",
    ),
    "imports.past_file": (
        "这是往期数据：只写入按期间统计的列，按公民身份号码（学校标识码）找到库中已有记录，其他列不写入。",
        "A past period's file: only its periodic values are written, to records already stored (found by ID number or school code); other columns are not written.",
    ),
    "imports.periodic": ("按期间统计的列", "Columns that belong to a period"),
    "imports.column": ("列", "Column"),
    "imports.element": ("数据元", "Element"),
    "imports.goes_to": ("写入期间", "Written to"),
    "imports.current": ("当前期间", "current"),
    "imports.columns": ("识别的列", "Columns recognised"),
    "imports.unknown": ("未识别、不导入的列：", "Columns not recognised (not imported): "),
    "imports.confirm": ("确认导入", "Import"),
    "imports.cancel": ("取消", "Cancel"),
    "imports.done": ("导入完成", "Imported"),
    "imports.counts": (
        "读取 {read} 行，接受 {accepted} 行（新增 {inserted}，更新 {updated}，未变 {unchanged}），拒绝 {rejected} 行",
        "{read} rows read, {accepted} accepted ({inserted} new, {updated} updated, {unchanged} unchanged), {rejected} rows refused",
    ),
    "nav.imports": ("导入数据", "Import"),
    "sources.period_hint": (
        "按期间统计的数据（学时、在校学生数等）写入此期间；留空则每次运行写入当时的当前期间。",
        "Values that belong to a period go to this one; blank: the current period at each run.",
    ),
    "sources.title": ("数据源", "Sources"),
    "sources.none": (
        "还没有配置数据源（可用 hub sources add 添加）。",
        "No sources yet (add one with `hub sources add`).",
    ),
    "sources.kind": ("类型", "Kind"),
    "sources.schedule": ("计划", "Schedule"),
    "sources.last_run": ("最近运行", "Last run"),
    "sources.hub_wide": ("全平台", "whole hub"),
    "sources.run": ("立即运行", "Run now"),
    "sources.failing": ("连续失败", "failing"),
    "sources.disabled": ("已停用", "disabled"),
    "sources.run_result": ("运行结果", "Run result"),
    "sources.new": ("新增数据源", "New source"),
    "sources.new_title": ("新增数据源", "New source"),
    "sources.edit_title": ("修改数据源 {name}", "Edit source {name}"),
    "sources.form_intro": (
        "已有数据的系统（人事、学籍、编制等）按计划把数据送入中心，与导入文件经过同样的校验。可以是服务器上的文件夹"
        "（放入的 CSV/XLSX 各读一次）、数据库（可只读上次以来改动的行）或 HTTP 接口（分页的 JSON）。",
        "Systems that already hold the data (HR, enrolment, staffing) feed the store on a schedule, checked like "
        "an import: a folder on the server (each CSV/XLSX dropped there read once), a database (optionally only "
        "rows changed since the last run) or an HTTP feed (paged JSON).",
    ),
    "sources.name": ("名称", "Name"),
    "sources.name_hint": (
        "小写字母、数字、- 和 _，创建后不能修改",
        "lowercase letters, digits, - and _; fixed once created",
    ),
    "sources.description": ("说明", "Description"),
    "sources.folder_path": ("文件夹路径", "Folder path"),
    "sources.folder_pattern": ("文件名规则（可选）", "File name pattern (optional)"),
    "sources.folder_sheet": ("工作表（可选）", "Sheet (optional)"),
    "sources.sql_url": ("数据库连接地址", "Database URL"),
    "sources.sql_table": ("表名", "Table"),
    "sources.sql_updated": ("更新时间列（增量读取，可选）", "Updated-at column (incremental, optional)"),
    "sources.sql_query": ("或查询语句", "Or a query"),
    "sources.http_url": ("接口地址", "Feed URL"),
    "sources.http_items": ("记录所在路径（可选）", "Path to the records (optional)"),
    "sources.http_paging": ("分页方式", "Paging"),
    "sources.http_page_size": ("每页条数（可选）", "Page size (optional)"),
    "sources.http_token": ("访问令牌（可选）", "Bearer token (optional)"),
    "sources.secret_hint": (
        "密码和令牌保存后显示为 ******，不改动即保持原值；也可写成 ${环境变量名}，由服务器环境提供。",
        "Passwords and tokens show as ****** once saved and stay as they are when left so; or write "
        "${VARIABLE} for the server's environment to supply.",
    ),
    "sources.mapping": ("列对应（每行：源列 = 数据元）", "Mapping (a line each: source column = element)"),
    "sources.mapping_hint": (
        "数据元可写中文名称（如 公民身份号码）或标识；未写的列按名称和同义词自动对应；“源列 =”表示不导入该列。",
        "An element by its Chinese label or its id; unmapped columns match by label and synonyms; “column =” drops it.",
    ),
    "sources.cron": ("定时（cron，如 30 2 * * * 为每天 2:30）", "Cron (30 2 * * * is 2:30 daily)"),
    "sources.interval": ("或每隔多少秒", "Or every N seconds"),
    "sources.enabled": ("启用（按计划运行）", "Enabled (runs on its schedule)"),
    "sources.save": ("保存", "Save"),
    "sources.back": ("返回数据源列表", "Back to sources"),
    "sources.edit": ("修改", "Edit"),
    "sources.disable": ("停用", "Disable"),
    "sources.enable": ("启用", "Enable"),
    "source_kind.folder": ("文件夹", "folder"),
    "source_kind.sql": ("数据库", "database"),
    "source_kind.http": ("HTTP 接口", "HTTP feed"),
    "paging.none": ("不分页", "none"),
    "paging.page": ("按页码", "by page number"),
    "paging.offset": ("按偏移量", "by offset"),
    "paging.cursor": ("按游标", "by cursor"),
    "run_status.succeeded": ("成功", "succeeded"),
    "run_status.failed": ("失败", "failed"),
    "run_status.running": ("运行中", "running"),
    "run_status.partial": ("部分成功", "partly done"),
    "flash.source_created": ("数据源已创建。", "Source created."),
    "flash.source_saved": ("数据源已保存。", "Source saved."),
    "flash.source_enabled": ("数据源已启用。", "Source enabled."),
    "flash.source_disabled": (
        "数据源已停用，不再按计划运行。",
        "Source disabled: it no longer runs on its schedule.",
    ),
    "sources.read": ("读取", "read"),
    "sources.accepted": ("接收", "accepted"),
    "sources.rejected": ("退回", "rejected"),
    "review.element_checks": ("新数据元的填报要求", "What the new elements accept"),
    "review.element_checks_help": (
        "系统已按字段名称给出建议（如“学时”为 0 至 1000 的整数，“日期”不能是将来的日期），请核对后批准；"
        "学校在线填报、Excel 模板和服务器按同一要求检查。若某字段其实就是已有数据元，请在最后一栏选定它："
        "该字段不再新增，并作为该数据元的名称记住，以后的需求直接匹配。",
        "Proposed from each label (学时 a whole number 0–1000, a date not in the future); check them before "
        "approving. The web form, the Excel template and the server check the same rules. If a field is in fact "
        "an existing element, pick it in the last column: no new element is made, and the label is learned as "
        "that element's name, so later requests match it.",
    ),
    "review.spec_type": ("类型", "Type"),
    "review.spec_unit": ("单位", "Unit"),
    "review.spec_min": ("最小值", "Minimum"),
    "review.spec_max": ("最大值", "Maximum"),
    "review.spec_code_list": ("代码表", "Code list"),
    "review.spec_future": ("允许将来日期", "Future dates allowed"),
    "calendar.title": ("节假日安排", "Holiday calendar"),
    "calendar.intro": (
        "截止日期按法定工作日计算（减负清单第12条：合理留出填报时间）。系统内置的日历只到它发布时已公布的年份；"
        "国务院办公厅每年11月前后公布下一年的放假和调休安排，请教育局在此录入。",
        "Deadlines count official working days (burden list item 12). The built-in calendar knows the years "
        "published before its release; the State Council announces next year's holidays and 调休 around "
        "November: the education bureau enters them here.",
    ),
    "calendar.year": ("年份", "Year"),
    "calendar.holidays": ("放假日期", "Days off"),
    "calendar.workdays": ("调休上班日期", "Weekend working days (调休)"),
    "calendar.source_bureau": ("教育局已录入", "Entered by the bureau"),
    "calendar.source_package": ("系统内置", "Built in"),
    "calendar.unknown": ("尚未录入", "Not entered"),
    "calendar.day_count": ("{n} 天", "{n} days"),
    "calendar.open": ("查看", "Open"),
    "calendar.of_year": ("{year} 年放假和调休安排", "Holidays and 调休 of {year}"),
    "calendar.unknown_year": (
        "系统还不知道 {year} 年的节假日安排：跨入该年的截止日期暂按周一至周五计算，元旦、春节等会被算作工作日。",
        "The hub does not know {year}'s holidays yet: deadlines running into it count Monday to Friday, "
        "so 元旦 and 春节 count as working days.",
    ),
    "calendar.how": (
        "每行一天或一段：“2027-01-01 元旦”或“2027-02-10 至 2027-02-17 春节”。放假日期含假期中的周末；"
        "调休上班日期只写需要上班的周末。保存后立即用于计算截止日期。",
        "One day or range a line: '2027-01-01 元旦' or '2027-02-10 至 2027-02-17 春节'. Days off include "
        "the weekends inside a holiday; weekend working days list only the weekends that are worked. "
        "Deadlines count by it once saved.",
    ),
    "calendar.note": ("依据（通知文号）", "Based on (notice number)"),
    "calendar.save": ("保存本年安排", "Save this year"),
    "calendar.delete": ("删除教育局录入的安排", "Delete the bureau's entry"),
    "calendar.confirm_delete": (
        "删除后该年按系统内置日历（或周一至周五）计算，确定吗？",
        "Delete? The year then counts by the built-in calendar (or Monday to Friday).",
    ),
    "calendar.banner": (
        "尚未录入 {year} 年的法定节假日和调休安排：跨入 {year} 年的截止日期会把元旦、春节算作工作日。",
        "{year}'s official holidays and 调休 are not entered yet: deadlines running into {year} count "
        "元旦 and 春节 as working days.",
    ),
    "calendar.banner_link": ("去录入", "Enter them"),
    "nav.calendar": ("节假日安排", "Holidays"),
    "flash.calendar_saved": ("已保存，截止日期即按此计算。", "Saved; deadlines now count by it."),
    "flash.calendar_deleted": ("已删除教育局录入的安排。", "The bureau's entry was deleted."),
    "nav.releases": ("数据提供审核", "Releases"),
    "releases.title": ("数据提供审核（有条件共享）", "Releases of gathered data (conditional sharing)"),
    "releases.intro": (
        "以下需求所要的数据均已采集，但属于有条件共享，且需求部门没有覆盖它们的共享协议。请按最小必要原则决定是否提供、提供到何时；不予共享的数据一律不提供。",
        "These requests ask only gathered data, shared on condition, and no agreement of the department covers them. Decide whether to release them and until when (minimum necessary); data not shared are never released.",
    ),
    "releases.none": ("没有待决定的数据提供。", "No release is waiting."),
    "releases.waiting": ("待决定 {n} 项（勾选后统一决定）", "{n} waiting (tick and decide together)"),
    "releases.impact": ("涉及 {schools} 所学校、{records} 条记录", "{schools} schools, {records} records"),
    "releases.sharing": ("共享类型", "Sharing"),
    "releases.sensitivity": ("敏感程度", "Sensitivity"),
    "releases.masked": ("脱敏提供", "masked"),
    "releases.refused": ("不予共享、不会提供：{labels}", "Not shared, never released: {labels}"),
    "releases.earlier": ("此前向该部门提供", "Earlier releases to this department"),
    "releases.no_earlier": ("无", "none"),
    "releases.decision": ("决定", "Decision"),
    "releases.approve": ("同意提供", "Release"),
    "releases.reject": ("不予提供（须说明理由）", "Refuse (give a reason)"),
    "releases.until": ("提供至（不晚于批准有效期）", "Release until (not past the approval's validity)"),
    "releases.note": ("意见或理由", "Note or reason"),
    "releases.submit": ("提交决定", "Decide"),
    "releases.pick_one": ("请至少勾选一项需求。", "Tick at least one request."),
    "releases.expiring": (
        "{days} 天内到期的共享协议和数据提供",
        "Agreements and releases ending within {days} days",
    ),
    "releases.none_expiring": ("近期没有到期的授权。", "Nothing ends soon."),
    "releases.ends": ("到期日", "Ends"),
    "releases.ends_by": ("最迟可续至 {date}", "renewable up to {date}"),
    "releases.renew_to": ("续期至", "Renew until"),
    "releases.renew": ("续期", "Renew"),
    "releases.end": ("终止", "End now"),
    "flash.secondment_approved": (
        "已批准并登记备案号，所涉学校可见。",
        "Approved with its filing number; the schools see it.",
    ),
    "flash.secondment_refused": ("已不予批准。", "Refused."),
    "flash.released": (
        "已同意提供，需求部门现在可以读取数据。",
        "Released: the departments can read their data now.",
    ),
    "flash.release_refused": ("已决定不予提供。", "Refused."),
    "flash.renewed": ("已续期。", "Renewed."),
    "grants.title": ("共享协议与数据授权", "Agreements and grants"),
    "grants.new": ("新增共享协议（常设授权）", "New sharing agreement (standing access)"),
    "grants.legal_basis": ("依据或文号", "Legal basis or document number"),
    "grants.legal_basis_hint": (
        "如：市教育局与市人社局数据共享协议（2026）第3号",
        "e.g. the agreement's number",
    ),
    "grants.holder": ("被授权方", "Holder"),
    "grants.elements": (
        "数据元（代码或名称，每行或逗号分隔）",
        "Elements (codes or names, one per line or comma-separated)",
    ),
    "grants.clear": ("可明文读取的敏感数据元（可选）", "Sensitive elements readable in clear (optional)"),
    "grants.schools": ("学校标识码（可选，留空为全部）", "School codes (optional; empty: every school)"),
    "grants.divisions": ("行政区划代码（可选）", "Division codes (optional)"),
    "grants.valid_until": ("有效期至（留空为一年）", "Valid until (empty: one year)"),
    "grants.submit": ("授权", "Grant"),
    "grants.revoke": ("撤销", "Revoke"),
    "grants.confirm_revoke": ("确定撤销这项授权？", "Revoke this grant?"),
    "grants.held_above": ("上级授权，由持有部门所在层级管理", "held above: managed at its holder's level"),
    "grants.active": ("有效", "active"),
    "grants.inactive": ("失效", "inactive"),
    "grants.request": ("来自需求", "From request"),
    "grants.standing": ("共享协议", "agreement"),
    "grants.scope": ("范围", "Scope"),
    "flash.granted": ("授权已生效。", "Access granted."),
    "flash.grant_revoked": ("授权已撤销，读取立即停止。", "Grant revoked: reads stopped at once."),
    "audit.title": ("审计日志", "Audit log"),
    "audit.verify": ("哈希链校验（hub audit verify）", "Hash chain check (hub audit verify)"),
    "audit.ok": ("完好：{n} 条记录，链头 {head}", "Intact: {n} entries, head {head}"),
    "audit.broken": ("第 {id} 条记录处断裂：", "Broken at entry {id}:"),
    "audit.principal": ("操作方", "Who"),
    "audit.system": ("系统（定时任务或命令行）", "the hub (scheduler or command line)"),
    "audit.action": ("操作", "Action"),
    "audit.from": ("起始日期", "From"),
    "audit.to": ("截止日期（含）", "To (inclusive)"),
    "audit.element": ("数据元代码", "Element code"),
    "audit.school": ("学校标识码", "School code"),
    "audit.department": ("操作方", "Principal"),
    "audit.rows": ("行数", "Rows"),
    "audit.checking": ("正在校验……", "Checking …"),
    "action.request.data": ("读取需求数据", "read request data"),
    "action.query.rows": ("查询记录", "queried rows"),
    "action.query.aggregate": ("汇总查询", "aggregate query"),
    "action.query.changes": ("变更同步", "change feed"),
    "action.task.read": ("读取任务", "read a task"),
    "action.records.write": ("写入记录", "wrote records"),
    "action.grant.create": ("授权", "granted access"),
    "action.grant.revoke": ("撤销授权", "revoked a grant"),
    "action.grant.renew": ("续期授权", "renewed a grant"),
    "action.audit.read": ("查看审计日志", "read the audit log"),
    "action.records.errors_read": ("下载错误行", "downloaded rejected rows"),
    "action.principal.create": ("开设账号", "opened an account"),
    "action.principal.revoke": ("吊销账号", "revoked an account"),
    "action.principal.reactivate": ("恢复管理员账号", "reopened the bootstrap admin"),
    "action.request.decision": ("审批需求", "decided a request"),
    "action.request.release": ("同意共享", "released data"),
    "action.request.release_refused": ("拒绝共享", "refused a release"),
    "action.request.answered": ("答复需求", "answered a request"),
    "action.request.publish": ("下发任务", "published tasks"),
    "action.request.reminders": ("催报", "sent reminders"),
    "action.source.create": ("新增数据源", "added a source"),
    "action.source.update": ("修改数据源", "changed a source"),
    "action.source.delete": ("删除数据源", "deleted a source"),
    "action.source.run": ("运行数据源", "ran a source"),
    "action.complaint.answer": ("答复举报", "answered a report"),
    "action.complaint.route": ("转办举报", "routed a report"),
    "action.schools.onboard": ("开设学校账号", "onboarded schools"),
    "action.school.activate": ("学校激活", "a school activated"),
    "action.school.token_rotate": ("更换学校令牌", "rotated a school's token"),
    "action.school.token_revoke": ("停用学校令牌", "revoked a school's token"),
    "action.calendar.set": ("录入节假日安排", "entered a holiday calendar"),
    "action.calendar.delete": ("删除节假日安排", "removed a holiday calendar"),
    "action.baseline.set": ("录入基数", "set a baseline"),
    "action.baseline.delete": ("删除基数", "removed a baseline"),
    "action.secondment.decision": ("审批借用抽调", "decided a secondment"),
    "action.secondment.return": ("登记返岗", "recorded a return"),
    "action.list.decision": ("审定年度清单事项", "decided a list item"),
    "action.list.merge": ("合并清单事项", "merged list items"),
    "action.whitelist.add": ("列入进校园白名单", "added a whitelist item"),
    # --- self-check
    "selfcheck.title": ("减负清单自查表", "Burden self-check table"),
    "selfcheck.export": ("导出 Excel", "Export to Excel"),
    "selfcheck.item": ("内容", "Item"),
    "selfcheck.answer": ("自查情况", "Finding"),
    "selfcheck.note": ("备注", "Note"),
    "selfcheck.group": ("项目", "Area"),
    "selfcheck.unavailable": ("自查表功能尚未就绪。", "The self-check table is not available yet."),
    "selfcheck.from_records": ("由数据中心记录生成", "from the hub's records"),
    "selfcheck.by_school": ("需学校自行填写", "for the school to answer"),
    "selfcheck.rollup": ("分级汇总", "Rolled up by level"),
    "selfcheck.submitted": ("已提交", "Submitted"),
    "selfcheck.submitted_count": ("已提交自查表", "Submitted"),
    "selfcheck.to_answer": (
        "由记录无法判断的 {n} 项须由学校自查作答（是/否，可附说明），由记录生成的项目不能改填。",
        "{n} items the records cannot settle are the school's to answer (yes/no, with a note); the items the "
        "records settle cannot be changed.",
    ),
    "selfcheck.submit_open": ("现已到学期末，可以提交。", "It is term end: the table can be submitted now."),
    "selfcheck.submit_from": ("学期末（{day} 起）提交。", "It is submitted at term end, from {day}."),
    "selfcheck.your_answer": ("学校自查", "The school's answer"),
    "selfcheck.answer_hint": ("自查情况说明（可选）", "What the school found (optional)"),
    "selfcheck.submit": ("提交本学期自查表", "Submit this term's table"),
    "flash.selfcheck_submitted": (
        "自查表已提交，教育局汇总可见。",
        "Submitted; the bureau's summary shows it.",
    ),
    "selfcheck.rollup_hint": (
        "下级每行汇总其所属学校的自查表：各项由记录显示存在问题的学校数。点击行名查看下一级。",
        "Each row sums the self-check tables of its schools: per item, the schools whose records show a "
        "breach. Open a row for the level below.",
    ),
    "selfcheck.level": ("区划或学校", "Division or school"),
    "selfcheck.schools": ("学校数", "Schools"),
    "selfcheck.schools_with_violation": ("有问题的学校", "Schools with a breach"),
    "selfcheck.open_school": ("查看一所学校", "Open one school"),
    # --- errors
    "invalid.string_too_short": (
        "太短，至少 {min_length} 个字",
        "too short: at least {min_length} characters",
    ),
    "invalid.string_too_long": ("太长，最多 {max_length} 个字", "too long: at most {max_length} characters"),
    "invalid.too_short": ("至少要有 {min_length} 项", "needs at least {min_length} entries"),
    "invalid.too_long": ("最多 {max_length} 项", "at most {max_length} entries"),
    "invalid.missing": ("必填", "required"),
    "invalid.literal_error": ("不是可选的值", "not one of the allowed values"),
    "error.title": ("出错了", "Something went wrong"),
    "error.csrf": (
        "请求来源无法确认（缺少或不符的 Origin/Referer），已拒绝。请从本站页面重新操作。",
        "The request's origin could not be confirmed (missing or foreign Origin/Referer); it was refused. "
        "Try again from the hub's own page.",
    ),
    "error.form": ("表单内容不完整或格式不对。", "The form is incomplete or malformed."),
    "error.role": ("{kind_zh}账号无权打开此页面", "a {kind_en} account may not open this page"),
    "error.cannot_open": (
        "{mine} 账号不能开通 {kind} 账号",
        "a {mine} account may not open a {kind} account",
    ),
    "error.revoke_self": ("不能停用自己的账号", "you cannot revoke your own account"),
    "error.whole_number": ("{field} 须为整数：{value}", "{field} must be a whole number: {value}"),
    "error.date": ("日期格式应为 YYYY-MM-DD：{value}", "a date reads YYYY-MM-DD: {value}"),
    "error.empty_answer": ("答复不能为空", "the answer is empty"),
    "error.name_school": ("请指定学校标识码（?school=）", "name the school (?school=)"),
    "error.empty_file": ("上传的文件是空的", "the uploaded file is empty"),
    "error.no_rows": ("提交中没有数据行", "the submission holds no rows"),
    "error.no_header": ("表格中没有找到表头", "no header row was found in the file"),
    "error.not_found": ("没有这个页面。", "There is no such page."),
    "error.method": ("这个页面不能这样打开。", "This page cannot be opened that way."),
    "error.status.405": ("无法打开", "Cannot open"),
    "error.home": ("回到首页", "Back to the start page"),
    "error.status.401": ("需要登录", "Sign-in needed"),
    "error.status.403": ("无权访问", "Not allowed"),
    "error.status.404": ("找不到", "Not found"),
    "error.status.409": ("当前状态下不能这样做", "Not possible in the current state"),
    "error.status.422": ("内容有误", "Something to correct"),
}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has(key: str) -> bool:
    return key in CATALOGUE


def text(key: str, lang: str) -> str:
    """The catalogue's words for `key` (the key itself when missing, so a gap shows instead of breaking)."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    return entry[1] if lang == "en" else entry[0]


def pair(key: str, **values: Any) -> tuple[str, str]:
    """The catalogue's Chinese and English for `key`: the two messages of a page's error."""
    return text(key, "zh").format(**values), text(key, "en").format(**values)


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: Any) -> str:
        words = text(key, lang)
        return words.format(**values) if values else words

    return t


def validation_message(error: Any, lang: str) -> str:
    """A pydantic error in the reader's words: the catalogue's for common kinds, the validator's own otherwise."""
    key = f"invalid.{error.get('type', '')}"
    if key in CATALOGUE:
        try:
            return text(key, lang).format(**(error.get("ctx") or {}))
        except (KeyError, IndexError):
            return text(key, lang)
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, BilingualValueError):
        return cause.message_in(lang)
    return str(error.get("msg", "")).removeprefix("Value error, ")


def pick(message: str | None, lang: str) -> str:
    """The reader's half of a name written "中文 / English" (a principal's, say; the whole name otherwise).

    Errors never come here: they carry both languages (`HubError.message_in`).

    The split is the first " / " after which no Chinese follows, since Chinese halves may hold a slash.
    """
    if not message:
        return ""
    positions = [m.start() for m in re.finditer(r" / ", message)]
    if not positions:
        return message
    split = next((p for p in positions if not _CJK.search(message[p + 3 :])), positions[0])
    zh, en = message[:split].strip(), message[split + 3 :].strip()
    return en if lang == "en" else zh


_RULE = re.compile(r"^rule (\d+)$")
# The value types as a person says them (the same words the template and the approval form use).
TYPE_WORDS = {**PROPOSAL_TYPE_WORDS, "period": ("统计期", "period")}


def rule_label(rule: str | None, lang: str) -> str:
    """'rule 12' as people cite it: 减负清单第12条 (the item of the 中小学教师减负 list)."""
    match = _RULE.match(rule or "")
    if match is None:
        return rule or ""
    return f"burden list item {match.group(1)}" if lang == "en" else f"减负清单第{match.group(1)}条"


def type_word(value_type: str | None, lang: str) -> str:
    if not value_type:
        return ""
    zh, en = TYPE_WORDS.get(value_type, (value_type, value_type))
    return en if lang == "en" else zh


def confidence_text(value: float | None, lang: str) -> str:
    """A match's confidence in words, the figure after it (how close the label is to the element's names)."""
    if value is None:
        return ""
    shown = f"{value * 100:.0f}%"
    if lang == "en":
        word = "sure" if value >= 0.9 else ("fairly sure" if value >= 0.75 else "unsure: check it")
        return f"match {word} ({shown} alike)"
    word = "把握很大" if value >= 0.9 else ("较有把握" if value >= 0.75 else "把握不大，请核对")
    return f"匹配{word}（相似度 {shown}）"
