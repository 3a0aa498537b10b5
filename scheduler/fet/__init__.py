"""Interop with FET (https://lalescu.ro/liviu/fet/): import a ``.fet`` file, export a School to one.

``import_fet`` returns the School and an ``ImportReport`` listing every FET constraint with what
became of it (mapped exactly, approximated, or not represented); ``export_fet`` writes a file
FET 6.x opens and returns an ``ExportReport`` listing what FET cannot express.
"""

from scheduler.fet.exporter import export_fet
from scheduler.fet.importer import FetImportError, import_fet
from scheduler.fet.report import ConstraintOutcome, ExportReport, ImportReport

__all__ = ["ConstraintOutcome", "ExportReport", "FetImportError", "ImportReport", "export_fet", "import_fet"]
