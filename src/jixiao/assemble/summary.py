"""summary.json: the report's figures exactly as printed, for checks and other tools."""

import json
from pathlib import Path

from ..scoring.tree import printed


def summary(project) -> dict:
    return {
        "project": project.info.name,
        "year": project.info.year,
        "framework": project.params.framework.name,
        "stage": project.params.stage,
        "report_date": str(project.info.report_date),
        **printed(project.card, project.style),
    }


def write_summary(project, target: Path) -> None:
    target.write_text(json.dumps(summary(project), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
