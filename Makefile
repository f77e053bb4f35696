# The two commands (see README): `make demo` and `make test`. Everything else supports them.
VENV ?= .venv
PY := $(VENV)/bin/python
KUBECONFIG_LOCAL := $(CURDIR)/.localcluster/config/admin.kubeconfig

.PHONY: demo test venv cluster seed lint screenshots bench down clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

## demo: install kubetui, bring up the local cluster, seed the scenarios, launch kubetui on it
demo: venv
	$(PY) -m compileall -q kubetui >/dev/null  # bytecode, as pip writes it for an installed package
	hack/localcluster.sh up
	hack/localcluster.sh seed
	KUBECONFIG=$(KUBECONFIG_LOCAL) $(VENV)/bin/kubetui -n kubetui-demo

## test: lint, architecture contract, unit + UI + integration tests against the local cluster
test: venv
	hack/test.sh

cluster: venv
	hack/localcluster.sh up

seed: cluster
	hack/localcluster.sh seed

lint: venv
	$(VENV)/bin/ruff check kubetui tests hack bench
	$(VENV)/bin/lint-imports

## screenshots: every main view as SVG from the app on the seeded cluster, and PNGs of them
screenshots: seed
	command -v chromium >/dev/null || { apt-get update -qq && \
	  apt-get install -y -qq --no-install-recommends chromium fonts-firacode; }
	$(PY) hack/screenshots.py

bench: cluster
	$(PY) bench/scale_bench.py

down:
	hack/localcluster.sh down

clean: down
	rm -rf $(VENV) .localcluster
