#!/usr/bin/env bash
# Builds the Ansible collection ctl.runner (collection/ansible_collections/ctl/runner) into
# dist/collection/ctl-runner-<version>.tar.gz, part of `npm run build`. ansible-core is a stated
# dependency of the service (it runs the playbooks), so ansible-galaxy missing is an error, not a skip.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source_dir="$root/collection/ansible_collections/ctl/runner"
out="$root/dist/collection"
if ! command -v ansible-galaxy >/dev/null 2>&1; then
  echo "build-collection: ansible-galaxy not found; install ansible-core >= 2.14 (scripts/install-system.sh does)" >&2
  exit 1
fi
mkdir -p "$out"
rm -f "$out"/ctl-runner-*.tar.gz
# Python byte code left by a local run of the modules would otherwise be packed.
find "$source_dir" -name __pycache__ -type d -prune -exec rm -rf {} +
ansible-galaxy collection build "$source_dir" --output-path "$out" --force >/dev/null
ls "$out"/ctl-runner-*.tar.gz
