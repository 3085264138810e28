"""A project's own chart style: ``charts.mplstyle`` in its data folder, a matplotlib style sheet
that may change the charts' look (colours, sizes, lines, grid, legend) and nothing else: no file,
program or backend setting reaches matplotlib from a project's data."""

from pathlib import Path

import matplotlib

from .. import limits
from ..errors import InputError
from .files import check_size

STYLE_FILE = "charts.mplstyle"
STYLE_KEYS = ("axes.", "figure.figsize", "figure.dpi", "figure.facecolor", "figure.edgecolor", "font.size",
              "font.weight", "grid.", "legend.", "lines.", "patch.", "xtick.", "ytick.", "hatch.", "boxplot.",
              "errorbar.", "scatter.")


def read_chart_style(path: Path) -> dict:
    """The style sheet's settings, each checked to be one of the look's keys."""
    check_size(path, limits.TEXT_BYTES, "图表样式文件")
    try:
        settings = matplotlib.rc_params_from_file(str(path), fail_on_error=True, use_default_template=False)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}：图表样式文件无法读取（{exc}），每行应为「键: 值」，如 font.size: 10") from None
    refused = [key for key in settings if not key.startswith(STYLE_KEYS)]
    if refused:
        raise InputError(f"{path}：图表样式文件中的『{'、'.join(refused)}』不能由项目设置；项目样式只能改颜色、字号、"
                         "线条、网格、图例和坐标轴（axes.、font.size、lines.、grid.、legend. 等）")
    return dict(settings)
