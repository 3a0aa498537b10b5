"""Command line: ``python -m scheduler solve|replan|check|explain …``.

Exit codes: 0 done (a timetable that passes the checker / a clean check); 2 bad input;
3 the school cannot be timetabled (with the reasons); 4 no timetable found within the time
limit; 5 the checker found broken hard rules.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scheduler.check import check
from scheduler.load import InputError, load_school, load_solution
from scheduler.solve import Progress, SolveOptions, solve

EXIT_OK, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION, EXIT_BROKEN = 0, 2, 3, 4, 5

STATUS_WORDS = {
    "optimal": "最优解",
    "feasible": "可行解（未证明最优）",
    "infeasible": "无解",
    "unknown": "时限内未找到课表",
    "invalid": "模型无效",
}


def terms_text(terms: dict[str, int]) -> str:
    """Soft-goal counts in the school's words: 教师空堂 0，主科排在下午 1，…"""
    from scheduler.views import OBJECTIVE_NAMES

    return "，".join(f"{OBJECTIVE_NAMES.get(k, k)} {v}" for k, v in terms.items())


def _progress_printer(time_limit: float):
    def show(p: Progress) -> None:
        width = 30
        filled = min(width, int(width * p.elapsed / time_limit))
        gap = f"{100 * p.gap:5.1f}%" if p.gap is not None else "  -  "
        # the first timetable (found without the soft goals) has no objective or bound yet
        objective = f"{p.objective:8.0f}" if p.objective is not None else "       -"
        bound = f"{p.bound:8.0f}" if p.bound is not None else "       -"
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {p.elapsed:6.1f}s  方案 {p.solutions:3d}  "
            f"目标 {objective}  下界 {bound}  差距 {gap}",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return show


def cmd_solve(args: argparse.Namespace) -> int:
    school = load_school(args.school)
    hint = load_solution(args.hint) if args.hint else None
    options = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=args.seed, hint=hint)
    print(
        f"排课：{school.name}（{len(school.classes)} 个班，{len(school.teachers)} 位教师，"
        f"{sum(lesson.periods_per_week for lesson in school.all_lessons)} 节/周），时限 {args.time_limit:g} 秒",
        file=sys.stderr,
    )
    result = solve(school, options, progress=None if args.quiet else _progress_printer(args.time_limit))
    if not args.quiet:
        print(file=sys.stderr)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"状态：{STATUS_WORDS[result.status]}  用时 {result.wall_time:.1f} 秒（建模 {result.build_time:.1f} 秒）")
    if result.solution is None:
        if result.explanation:
            print("无法排出课表，原因：")
            for finding in result.explanation:
                print(f"  - {finding.message}")
            (out / "explanation.json").write_text(
                json.dumps([f.model_dump() for f in result.explanation], ensure_ascii=False, indent=1), "utf-8"
            )
            return EXIT_INFEASIBLE
        print("时限内未找到课表：请延长 --time-limit 或检查数据。")
        return EXIT_NO_SOLUTION if result.status == "unknown" else EXIT_INFEASIBLE
    report = check(school, result.solution)
    result.solution.save(out / "solution.json")
    (out / "report.json").write_text(report.model_dump_json(indent=1), encoding="utf-8")
    from scheduler.views import write_timetable_workbook

    write_timetable_workbook(school, result.solution, out / "timetable.xlsx", report=report)
    gap = f"{100 * result.gap:.1f}%" if result.gap is not None else "-"
    print(
        f"目标值 {result.objective:.0f}  下界 {result.bound:.0f}  差距 {gap}  首个可行解 {result.time_to_first:.1f} 秒"
    )
    print("软目标（计数）：" + terms_text(result.terms))
    policy = school.resolved_policy
    overrides = "；".join(f"{k} = {v}" for k, v in policy.overrides.items()) or "无"
    print(f"政策：{policy.id}（{policy.name}），学校覆盖：{overrides}")
    plan = result.solution.after_school
    if plan is not None and result.clubs is not None:
        from scheduler.clubs import choice_summary

        summary = choice_summary(school, plan.enrolments)
        print(
            f"课后服务：{len(plan.supervisions)} 次看护、{len(plan.club_meetings)} 次社团活动；"
            f"选课：第一志愿 {summary['first_choice']}%，前三志愿 {summary['top3']}%，"
            f"未分到社团 {summary['unplaced']} 人（分配：{STATUS_WORDS.get(result.clubs.status, result.clubs.status)}，{result.clubs.wall_time:.1f} 秒）；"
            f"教师弹性上下班每周至少 {school.flexible.min_days} 天"
        )
    print(report.summary())
    print(f"已写出：{out / 'solution.json'}、{out / 'timetable.xlsx'}、{out / 'report.json'}")
    return EXIT_OK if report.ok else EXIT_BROKEN


def cmd_replan(args: argparse.Namespace) -> int:
    """Minimal-change re-planning: the changed school, the current timetable → as few moves as possible."""
    from scheduler.changes import KIND_WORDS, change_table
    from scheduler.views import write_change_workbook, write_timetable_workbook

    school = load_school(args.school)
    current = load_solution(args.current)
    options = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=args.seed, baseline=current)
    note = f"自第 {args.from_week} 周起执行" if args.from_week else ""
    print(
        f"调课：{school.name}，以 {args.current} 为当前课表，尽量少移动课程（跨天移动计 3、同日换节计 1），"
        f"时限 {args.time_limit:g} 秒",
        file=sys.stderr,
    )
    result = solve(school, options, progress=None if args.quiet else _progress_printer(args.time_limit))
    if not args.quiet:
        print(file=sys.stderr)
    print(f"状态：{STATUS_WORDS[result.status]}  用时 {result.wall_time:.1f} 秒")
    if result.solution is None or result.changes is None:
        for finding in result.explanation:
            print(f"  - {finding.message}")
        if not result.explanation:
            print("时限内未找到课表：请延长 --time-limit 或检查数据。")
        return EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_NO_SOLUTION
    report = check(school, result.solution)
    changes = result.changes
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result.solution.save(out / "solution.json")
    (out / "report.json").write_text(report.model_dump_json(indent=1), encoding="utf-8")
    (out / "changes.json").write_text(changes.model_dump_json(indent=1), encoding="utf-8")
    table = change_table(school, changes)
    (out / "changes.csv").write_text("\ufeff" + table.to_csv(index=False), encoding="utf-8")
    write_change_workbook(school, changes, out / "changes.xlsx", note=note, report=report)
    write_timetable_workbook(school, result.solution, out / "timetable.xlsx", report=report)
    print(f"变动：{changes.line()}" + (f"（{note}）" if note else ""))
    moved = table[table["变动"].isin([KIND_WORDS["day"], KIND_WORDS["period"]])]
    for row in moved.head(args.show).itertuples(index=False):
        print(f"  {row.班级} {row.学科}：{row.原时间} → {row.新时间}")
    if len(moved) > args.show:
        print(f"  ……共 {len(moved)} 节，见 changes.xlsx")
    print("软目标（计数）：" + terms_text(result.terms))
    print(report.summary())
    print(f"已写出：{out / 'changes.xlsx'}、{out / 'changes.csv'}、{out / 'solution.json'}、{out / 'timetable.xlsx'}")
    return EXIT_OK if report.ok else EXIT_BROKEN


def cmd_check(args: argparse.Namespace) -> int:
    school = load_school(args.school)
    solution = load_solution(args.solution)
    report = check(school, solution)
    if args.json:
        print(report.model_dump_json(indent=1))
    else:
        for v in report.violations:
            print(f"[{'硬' if v.severity == 'hard' else '软'}] {v.rule}: {v.message}")
        print(report.summary())
    return EXIT_OK if report.ok else EXIT_BROKEN


def cmd_explain(args: argparse.Namespace) -> int:
    from scheduler.explain import explain_infeasible, precheck

    school = load_school(args.school)
    findings = precheck(school) or explain_infeasible(school, time_limit=args.time_limit)
    if not findings:
        print("预检查未发现问题。")
        return EXIT_OK
    for finding in findings:
        print(f"- {finding.message}")
    return EXIT_INFEASIBLE if findings[0].rule != "unknown" else EXIT_NO_SOLUTION


def cmd_import_fet(args: argparse.Namespace) -> int:
    """FET .fet → school JSON; prints what was mapped, approximated and not represented."""
    from scheduler.fet import FetImportError, import_fet

    try:
        school, report = import_fet(args.fet)
    except FetImportError as exc:
        raise InputError(exc.source, exc.problems) from None
    print("\n".join(report.lines()))
    out = Path(args.out)
    out.write_text(school.model_dump_json(indent=1, exclude_defaults=True), encoding="utf-8")
    print(f"已写出：{out}")
    if args.timetable is None:
        return EXIT_OK
    from scheduler.fet.timetable import read_fet_timetable

    try:
        solution, skipped = read_fet_timetable(args.timetable, school, report)
    except FetImportError as exc:
        raise InputError(exc.source, exc.problems) from None
    for line in skipped:
        print(f"- {line}")
    written = out.with_name(out.stem + ".solution.json")
    written.write_text(solution.model_dump_json(indent=1), encoding="utf-8")
    checked = check(school, solution)
    print(f"FET 课表（{len(solution.placements)} 节次）已写出：{written}")
    print(checked.summary())
    return EXIT_OK if checked.ok else EXIT_BROKEN


def cmd_export_fet(args: argparse.Namespace) -> int:
    """School JSON → FET .fet; prints the rules FET cannot express."""
    from scheduler.fet import export_fet

    school = load_school(args.school)
    report = export_fet(school, args.out)
    print("\n".join(report.lines()))
    print(f"已写出：{args.out}")
    return EXIT_OK


EXAMPLE_SCHOOL = Path(__file__).resolve().parent.parent / "instances" / "tiny-3.json"


def cmd_template(args: argparse.Namespace) -> int:
    """A workbook a school fills in: one sheet per table, field help in Chinese, example rows."""
    from scheduler.excel_io import write_school_workbook

    write_school_workbook(load_school(args.example), args.out)
    print(f"已写出模板：{args.out}（每张表第1行为字段名、第2行为中文说明，其下为示例数据，可直接改写）")
    print(f"填好后：python -m scheduler solve {args.out}")
    return EXIT_OK


def cmd_scenarios(args: argparse.Namespace) -> int:
    """What-if scenarios: solve the base school and every scenario, print and write the comparison."""
    from scheduler.scenarios import load_base_solution, load_scenario_file, run_scenarios
    from scheduler.scenarios.staffing import PROBE_WORDS

    scenario_file, base = load_scenario_file(args.file)
    current = load_solution(args.base_solution) if args.base_solution else load_base_solution(scenario_file, args.file)
    for option, value in (("--time-limit", args.time_limit), ("--workers", args.workers)):
        if value is not None and value <= 0:
            raise InputError(option, [f"应大于 0，而不是 {value:g}"])
    changes = {"time_limit": args.time_limit, "workers": args.workers}
    scenario_file = scenario_file.model_copy(update={k: v for k, v in changes.items() if v is not None})
    print(
        f"情景模拟：{base.name}，{len(scenario_file.scenarios)} 个情景 + 基准，"
        f"{len(scenario_file.staffing)} 项人员测算，每次求解时限 {scenario_file.time_limit:g} 秒",
        file=sys.stderr,
    )

    def show(outcome) -> None:
        print(
            f"  完成：{outcome.name}（{STATUS_WORDS.get(outcome.status, outcome.status)}，{outcome.wall_time:.1f} 秒）",
            file=sys.stderr,
        )

    comparison = run_scenarios(base, scenario_file, progress=show, base_solution=current)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    comparison.write_workbook(out / "scenarios.xlsx")
    (out / "scenarios.json").write_text(comparison.model_dump_json(indent=1), encoding="utf-8")
    print(comparison.summary_table().to_string(index=False))
    for outcome in comparison.outcomes:
        for reason in outcome.explanation[: args.show]:
            print(f"【{outcome.name}】{reason}")
        if len(outcome.explanation) > args.show:
            print(f"【{outcome.name}】……共 {len(outcome.explanation)} 条原因，见 scenarios.xlsx")
    for answer in comparison.staffing:
        probes = "；".join(f"{p.teachers} 位{PROBE_WORDS[p.status]}（{p.seconds:.0f} 秒）" for p in answer.probes)
        print(f"【人员测算 {answer.subject_name}】{answer.message}" + (f"  探测：{probes}" if probes else ""))
    print(f"总用时 {comparison.wall_time:.0f} 秒（同时求解 {comparison.parallel} 个）")
    print(f"已写出：{out / 'scenarios.xlsx'}、{out / 'scenarios.json'}")
    broken = any(o.hard_violations for o in comparison.outcomes)
    return EXIT_BROKEN if broken else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduler", description="中小学排课与课后服务优化")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solve", help="排课：写出 solution.json、timetable.xlsx 和检查报告")
    p.add_argument("school", help="学校数据（.json 或 .xlsx）")
    p.add_argument("--time-limit", type=float, default=60.0, help="求解时限（秒）")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--hint", help="以已有课表 solution.json 作为初始解")
    p.add_argument("--out", default="out", help="输出目录")
    p.add_argument("--quiet", action="store_true", help="不显示进度")
    p.set_defaults(run=cmd_solve)
    p = sub.add_parser("replan", help="调课：学校数据变了（教师请假、教室停用、新班级），尽量少移动现有课表")
    p.add_argument("school", help="变动后的学校数据（.json 或 .xlsx）")
    p.add_argument("--current", required=True, help="当前课表 solution.json")
    p.add_argument("--time-limit", type=float, default=60.0, help="求解时限（秒）")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--from-week", type=int, help="自第几周起执行（写入调课通知）")
    p.add_argument("--show", type=int, default=20, help="屏幕上列出的变动条数")
    p.add_argument("--out", default="out/replan", help="输出目录")
    p.add_argument("--quiet", action="store_true", help="不显示进度")
    p.set_defaults(run=cmd_replan)
    p = sub.add_parser("check", help="检查课表是否符合规则")
    p.add_argument("school")
    p.add_argument("solution")
    p.add_argument("--json", action="store_true", help="以 JSON 输出检查报告")
    p.set_defaults(run=cmd_check)
    p = sub.add_parser("explain", help="说明为什么排不出课表")
    p.add_argument("school")
    p.add_argument("--time-limit", type=float, default=60.0)
    p.set_defaults(run=cmd_explain)
    p = sub.add_parser("import-fet", help="导入 FET 的 .fet 文件，写出学校数据 JSON")
    p.add_argument("fet", help="FET 文件（.fet）")
    p.add_argument("--out", required=True, help="学校数据 JSON 输出路径")
    p.add_argument(
        "--timetable",
        help="FET 排出的课表（fet-cl 的 …_activities.xml）：写出 OUT 旁的 .solution.json 并用检查器审核",
    )
    p.set_defaults(run=cmd_import_fet)
    p = sub.add_parser("export-fet", help="把学校数据导出为 FET 的 .fet 文件")
    p.add_argument("school", help="学校数据（.json 或 .xlsx）")
    p.add_argument("--out", required=True, help=".fet 输出路径")
    p.set_defaults(run=cmd_export_fet)
    p = sub.add_parser("template", help="写出学校数据的 Excel 模板（含说明和示例行）")
    p.add_argument("--out", default="school.xlsx")
    p.add_argument("--example", default=str(EXAMPLE_SCHOOL), help="示例数据取自的学校")
    p.set_defaults(run=cmd_template)
    p = sub.add_parser("scenarios", help="情景模拟：比较多个假设情景（教师变动、政策、场地、社团……）")
    p.add_argument("file", help="情景文件（.json），格式见 docs/SCENARIOS.md")
    p.add_argument("--out", default="out/scenarios", help="输出目录（scenarios.xlsx、scenarios.json）")
    p.add_argument("--time-limit", type=float, help="每次求解时限（秒），默认取情景文件中的值")
    p.add_argument("--workers", type=int, help="每次求解的 CP-SAT 线程数，默认取情景文件中的值")
    p.add_argument("--base-solution", help="学校现行课表 solution.json：作为基准（不再求解基准）")
    p.add_argument("--show", type=int, default=3, help="每个情景最多显示几条无解原因")
    p.set_defaults(run=cmd_scenarios)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except InputError as exc:
        print(f"输入数据有误（{exc.source}）：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
