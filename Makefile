# Speak Back: two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-full lint demo bench check migrate sync clean screenshot

# The venv is (re)built only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@$(PY) -m bot run

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
