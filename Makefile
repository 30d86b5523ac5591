# The registration hub. Every target sets up what it needs on a fresh machine.
VENV   := .venv
PY     := $(VENV)/bin/python
HUB    := $(VENV)/bin/hub
STAMP  := $(VENV)/.installed-dev
AXE    := $(VENV)/npm/node_modules/axe-core/axe.min.js
AXE_VERSION := 4.11.0
BSTAMP := $(VENV)/.installed-bench
export DAGSTER_HOME ?= $(CURDIR)/var/dagster

.PHONY: install demo test ui web bench bench-tuning bench-heldout lint clean i18n axe

# Installs exactly what uv.lock says (`uv lock` after changing a dependency in pyproject.toml);
# --inexact keeps uv itself, which pip put into the same environment.
UVSYNC := $(VENV)/bin/uv sync --locked --inexact --compile-bytecode --python $(PY)

$(STAMP): pyproject.toml uv.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check 'uv>=0.8,<1'
	$(UVSYNC) -q --extra dev
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || echo "make: WeasyPrint (access report PDFs) needs Debian's pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2
	touch $(STAMP)

install: $(STAMP)

$(BSTAMP): $(STAMP)
	$(UVSYNC) -q --extra dev --extra bench
	touch $(BSTAMP)

## make demo: generate the seven demo partner systems and run the main job on the embedded
## default, recording the Dagster runs in DAGSTER_HOME so that `make ui` shows them
## (HUB_DEMO=1: unset partner URLs mean the demo API and demo databases; never set it in production)
demo: install
	$(HUB) demo-data --out var/partners --households 300 --seed 7
	mkdir -p $(DAGSTER_HOME) && cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml || true
	HUB_DEMO=1 $(HUB) run --history
	HUB_DEMO=1 $(HUB) guide demo --seed 7

## axe-core (accessibility checks in the browser tests) from the npm registry, into .venv/npm
$(AXE):
	@command -v npm >/dev/null || { echo "make axe needs npm (apt-get install npm)"; exit 1; }
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/npm axe-core@$(AXE_VERSION)

axe: $(AXE)

## make test: the whole suite
test: install $(AXE)
	$(VENV)/bin/pytest -n 2 --dist loadfile -q

## make ui: Dagster UI on 127.0.0.1 (make ui PORT=3001 for another port)
ui: PORT ?= 3000
ui: install
	mkdir -p $(DAGSTER_HOME) && cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml || true
	HUB_DEMO=1 $(VENV)/bin/dg dev --host 127.0.0.1 --port $(PORT)

## make web: the staff and steward web app on http://127.0.0.1:8000 (demo log-ins printed;
## make web PORT=8001 for another port)
web: PORT ?= 8000
web: install
	HUB_DEMO=1 $(HUB) web --host 127.0.0.1 --port $(PORT) --demo-users

## make bench: the matching benchmark (hub against Splink 5, synthetic Dutch data and FEBRL)
bench: $(BSTAMP)
	$(PY) -m bench.run_matching --splink-cap 240 --hub-cap 600

## make bench-tuning / bench-heldout: accuracy only, on the tuning or the held-out suite (bench/suites.py)
bench-tuning: $(BSTAMP)
	$(PY) -m bench.run_matching --suite tuning

bench-heldout: $(BSTAMP)
	$(PY) -m bench.run_matching --suite heldout

## make i18n: extract the web app's messages and update the catalogues (then translate the
## new or fuzzy entries in hub/web/locale/nl/LC_MESSAGES/messages.po). The app compiles the
## .po files itself when it starts: there is no .mo to build or to forget.
i18n: install
	mkdir -p var
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k Indicator:2 --no-location --sort-output \
		-o var/messages.pot .
	$(VENV)/bin/pybabel update -i var/messages.pot -d hub/web/locale -l nl -w 100 --ignore-obsolete

## make lint: style (ruff), types (mypy) and the import layers (import-linter); CI runs it
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf var
