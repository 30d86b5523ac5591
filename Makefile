# The registration hub. Every target sets up what it needs on a fresh machine.
VENV   := .venv
PY     := $(VENV)/bin/python
HUB    := $(VENV)/bin/hub
STAMP  := $(VENV)/.installed-dev
BSTAMP := $(VENV)/.installed-bench
export DAGSTER_HOME ?= $(CURDIR)/var/dagster

.PHONY: install demo test ui web bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(BSTAMP): $(STAMP)
	$(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) -e '.[dev,bench]'
	touch $(BSTAMP)

## make demo: generate the seven demo partner systems and run the main job on the embedded default
## (HUB_DEMO=1: unset partner URLs mean the demo API and demo databases; never set it in production)
demo: install
	$(HUB) demo-data --out var/partners --households 300 --seed 7
	HUB_DEMO=1 $(HUB) run

## make test: the whole suite
test: install
	$(VENV)/bin/pytest -n 2 --dist loadfile -q

## make ui: Dagster UI on 127.0.0.1
ui: install
	mkdir -p $(DAGSTER_HOME) && cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml || true
	HUB_DEMO=1 $(VENV)/bin/dg dev --host 127.0.0.1 --port 3000

## make web: the staff and steward web app on http://127.0.0.1:8000 (demo log-ins printed)
web: install
	HUB_DEMO=1 $(HUB) web --host 127.0.0.1 --port 8000 --demo-users

## make bench: the matching benchmark (hub against Splink 5, synthetic Dutch data and FEBRL)
bench: $(BSTAMP)
	$(PY) -m bench.run_matching --splink-cap 240 --hub-cap 600

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf var
