"""JSON / Excel → School. Errors name the file, sheet, row and field; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from scheduler.domain import School
from scheduler.solution import Solution


class InputError(ValueError):
    """A user mistake in an input file, with one readable line per problem."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def format_location(loc: tuple) -> str:
    """('teachers', 3, 'subjects', 1) -> 'teachers[3].subjects[1]'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(school)"


def validation_problems(exc: ValidationError) -> list[str]:
    return [f"{format_location(e['loc'])}: {e['msg']}" for e in exc.errors()]


def school_from_dict(data: dict, source: str = "school") -> School:
    try:
        return School.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, validation_problems(exc)) from None


def load_school(path: str | Path) -> School:
    """Load a school from ``.json`` or an Excel workbook (``.xlsx``)."""
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), ["file not found"])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        # Errors name the sheet, Excel row and column rather than the JSON path.
        from scheduler.excel_io import load_school_workbook

        return load_school_workbook(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(str(path), [f"not valid JSON: {exc}"]) from None
    if not isinstance(data, dict):
        raise InputError(str(path), ["the top level must be a JSON object (a school)"])
    return school_from_dict(data, str(path))


def load_solution(path: str | Path, field: str = "") -> Solution:
    """A timetable (solution.json); a missing or malformed file is bad input, named by ``field`` if given."""
    try:
        return Solution.load(path)
    except (OSError, ValueError) as exc:
        problem = str(exc).splitlines()[0]
        raise InputError(str(path), [f"{field}: {problem}" if field else problem]) from None
