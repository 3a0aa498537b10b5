"""Named, sourced policy presets (国家课程方案与"双减"/五项管理规定).

Every number the model enforces comes from a preset here, never from a bare literal in
the model. A school picks a preset by id and may override any value with a dotted path
(``"daily_activity_minutes": 90``, ``"weekly_lessons.4.pe": 4``); the resolved policy
keeps the list of overrides so that every report can show them.

Sources are in ``../shared/domain/POLICY.md``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Stage = Literal["primary", "middle"]

SOURCE_CURRICULUM = "《义务教育课程方案（2022年版）》教育部 2022"
SOURCE_PE = "教育部等《关于进一步加强学校体育工作的若干意见》2012"
SOURCE_ACTIVITY_60 = "中共中央国务院《关于加强青少年体育增强青少年体质的意见》2007；五项管理·体质管理 2021"
SOURCE_ACTIVITY_120 = "教育部 2025 倡导：每天综合体育活动时间不低于2小时"
SOURCE_SLEEP = "教育部办公厅《关于进一步加强中小学生睡眠管理工作的通知》2021"
SOURCE_STUDY_TIME = "学校报告的五项管理细则：小学生在校学习时间每天不超过6小时"
SOURCE_DOUBLE_REDUCTION = (
    "中办 国办《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》（双减）2021-07："
    "一二年级不布置书面家庭作业，三至六年级书面作业平均完成时间不超过60分钟，初中不超过90分钟"
)
SOURCE_AFTER_SCHOOL = (
    '双减 意见 2021 与 教育部 课后服务通知（2021，"5+2"模式）：每周5天、每天至少2小时，'
    "结束时间原则上不早于当地正常下班时间；教师可实行弹性上下班制"
)


def stage_of_grade(grade: int) -> Stage:
    """Grades 1–6 are primary (小学), 7–9 middle school (初中)."""
    return "primary" if grade <= 6 else "middle"


# The most periods a school day may hold (domain bounds, not policy: FET example files have up to 22).
DAY_PERIODS_CAP = 24


class StagePolicy(BaseModel):
    """Day-shape limits for one school stage."""

    lesson_minutes: int = Field(ge=20, le=90)
    earliest_start: str = Field(pattern=r"^\d{2}:\d{2}$")
    max_lessons_per_day: int = Field(ge=1, le=DAY_PERIODS_CAP)
    max_daily_study_minutes: int = Field(ge=60, le=24 * 60)
    sources: list[str] = []


class AfterSchoolPolicy(BaseModel):
    """课后服务 "5+2": days a week, minutes a day, and the homework session 1 must hold by grade."""

    days_per_week: int = Field(5, ge=1, le=7)
    min_daily_minutes: int = Field(120, ge=0, le=600)
    # 双减: written homework limit by grade (minutes); session 1 (作业辅导) must be at least this long.
    homework_minutes: dict[int, int] = {}
    sources: list[str] = []


HOMEWORK_MINUTES = {1: 0, 2: 0, 3: 60, 4: 60, 5: 60, 6: 60, 7: 90, 8: 90, 9: 90}  # 双减 2021


class Policy(BaseModel):
    """A resolved policy: preset values with the school's overrides applied."""

    id: str
    name: str
    sources: list[str]
    weekly_lessons: dict[int, dict[str, int]]
    daily_activity_minutes: int = Field(ge=0, le=300)
    stages: dict[Stage, StagePolicy]
    max_pe_per_day: int = Field(1, ge=1, le=4)
    # Last lesson end by grade: lower grades may be required to finish earlier.
    latest_lesson_end: dict[int, str] = {}
    after_school: AfterSchoolPolicy = AfterSchoolPolicy()
    # The stricter daily activity target reported with sports clubs counted (not enforced).
    activity_target_minutes: int = Field(120, ge=0, le=300)
    overrides: dict[str, Any] = {}

    def weekly_plan(self, grade: int) -> dict[str, int]:
        return self.weekly_lessons.get(grade, {})


# Subject ids used by the presets. Display names live in the school's subject table.
CHINESE, MATH, ENGLISH = "chinese", "math", "english"
MORAL, SCIENCE, IT, PE = "moral", "science", "it", "pe"
MUSIC, ART, LABOUR = "music", "art", "labour"
PHYSICS, CHEMISTRY, BIOLOGY, HISTORY, GEOGRAPHY = "physics", "chemistry", "biology", "history", "geography"
PRACTICE, CLASS_MEETING = "practice", "class_meeting"


def _primary(grade: int) -> dict[str, int]:
    lower = grade <= 2
    plan = {
        MORAL: 2,
        CHINESE: 8 if lower else 6,
        MATH: 4 if lower else 5,
        SCIENCE: 1 if lower else 2,
        PE: 4 if lower else 3,
        MUSIC: 2,
        ART: 2,
        LABOUR: 1,
        PRACTICE: 1 if lower else 2,
        CLASS_MEETING: 1,
    }
    if not lower:
        plan |= {ENGLISH: 3, IT: 1}
    return plan


def _middle(grade: int) -> dict[str, int]:
    plan = {MORAL: 2, CHINESE: 5, MATH: 4, ENGLISH: 4, PE: 3, MUSIC: 1, ART: 1, LABOUR: 1, CLASS_MEETING: 1}
    plan |= {
        7: {BIOLOGY: 2, HISTORY: 2, GEOGRAPHY: 2, IT: 1},
        8: {PHYSICS: 2, BIOLOGY: 2, HISTORY: 2, GEOGRAPHY: 2, IT: 1},
        9: {PHYSICS: 3, CHEMISTRY: 3, HISTORY: 2},
    }[grade]
    # 综合实践/校本 takes the remainder up to the weekly total (POLICY.md: "schools set the split").
    plan[PRACTICE] = WEEKLY_TOTAL[grade] - sum(plan.values())
    return plan


# 课程方案 2022: weekly lessons 26 (G1–2), 30 (G3–6), 34 (G7–9).
WEEKLY_TOTAL = {1: 26, 2: 26, 3: 30, 4: 30, 5: 30, 6: 30, 7: 34, 8: 34, 9: 34}

_STAGES: dict[Stage, StagePolicy] = {
    "primary": StagePolicy(
        lesson_minutes=40,
        earliest_start="08:20",
        max_lessons_per_day=7,
        max_daily_study_minutes=360,
        sources=[SOURCE_CURRICULUM, SOURCE_SLEEP, SOURCE_STUDY_TIME],
    ),
    "middle": StagePolicy(
        lesson_minutes=45,
        earliest_start="08:00",
        max_lessons_per_day=8,
        max_daily_study_minutes=420,
        sources=[SOURCE_CURRICULUM, SOURCE_SLEEP],
    ),
}

_NATIONAL = Policy(
    id="national-2022",
    name="国家课程方案2022 + 每天校内体育活动1小时",
    sources=[SOURCE_CURRICULUM, SOURCE_PE, SOURCE_ACTIVITY_60, SOURCE_SLEEP, SOURCE_STUDY_TIME],
    weekly_lessons={g: (_primary(g) if g <= 6 else _middle(g)) for g in range(1, 10)},
    daily_activity_minutes=60,
    stages=_STAGES,
    max_pe_per_day=1,
    after_school=AfterSchoolPolicy(
        days_per_week=5,
        min_daily_minutes=120,
        homework_minutes=HOMEWORK_MINUTES,
        sources=[SOURCE_AFTER_SCHOOL, SOURCE_DOUBLE_REDUCTION],
    ),
    activity_target_minutes=120,  # SOURCE_ACTIVITY_120
)

PRESETS: dict[str, Policy] = {
    "national-2022": _NATIONAL,
    "activity-120": _NATIONAL.model_copy(
        update={
            "id": "activity-120",
            "name": "国家课程方案2022 + 每天综合体育活动2小时",
            "sources": [*_NATIONAL.sources, SOURCE_ACTIVITY_120],
            "daily_activity_minutes": 120,
        }
    ),
}


class PolicyError(ValueError):
    """An unknown preset or an override path that does not exist."""


def resolve_policy(preset: str, overrides: dict[str, Any] | None = None) -> Policy:
    """Return preset ``preset`` with dotted-path ``overrides`` applied and recorded."""
    if preset not in PRESETS:
        raise PolicyError(f"unknown policy preset '{preset}' (known: {', '.join(PRESETS)})")
    data = PRESETS[preset].model_dump()
    for path, value in (overrides or {}).items():
        _set_path(data, path, value)
    data["overrides"] = dict(overrides or {})
    return Policy.model_validate(data)


def _set_path(data: dict, path: str, value: Any) -> None:
    keys = path.split(".")
    node: Any = data
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        if not isinstance(node, dict):
            raise PolicyError(f"override '{path}': '{'.'.join(keys[:i])}' is not a table")
        # Integer-keyed tables (grades) are addressed with their number as text.
        lookup = (
            int(key) if key.isdigit() and (int(key) in node or not node or isinstance(next(iter(node)), int)) else key
        )
        if last:
            if lookup not in node and keys[0] not in ("weekly_lessons", "latest_lesson_end"):
                raise PolicyError(f"override '{path}': no such policy value")
            node[lookup] = value
        else:
            if lookup not in node:
                if keys[0] in ("weekly_lessons", "latest_lesson_end"):
                    node[lookup] = {}
                else:
                    raise PolicyError(f"override '{path}': no such policy value '{key}'")
            node = node[lookup]
