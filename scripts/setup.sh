#!/usr/bin/env bash
# Set up miner on a fresh machine: system packages (OCR, headless browser for the
# browser tests), a virtual environment in .venv, and miner itself.  Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(tesseract-ocr tesseract-ocr-nld chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]} (apt)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: optional system packages missing: ${missing[*]} (OCR and browser tests need them; install with apt as root)" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
echo "setup: installing miner and its dependencies into .venv"
.venv/bin/python -m pip install -q -e '.[dev]'
echo "setup: done. Run: .venv/bin/miner --help"
