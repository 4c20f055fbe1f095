#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages automation-runner needs, when they are missing.
#   scripts/install-system.sh          what the service needs to run (ansible-core, git, ssh client, bubblewrap for the run sandbox)
#   scripts/install-system.sh --test   plus what the test suite needs (sshd, iproute2, chromium for the console test)
set -euo pipefail

packages=(ansible-core git openssh-client ca-certificates bubblewrap util-linux)
if [[ "${1:-}" == "--test" ]]; then packages+=(openssh-server iproute2 procps sudo passwd chromium); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "Please install: ${missing[*]} (apt-get install ${missing[*]}), then run this again." >&2
  exit 1
fi
echo "Installing ${missing[*]} ..."
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
