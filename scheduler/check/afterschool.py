"""After-school service "5+2" (课后服务): settings, duties, clubs, teachers' time and enrolments.

Every rule yields nothing when the school has no ``after_school`` section. The plan read is
``Solution.after_school``: supervisions (class, day, teacher, room), club meetings (club, day,
room, instructor) and enrolments (pupil, club); everything else is recomputed from the school.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from scheduler.check.context import Context
from scheduler.check.report import Violation
from scheduler.domain import clock, minutes

STAGE_NAMES = {"primary": "小学", "middle": "初中"}


def _active(ctx: Context) -> bool:
    return ctx.school.after_school is not None


def check_as_service_days(ctx: Context) -> Iterator[Violation]:
    """双减 5+2: the service runs on every school day, at least ``after_school.days_per_week`` days a week."""
    if not _active(ctx):
        return
    school = ctx.school
    need = min(ctx.policy.after_school.days_per_week, len(school.days))
    days = school.service_days
    if len(days) < len(school.days) or len(days) < need:
        missing = "、".join(ctx.day_name(d) for d in range(1, len(school.days) + 1) if d not in days)
        yield Violation(
            rule="as_service_days",
            message=f"课后服务每周只有 {len(days)} 天（缺 {missing}），应每个上课日都开展、每周 {need} 天",
        )


def check_as_daily_minutes(ctx: Context) -> Iterator[Violation]:
    """Each stage's service lasts at least ``after_school.min_daily_minutes`` (每天不少于2小时)."""
    if not _active(ctx):
        return
    need = ctx.policy.after_school.min_daily_minutes
    for window in ctx.school.after_school.windows:
        if window.total_minutes < need:
            yield Violation(
                rule="as_daily_minutes",
                message=(
                    f"{STAGE_NAMES[window.stage]}课后服务 {window.start}–{window.end} 共 {window.total_minutes} 分钟，"
                    f"少于每天 {need} 分钟"
                ),
            )


def check_as_end_time(ctx: Context) -> Iterator[Violation]:
    """The service ends no earlier than the local end of the working day (``after_school.work_end``)."""
    if not _active(ctx):
        return
    work_end = ctx.school.after_school.work_end
    for window in ctx.school.after_school.windows:
        if minutes(window.end) < minutes(work_end):
            yield Violation(
                rule="as_end_time",
                message=f"{STAGE_NAMES[window.stage]}课后服务 {window.end} 结束，早于当地下班时间 {work_end}",
            )


def check_as_session_length(ctx: Context) -> Iterator[Violation]:
    """Session 1 starts after the stage's last period and is as long as the grades' homework limit (双减)."""
    if not _active(ctx):
        return
    homework = ctx.policy.after_school.homework_minutes
    for window in ctx.school.after_school.windows:
        stage = STAGE_NAMES[window.stage]
        schedule = ctx.school.schedule_by_stage.get(window.stage)
        if schedule and minutes(window.start) < minutes(schedule.periods[-1].end):
            yield Violation(
                rule="as_session_length",
                message=f"{stage}课后服务 {window.start} 开始，早于最后一节课结束（{schedule.periods[-1].end}）",
            )
        for grade in sorted({c.grade for c in ctx.school.classes if c.stage == window.stage}):
            need = homework.get(grade, 0)
            if window.session1_minutes < need:
                yield Violation(
                    rule="as_session_length",
                    message=(
                        f"{stage}第一时段（作业辅导）{window.start}–{window.session1_end} 只有 {window.session1_minutes} 分钟，"
                        f"{grade}年级书面作业最多 {need} 分钟，需要至少 {need} 分钟"
                    ),
                )


def check_as_supervision(ctx: Context) -> Iterator[Violation]:
    """Each class with pupils staying has exactly one session-1 supervisor, one of its own teachers, in its home room."""
    if not _active(ctx):
        return
    school = ctx.school
    given: dict[tuple[str, int], list] = defaultdict(list)
    for s in ctx.plan.supervisions:
        given[(s.class_id, s.day)].append(s)
    for class_id, day in given:
        if class_id not in school.class_by_id or not school.needs_supervision(class_id, day):
            yield Violation(
                rule="as_supervision",
                message=f"{ctx.class_name(class_id)} {ctx.day_name(day)} 不需要课后服务看护，却安排了看护",
                class_id=class_id,
                day=day,
            )
    for school_class in school.classes:
        candidates = school.supervisor_candidates(school_class.id)
        for day in school.service_days:
            if not school.needs_supervision(school_class.id, day):
                continue
            rows = given.get((school_class.id, day), [])
            where = f"{school_class.name} {ctx.day_name(day)} 课后服务第一时段"
            if len(rows) != 1:
                yield Violation(
                    rule="as_supervision",
                    message=f"{where}有 {len(rows)} 位看护教师，应恰好 1 位",
                    class_id=school_class.id,
                    day=day,
                )
            for row in rows:
                if row.teacher not in candidates:
                    yield Violation(
                        rule="as_supervision",
                        message=f"{where}由{ctx.teacher_name(row.teacher)}看护，但其不是本班任课教师",
                        class_id=school_class.id,
                        teacher_id=row.teacher,
                        day=day,
                    )
                if row.room != school_class.home_room:
                    yield Violation(
                        rule="as_supervision",
                        message=f"{where}安排在{ctx.room_name(row.room or '')}，应在本班教室",
                        class_id=school_class.id,
                        room_id=row.room,
                        day=day,
                    )


def check_as_club_days(ctx: Context) -> Iterator[Violation]:
    """A club meets on exactly ``days_per_week`` distinct service days; every meeting names a known club."""
    if not _active(ctx):
        return
    days: dict[str, list[int]] = defaultdict(list)
    for meeting in ctx.plan.club_meetings:
        if meeting.club not in ctx.school.club_by_id:
            yield Violation(rule="as_club_days", message=f"未知社团 '{meeting.club}'", day=meeting.day)
            continue
        days[meeting.club].append(meeting.day)
    for club in ctx.school.after_school.clubs:
        met = days.get(club.id, [])
        bad = [d for d in met if d not in ctx.school.service_days]
        if len(set(met)) != club.days_per_week or len(met) != len(set(met)) or bad:
            shown = "、".join(ctx.day_name(d) for d in sorted(met)) or "无"
            yield Violation(
                rule="as_club_days",
                message=f"社团「{club.name}」每周活动 {club.days_per_week} 天，实际安排：{shown}",
            )


def check_as_club_instructor(ctx: Context) -> Iterator[Violation]:
    """A club has one instructor, among its candidates, at every meeting."""
    if not _active(ctx):
        return
    by_club: dict[str, set[str]] = defaultdict(set)
    for meeting in ctx.plan.club_meetings:
        club = ctx.school.club_by_id.get(meeting.club)
        if club is None:
            continue
        by_club[club.id].add(meeting.instructor)
        if meeting.instructor not in club.instructors:
            yield Violation(
                rule="as_club_instructor",
                message=f"社团「{club.name}」{ctx.day_name(meeting.day)} 由{ctx.teacher_name(meeting.instructor)}指导，不在候选指导教师之列",
                teacher_id=meeting.instructor,
                day=meeting.day,
            )
    for club_id, teachers in by_club.items():
        if len(teachers) > 1:
            names = "、".join(ctx.teacher_name(t) for t in sorted(teachers))
            yield Violation(
                rule="as_club_instructor",
                message=f"社团「{ctx.school.club_by_id[club_id].name}」有多位指导教师（{names}），应固定一位",
            )


def check_as_instructor_available(ctx: Context) -> Iterator[Violation]:
    """A club meets only on days its instructor can come (``after_school_days``)."""
    if not _active(ctx):
        return
    for meeting in ctx.plan.club_meetings:
        club = ctx.school.club_by_id.get(meeting.club)
        teacher = ctx.school.teacher_by_id.get(meeting.instructor)
        if club is None or teacher is None:
            continue
        if not ctx.school.after_school_available(teacher.id, meeting.day):
            can = "、".join(ctx.day_name(d) for d in teacher.after_school_days or []) or "无"
            yield Violation(
                rule="as_instructor_available",
                message=f"社团「{club.name}」{ctx.day_name(meeting.day)} 活动，但指导教师{teacher.name}只能在 {can} 来校",
                teacher_id=teacher.id,
                day=meeting.day,
            )


def check_as_club_room(ctx: Context) -> Iterator[Violation]:
    """A club meeting has a room of the club's room type that is not a class's home room."""
    if not _active(ctx):
        return
    home = {c.home_room for c in ctx.school.classes}
    for meeting in ctx.plan.club_meetings:
        club = ctx.school.club_by_id.get(meeting.club)
        if club is None:
            continue
        room = ctx.school.room_by_id.get(meeting.room or "")
        where = f"社团「{club.name}」{ctx.day_name(meeting.day)}"
        if room is None:
            yield Violation(
                rule="as_club_room", message=f"{where}没有安排场地（需要 {club.room_type} 类）", day=meeting.day
            )
        elif room.type != club.room_type or room.id in home:
            why = "是班级教室（课后服务时留给本班学生）" if room.id in home else f"是 {room.type} 类"
            yield Violation(
                rule="as_club_room",
                message=f"{where}安排在{room.name}，{why}，需要 {club.room_type} 类场地",
                room_id=room.id,
                day=meeting.day,
            )


def check_as_room_capacity(ctx: Context) -> Iterator[Violation]:
    """At no moment does a room hold more club meetings and lessons than its capacity."""
    if not _active(ctx):
        return
    per_room: dict[tuple[str, int], list[tuple[int, int, str]]] = defaultdict(list)
    clubs: set[tuple[str, int]] = set()
    for meeting in ctx.plan.club_meetings:
        club = ctx.school.club_by_id.get(meeting.club)
        if club is None or meeting.room not in ctx.school.room_by_id:
            continue
        start, end = ctx.school.club_interval(club)
        per_room[(meeting.room, meeting.day)].append((start, end, f"社团「{club.name}」"))
        clubs.add((meeting.room, meeting.day))
    for session in ctx.sessions:
        if session.room and (session.room, session.day) in clubs:
            per_room[(session.room, session.day)].append((session.start, session.end, ctx.lesson_label(session.lesson)))
    for (room_id, day), items in per_room.items():
        room = ctx.school.room_by_id[room_id]
        for start, _, _ in sorted(items):
            present = [label for s, e, label in items if s <= start < e]
            if len(present) > room.capacity:
                yield Violation(
                    rule="as_room_capacity",
                    message=(
                        f"{room.name} {ctx.day_name(day)} {clock(start)} 同时有 {len(present)} 项活动"
                        f"（容量 {room.capacity}）：{'、'.join(present)}"
                    ),
                    room_id=room_id,
                    day=day,
                )
                break


def check_as_teacher_clash(ctx: Context) -> Iterator[Violation]:
    """No teacher's after-school duty or club overlaps another one, a lesson or a meeting (clock time)."""
    if not _active(ctx):
        return
    for teacher_id, work in ctx.after_school_work.items():
        busy = list(work)
        busy += [(s.day, s.start, s.end, ctx.lesson_label(s.lesson)) for s in ctx.by_teacher.get(teacher_id, [])]
        busy += [
            (m.day, minutes(m.start), minutes(m.end), m.name) for m in ctx.school.meetings if teacher_id in m.teachers
        ]
        for i, (day, start, end, label) in enumerate(work):
            for j, (day2, start2, end2, label2) in enumerate(busy):
                if j != i and day2 == day and start < end2 and start2 < end and (j >= len(work) or j > i):
                    yield Violation(
                        rule="as_teacher_clash",
                        message=f"{ctx.teacher_name(teacher_id)} {ctx.day_name(day)} {label}与{label2}时间冲突",
                        teacher_id=teacher_id,
                        day=day,
                    )


def check_as_duty_max_week(ctx: Context) -> Iterator[Violation]:
    """A school teacher has at most ``after_school.max_duties_per_week`` duties and club meetings a week."""
    if not _active(ctx):
        return
    cap = ctx.school.after_school.max_duties_per_week
    for teacher_id, work in ctx.after_school_work.items():
        teacher = ctx.school.teacher_by_id.get(teacher_id)
        if teacher is not None and not teacher.outside_staff and len(work) > cap:
            yield Violation(
                rule="as_duty_max_week",
                message=f"{teacher.name} 每周课后服务 {len(work)} 次，超过上限 {cap} 次",
                teacher_id=teacher_id,
            )


def check_flexible_days(ctx: Context) -> Iterator[Violation]:
    """弹性上下班 (hard with after-school): every school teacher has ≥ ``flexible.min_days`` flexible days."""
    if not _active(ctx):
        return
    need = ctx.school.flexible.min_days
    for teacher in ctx.school.teachers:
        if teacher.outside_staff:
            continue
        days = ctx.flexible_days(teacher.id)
        if len(days) < need:
            shown = "、".join(ctx.day_name(d) for d in days) or "无"
            yield Violation(
                rule="flexible_days",
                message=f"{teacher.name} 每周只有 {len(days)} 天可弹性上下班（{shown}），应至少 {need} 天",
                teacher_id=teacher.id,
            )


# ---- enrolments -------------------------------------------------------------------------------------
def _pupil_name(ctx: Context, pupil_id: str) -> str:
    pupil = ctx.school.pupil_by_id.get(pupil_id)
    return f"{ctx.class_name(pupil.class_id)} 学生 {pupil_id}" if pupil else f"学生 {pupil_id}"


def check_club_eligible(ctx: Context) -> Iterator[Violation]:
    """An enrolment names a known pupil and club of the pupil's grade that meets on a day the pupil stays for session 2."""
    if not _active(ctx):
        return
    for e in ctx.plan.enrolments:
        pupil, club = ctx.school.pupil_by_id.get(e.pupil), ctx.school.club_by_id.get(e.club)
        if pupil is None or club is None:
            yield Violation(rule="club_eligible", message=f"未知学生或社团：{e.pupil} / {e.club}")
            continue
        grade = ctx.school.class_by_id[pupil.class_id].grade
        if grade not in club.grades:
            yield Violation(
                rule="club_eligible",
                message=f"{_pupil_name(ctx, e.pupil)} 是 {grade} 年级，社团「{club.name}」只招 {'、'.join(map(str, club.grades))} 年级",
                class_id=pupil.class_id,
            )
        elif not ctx.attends(pupil, club.id):
            yield Violation(
                rule="club_eligible",
                message=f"{_pupil_name(ctx, e.pupil)} 在社团「{club.name}」的活动日都不参加第二时段",
                class_id=pupil.class_id,
            )


def check_club_capacity(ctx: Context) -> Iterator[Violation]:
    """A club has at most ``max_size`` members."""
    if not _active(ctx):
        return
    for club_id, n in sorted(ctx.members.items()):
        club = ctx.school.club_by_id.get(club_id)
        if club is not None and n > club.max_size:
            yield Violation(rule="club_capacity", message=f"社团「{club.name}」有 {n} 人，超过上限 {club.max_size} 人")


def check_club_min_size(ctx: Context) -> Iterator[Violation]:
    """A club has at least ``min_size`` members."""
    if not _active(ctx):
        return
    for club in ctx.school.after_school.clubs:
        n = ctx.members.get(club.id, 0)
        if n < club.min_size:
            yield Violation(
                rule="club_min_size", message=f"社团「{club.name}」只有 {n} 人，少于开班人数 {club.min_size} 人"
            )


def check_club_pupil_clash(ctx: Context) -> Iterator[Violation]:
    """A pupil is in a club at most once, and their clubs never meet on one day they stay for session 2."""
    if not _active(ctx):
        return
    per_day: dict[tuple[str, int], list[str]] = defaultdict(list)
    seen: Counter[tuple[str, str]] = Counter()
    for e in ctx.plan.enrolments:
        pupil, club = ctx.school.pupil_by_id.get(e.pupil), ctx.school.club_by_id.get(e.club)
        if pupil is None or club is None:
            continue
        seen[(e.pupil, e.club)] += 1
        for day in ctx.attendance_days(pupil, club.id):
            per_day[(e.pupil, day)].append(club.name)
    for (pupil_id, club_id), n in seen.items():
        if n > 1:
            yield Violation(
                rule="club_pupil_clash",
                message=f"{_pupil_name(ctx, pupil_id)} 重复报入社团「{ctx.school.club_by_id[club_id].name}」",
            )
    for (pupil_id, day), names in sorted(per_day.items()):
        if len(set(names)) > 1:
            yield Violation(
                rule="club_pupil_clash",
                message=f"{_pupil_name(ctx, pupil_id)} {ctx.day_name(day)} 同时在 {'、'.join(names)}",
                day=day,
            )


def check_club_every_pupil(ctx: Context) -> Iterator[Violation]:
    """Every pupil who stays for session 2 on some day is in at least one club."""
    if not _active(ctx):
        return
    enrolled = {e.pupil for e in ctx.plan.enrolments}
    for pupil in ctx.participants:
        if pupil.id not in enrolled:
            yield Violation(
                rule="club_every_pupil",
                message=f"{_pupil_name(ctx, pupil.id)} 参加课后服务第二时段，却没有分到任何社团",
                class_id=pupil.class_id,
            )


def check_club_fairness(ctx: Context) -> Iterator[Violation]:
    """Nobody with choices is below their 3rd choice (or in an unlisted club) while a pupil has two clubs."""
    if not _active(ctx):
        return
    clubs_of: dict[str, list[str]] = defaultdict(list)
    for e in ctx.plan.enrolments:
        if e.pupil in ctx.school.pupil_by_id and e.club in ctx.school.club_by_id:
            clubs_of[e.pupil].append(e.club)
    worse = []
    for pupil_id, clubs in clubs_of.items():
        pupil = ctx.school.pupil_by_id[pupil_id]
        if pupil.choices:
            best = min(pupil.choices.index(c) + 1 if c in pupil.choices else 99 for c in clubs)
            if best > 3:
                worse.append((pupil_id, best))
    doubles = sorted(p for p, clubs in clubs_of.items() if len(clubs) >= 2)
    if worse and doubles:
        pupil_id, best = worse[0]
        what = f"第{best}志愿" if best < 99 else "未填报的社团"
        yield Violation(
            rule="club_fairness",
            message=(
                f"{_pupil_name(ctx, pupil_id)} 只分到{what}（另有 {len(worse) - 1} 人类似），"
                f"却有 {len(doubles)} 名学生参加两个社团（如 {_pupil_name(ctx, doubles[0])}）"
            ),
        )
