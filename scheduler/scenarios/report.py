"""The scenario comparison as data, as a pandas table (Chinese headers) and as an Excel workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from pydantic import BaseModel

from scheduler.scenarios.staffing import PROBE_WORDS, StaffingAnswer
from scheduler.views import OBJECTIVE_NAMES, _fit_columns, _write_frame, sheet_name

STATUS_WORDS = {
    "optimal": "最优",
    "feasible": "可行",
    "infeasible": "无解",
    "unknown": "时限内未解出",
    "invalid": "模型无效",
    "error": "出错",
}
BASE_NAME = "基准（现状）"


class ScenarioOutcome(BaseModel):
    """One solved scenario (or the base school): status, reasons and the numbers of its timetable."""

    name: str
    description: str = ""
    edits: list[str] = []  # the edits in words
    status: str
    explanation: list[str] = []  # why it cannot be timetabled (Finding messages), or the error
    objective: float | None = None  # weighted soft goals (moves against the base not included)
    terms: dict[str, int] = {}
    load_min: int | None = None  # periods/week of school teachers (outside staff excluded)
    load_avg: float | None = None
    load_max: int | None = None
    flexible_min: int | None = None  # flexible days per school teacher, the fewest
    flexible_short: int | None = None  # school teachers below the school's minimum
    activity_min: int | None = None  # in-school activity minutes per class-day
    activity_avg: float | None = None
    club_first: float | None = None  # % of participating pupils in their first choice
    club_top3: float | None = None
    club_unplaced: int | None = None
    moved_day: int | None = None  # lessons moved to another day vs the base timetable
    moved_period: int | None = None  # … to another period of the same day
    teacher_changed: int | None = None
    move_cost: int | None = None  # scheduler.changes.MOVE_COST of the moves
    hard_violations: int | None = None  # the independent checker's count
    wall_time: float = 0.0

    @property
    def has_timetable(self) -> bool:
        return self.status in ("optimal", "feasible")


class Comparison(BaseModel):
    school: str
    time_limit: float
    workers: int
    parallel: int = 1
    base: ScenarioOutcome
    scenarios: list[ScenarioOutcome] = []
    staffing: list[StaffingAnswer] = []
    wall_time: float = 0.0

    @property
    def outcomes(self) -> list[ScenarioOutcome]:
        return [self.base, *self.scenarios]

    def table(self) -> pd.DataFrame:
        """对比: one row per scenario (the base first), Chinese headers."""
        names = list(dict.fromkeys(t for o in self.outcomes for t in o.terms))
        names.sort(key=lambda t: list(OBJECTIVE_NAMES).index(t) if t in OBJECTIVE_NAMES else len(OBJECTIVE_NAMES))
        rows = []
        for o in self.outcomes:
            row = {
                "情景": o.name,
                "状态": STATUS_WORDS.get(o.status, o.status),
                "原因": "；".join(o.explanation[:3])
                + (f"（等 {len(o.explanation)} 条）" if len(o.explanation) > 3 else ""),
                "目标值(软目标)": o.objective,
            }
            row |= {OBJECTIVE_NAMES.get(t, t): o.terms.get(t) for t in names}
            row |= {
                "教师周课时最少": o.load_min,
                "教师周课时平均": o.load_avg,
                "教师周课时最多": o.load_max,
                "弹性天数最少": o.flexible_min,
                "弹性天数不足人数": o.flexible_short,
                "每日体育活动最少(分钟)": o.activity_min,
                "每日体育活动平均(分钟)": o.activity_avg,
                "社团第一志愿%": o.club_first,
                "社团前三志愿%": o.club_top3,
                "未分到社团人数": o.club_unplaced,
                "跨天移动(节)": o.moved_day,
                "同日换节(节)": o.moved_period,
                "换教师(节)": o.teacher_changed,
                "变动成本": o.move_cost,
                "硬性违规": o.hard_violations,
                "用时(秒)": round(o.wall_time, 1),
            }
            rows.append(row)
        return pd.DataFrame(rows, dtype=object)

    def summary_table(self) -> pd.DataFrame:
        """The columns a terminal has room for (the workbook has them all)."""
        rows = []
        for o in self.outcomes:
            rows.append(
                {
                    "情景": o.name,
                    "状态": STATUS_WORDS.get(o.status, o.status),
                    "软目标": _num(o.objective),
                    "课时少/均/多": _triple(o.load_min, o.load_avg, o.load_max),
                    "弹性最少/不足": _triple(o.flexible_min, o.flexible_short),
                    "活动分钟少/均": _triple(o.activity_min, o.activity_avg),
                    "社团一志愿%/前三%/未分": _triple(o.club_first, o.club_top3, o.club_unplaced),
                    "移动跨天/同日": _triple(o.moved_day, o.moved_period),
                    "硬性违规": _num(o.hard_violations),
                    "用时秒": f"{o.wall_time:.0f}",
                }
            )
        return pd.DataFrame(rows)

    def staffing_table(self) -> pd.DataFrame:
        rows = []
        for a in self.staffing:
            for p in a.probes:
                rows.append(
                    {
                        "学科": a.subject_name,
                        "现有教师": a.existing,
                        "增减人数": p.extra,
                        "该学科教师": p.teachers,
                        "探测结果": PROBE_WORDS[p.status],
                        "用时(秒)": p.seconds,
                        "原因": p.reason,
                    }
                )
        columns = ["学科", "现有教师", "增减人数", "该学科教师", "探测结果", "用时(秒)", "原因"]
        return pd.DataFrame(rows, columns=columns)

    def text(self) -> str:
        """The comparison for a terminal: one block per scenario, then the staffing answers."""
        lines = []
        for o in self.outcomes:
            head = f"【{o.name}】{STATUS_WORDS.get(o.status, o.status)}  用时 {o.wall_time:.1f} 秒"
            if o.hard_violations is not None:
                head += f"  硬性违规 {o.hard_violations}"
            lines.append(head)
            for edit in o.edits:
                lines.append(f"  修改：{edit}")
            for reason in o.explanation:
                lines.append(f"  原因：{reason}")
            if o.has_timetable:
                terms = "，".join(f"{OBJECTIVE_NAMES.get(k, k)} {v}" for k, v in o.terms.items() if v)
                lines.append(f"  软目标值 {o.objective:.0f}（{terms or '各项为 0'}）")
                lines.append(
                    f"  教师周课时 最少/平均/最多 {o.load_min}/{o.load_avg}/{o.load_max}；"
                    f"弹性天数最少 {o.flexible_min}，不足 {o.flexible_short} 人；"
                    f"每日体育活动 最少 {o.activity_min} 分钟，平均 {o.activity_avg} 分钟"
                )
                if o.club_first is not None:
                    lines.append(
                        f"  社团：第一志愿 {o.club_first}%，前三志愿 {o.club_top3}%，未分到 {o.club_unplaced} 人"
                    )
                if o.moved_day is not None:
                    lines.append(
                        f"  与基准相比：跨天移动 {o.moved_day} 节，同日换节 {o.moved_period} 节，换教师 {o.teacher_changed} 节"
                        f"（变动成本 {o.move_cost}）"
                    )
        for a in self.staffing:
            lines.append(f"【人员测算：{a.subject_name}】{a.message}")
            for p in a.probes:
                reason = f"（{p.reason}）" if p.reason else ""
                lines.append(f"  {p.teachers} 位（{p.extra:+d}）：{PROBE_WORDS[p.status]} {p.seconds:.1f} 秒{reason}")
        return "\n".join(lines)

    def write_workbook(self, path: str | Path) -> Path:
        """对比 (the table), 人员测算 (staffing answers and probes), then one sheet per scenario."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        wb = Workbook()
        taken: set[str] = set()
        ws = wb.active
        ws.title = sheet_name("对比", taken)
        ws.cell(row=1, column=1, value=f"{self.school} 情景对比（每个情景时限 {self.time_limit:g} 秒）").font = Font(
            bold=True, size=14
        )
        _write_frame(ws, self.table(), first_row=2)
        _fit_columns(ws, max_width=40)
        ws.freeze_panes = "B3"
        ws = wb.create_sheet(sheet_name("人员测算", taken))
        row = 1
        for a in self.staffing:
            ws.cell(row=row, column=1, value=f"{a.subject_name}：{a.message}").font = Font(bold=True)
            ws.cell(row=row + 1, column=1, value=f"测算规则：{a.rule}")
            row += 3
        if not self.staffing:
            ws.cell(row=1, column=1, value="本次未做人员测算")
            row = 3
        _write_frame(ws, self.staffing_table(), first_row=row)
        _fit_columns(ws, max_width=60)
        for o in self.outcomes:
            ws = wb.create_sheet(sheet_name(o.name, taken))
            frame = pd.DataFrame(_outcome_rows(o), columns=["项目", "内容"])
            _write_frame(ws, frame)
            _fit_columns(ws, max_width=90)
        wb.save(path)
        return path


def _outcome_rows(o: ScenarioOutcome) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [
        ("情景", o.name),
        ("说明", o.description),
        ("状态", STATUS_WORDS.get(o.status, o.status)),
    ]
    rows += [(f"修改{i}", edit) for i, edit in enumerate(o.edits, 1)]
    rows += [(f"原因{i}", reason) for i, reason in enumerate(o.explanation, 1)]
    if o.has_timetable:
        rows.append(("目标值（软目标）", o.objective))
        rows += [(f"目标：{OBJECTIVE_NAMES.get(k, k)}", v) for k, v in o.terms.items()]
        rows += [
            ("教师周课时 最少/平均/最多", f"{o.load_min} / {o.load_avg} / {o.load_max}"),
            ("弹性天数最少 / 不足人数", f"{o.flexible_min} / {o.flexible_short}"),
            ("每日体育活动 最少/平均（分钟）", f"{o.activity_min} / {o.activity_avg}"),
        ]
        if o.club_first is not None:
            rows.append(("社团 第一志愿% / 前三志愿% / 未分到", f"{o.club_first} / {o.club_top3} / {o.club_unplaced}"))
        if o.moved_day is not None:
            rows.append(
                ("与基准相比 跨天/同日/换教师（节）", f"{o.moved_day} / {o.moved_period} / {o.teacher_changed}")
            )
        rows.append(("检查器硬性违规", o.hard_violations))
    rows.append(("用时（秒）", round(o.wall_time, 1)))
    return rows


def _num(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _triple(*values: float | int | None) -> str:
    return "-" if all(v is None for v in values) else "/".join(_num(v) for v in values)
