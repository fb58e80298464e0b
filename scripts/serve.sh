#!/usr/bin/env bash
# `make run`: the print worker (background PDF jobs) next to gunicorn; stopping one stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=wsgi.py
.venv/bin/flask print-worker &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT INT TERM
.venv/bin/gunicorn --config gunicorn.conf.py --bind "${HOST:-127.0.0.1}:${PORT:-5000}" wsgi:app
