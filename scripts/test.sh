#!/usr/bin/env bash
# Every test tier, from a fresh Debian/Ubuntu machine with Node 20+: system packages the tests
# use (ansible-core, sshd, git, iproute2, chromium), npm dependencies, then `npm test` (build + jest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh --test
npm ci --no-audit --no-fund
npm test
