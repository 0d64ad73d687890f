# Speak Back: two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-full lint demo bench check migrate sync clean screenshot

# The venv is (re)built only when pyproject.toml changes.
# First: is Python new enough, with venv? (scripts/check_python.py says what to install.)
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Speak Back needs Python 3.11 or newer, and '$(PYTHON)' was not found. On Debian or Ubuntu: sudo apt install python3 python3-venv" >&2; exit 1; }
	@$(PYTHON) scripts/check_python.py
	@echo "Setting up, about a minute..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) scripts/check_python.py || { echo "The .venv folder was made by an older Python: run 'make clean', then make again." >&2; exit 1; }
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Exit status 2 is a refusal the bot has already explained (no token, say): make then
# ends quietly with that explanation last, instead of adding its own "Error" line.
run: $(STAMP)
	@$(PY) -m bot run || test $$? -eq 2

check: $(STAMP)
	@$(PY) -m bot check

migrate: $(STAMP)
	@$(PY) -m bot migrate

sync: $(STAMP)
	@$(PY) -m bot sync

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -m "not full"

# The full-size load tests (marked `full`), one at a time: they measure pacing.
test-full: $(STAMP)
	$(PY) -m pytest -m full -n0

demo: $(STAMP)
	@$(PY) -m tests.demo

bench: $(STAMP)
	@$(PY) -m bench

# docs/pages-you-said-we-did.png, the README's picture of a public page, in Chromium.
screenshot: $(STAMP)
	@$(PY) -m tests.browser.screenshot

clean:
	rm -rf $(VENV) demo-output .pytest_cache
