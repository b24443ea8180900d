# taizhang: `make run` serves the demo district; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export TAIZHANG_HOME ?= $(CURDIR)/var

.PHONY: run test bench lint install install-test system-deps demo clean

$(BIN)/taizhang: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(BIN)/taizhang

$(VENV)/.test-deps: $(BIN)/taizhang pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install-test: $(VENV)/.test-deps

# The demo logs in with passwords only; production requires a second factor for the
# roles in TAIZHANG_2FA_ROLES (default admin,office).
run: export TAIZHANG_2FA_ROLES =
run: install
	$(BIN)/taizhang init
	$(BIN)/taizhang demo --if-empty
	@echo "演示环境已关闭两步验证登录（TAIZHANG_2FA_ROLES 为空）；生产环境默认对系统管理员、主题教育办开启。"
	$(BIN)/taizhang serve --host 127.0.0.1 --port 8000

system-deps:
	scripts/system-deps.sh

test: install-test system-deps
	scripts/test.sh

bench: install-test system-deps
	$(BIN)/python bench/run.py
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/similarity.py
	$(BIN)/python bench/study.py
	$(BIN)/python bench/research.py
	$(BIN)/python bench/research_db.py
	$(BIN)/python bench/load.py --markdown
	$(BIN)/python bench/load.py --markdown --postgres

lint: install-test
	$(BIN)/ruff check taizhang tests bench conftest.py
	$(BIN)/ruff format --check taizhang tests bench conftest.py

clean:
	rm -rf $(VENV) var *.egg-info
