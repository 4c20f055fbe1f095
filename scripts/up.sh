#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine with Node 20+ to a running service:
# system packages, npm dependencies, build, then api + worker + embedded PostgreSQL.
# The first start prints the admin login. Stop with Ctrl-C; data stays in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then npm ci --no-audit --no-fund; fi
npm run build
exec npm start
