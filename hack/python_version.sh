#!/usr/bin/env bash
# Prints the path of an installed CPython of the given minor version (e.g. 3.10): pyenv's newest
# build of it, else python3.10 on the PATH. Fails with a clear message when there is none (this
# machine image has pyenv with 3.10 to 3.13; nothing is downloaded here).
set -euo pipefail
version=${1:?usage: hack/python_version.sh 3.10}
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
best=""
for dir in "$root"/versions/"$version".*; do
  [[ -x $dir/bin/python ]] && best=$dir/bin/python
done
if [[ -z $best ]] && command -v "python$version" >/dev/null; then
  best=$(command -v "python$version")
fi
if [[ -z $best ]]; then
  echo "no Python $version here: install it with pyenv (pyenv install $version) or apt" >&2
  exit 1
fi
echo "$best"
