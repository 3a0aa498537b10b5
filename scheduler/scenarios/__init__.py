"""What-if scenarios (情景模拟): a base school plus named, typed edits, solved and compared.

``edits``     the edit operations and ``apply_edits`` (a new validated School per scenario)
``run``       scenario files, ``run_scenarios`` (base first, then scenarios in parallel processes)
``report``    the comparison: ``Comparison.table()`` (pandas, Chinese headers) and ``write_workbook``
``staffing``  ``teachers_needed``: the fewest teachers of a subject, by bisection

See docs/SCENARIOS.md for the file format.
"""

from scheduler.scenarios.edits import Edit, EditError, ScenarioImpossible, apply_edits, describe
from scheduler.scenarios.report import Comparison, ScenarioOutcome
from scheduler.scenarios.run import (
    Scenario,
    ScenarioFile,
    ScenarioSet,
    StaffingQuery,
    load_base_solution,
    load_scenario_file,
    run_scenarios,
    validate_scenarios,
)
from scheduler.scenarios.staffing import StaffingAnswer, staffed, teachers_needed

__all__ = [
    "Comparison",
    "Edit",
    "EditError",
    "Scenario",
    "ScenarioFile",
    "ScenarioImpossible",
    "ScenarioOutcome",
    "ScenarioSet",
    "StaffingAnswer",
    "StaffingQuery",
    "apply_edits",
    "describe",
    "load_base_solution",
    "load_scenario_file",
    "run_scenarios",
    "staffed",
    "teachers_needed",
    "validate_scenarios",
]
