#!/usr/bin/env bash
# The whole test suite: lint, the import contracts, then pytest (unit, UI and integration tests;
# the integration tests bring the local cluster up themselves through their fixture).
# Stops the local cluster afterwards if this run started it.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
# A venv is (re)installed when it is missing or pyproject.toml changed since (a new dependency).
ensure_venv() {
  local py=$1 venv=$2
  if [[ ! -x $venv/bin/pytest || pyproject.toml -nt $venv/.installed ]]; then
    [[ -x $venv/bin/python ]] || "$py" -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q -e '.[dev]'
    touch "$venv/.installed"
  fi
}
ensure_venv python3 "$VENV"
was_up=0
hack/localcluster.sh status >/dev/null 2>&1 && was_up=1
cleanup() { [[ $was_up == 1 ]] || hack/localcluster.sh down >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "== ruff"
"$VENV/bin/ruff" check kubetui tests hack bench
echo "== import contracts (layers: app → screens → widgets → live → k8s; k8s knows nothing of the UI)"
"$VENV/bin/lint-imports"
echo "== local cluster"
hack/localcluster.sh up
echo "== pytest"
"$VENV/bin/pytest" -p no:cacheprovider "$@"

# The whole suite (no arguments) also runs the unit tests and a UI smoke set on the oldest and
# the newest Python kubetui supports (Ubuntu 22.04 bastions have 3.10), from pyenv's builds on
# this image. The smoke set starts the app, draws the main views and their snapshots, keeps
# hostile text as data, and runs the embedded terminal and draws the log view: what differs
# between Pythons (the interpreter, not kubetui's logic, which the 3.11 run covers whole).
SMOKE=(tests/ui/test_start_up.py tests/ui/test_snapshots.py tests/ui/test_kind_snapshots.py
       tests/ui/test_hostile_text.py tests/ui/test_terminal.py tests/ui/test_logs_snapshots.py
       tests/ui/test_resource_table.py
       tests/ui/test_fit_footer.py tests/ui/test_log_view.py tests/ui/test_no_traceback.py
       tests/ui/test_line_input.py)
if [[ $# -eq 0 ]]; then
  for version in 3.10 3.13; do
    echo "== unit tests and the UI smoke set on Python $version"
    py=$(hack/python_version.sh "$version")
    venv=.venv-py$version
    ensure_venv "$py" "$venv"
    "$venv/bin/kubetui" --version
    "$venv/bin/pytest" -p no:cacheprovider -q tests/unit "${SMOKE[@]}"
  done
fi
