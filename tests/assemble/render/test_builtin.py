"""The built-in engine's renderers run under a watchdog: past the limit the run stops with a
Chinese message naming the format, never a hung report."""

import pytest

from jixiao import limits
from jixiao.assemble.render import builtin
from jixiao.errors import RunFailure


@pytest.mark.parametrize("fmt, shown", [("html", "HTML"), ("pdf", "PDF"), ("docx", "Word")])
def test_a_renderer_past_the_time_limit_is_stopped_naming_the_format(tmp_path, monkeypatch, fmt, shown):
    source = tmp_path / "report.md"
    source.write_text("---\ntitle: 测试\n---\n\n# 标题\n\n" + "正文。" * 500 + "\n", encoding="utf-8")
    monkeypatch.setattr(limits, "RENDER_SECONDS", 0.01)
    with pytest.raises(RunFailure) as err:
        builtin.render(source, tmp_path, [fmt])
    assert f"生成 {shown} 超过 0.01 秒" in err.value.messages[0]
    assert not (tmp_path / f"report.{fmt}").exists()


def test_a_pandoc_failure_is_a_run_failure_naming_the_file(tmp_path, monkeypatch):
    source = tmp_path / "report.md"
    source.write_text("---\ntitle: 测试\n---\n\n正文\n", encoding="utf-8")
    monkeypatch.setattr(builtin, "FILTER", "no-such-filter.lua")
    with pytest.raises(RunFailure) as err:
        builtin.render(source, tmp_path, ["html"])
    assert "pandoc 生成 report.html 失败" in err.value.messages[0]
