# 一键命令：make report（安装并生成示例报告）、make test（安装并运行全部测试）
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup report test lab bench bench-batch clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/python -m jixiao.fonts --ensure

report: setup
	$(BIN)/jixiao run params/shanghai-credit-2018.yaml

test: setup
	$(BIN)/python -m pytest -q

# JupyterLab with jupyterlab-myst (Markdown cells show their {eval} values) in the project's environment,
# opened at the project root so params/, data/ and notebooks/ are all at hand; runs as root too
lab: setup
	$(BIN)/python -m pip install -q -e '.[lab]'
	$(BIN)/jupyter lab --notebook-dir=. $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

bench: setup
	$(BIN)/python benchmarks/run_example.py

bench-batch: setup
	$(BIN)/python benchmarks/batch.py

clean:
	rm -rf output
