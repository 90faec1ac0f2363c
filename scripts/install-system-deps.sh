#!/usr/bin/env bash
# Installs the Debian packages the tests run for real: nginx, htpasswd (apache2-utils), openssl,
# ShellCheck, systemd-analyze (systemd), unshare (util-linux), ip (iproute2), curl, python3.
# Needs root (CI runs as root). Idempotent.
set -euo pipefail
packages=(nginx-light apache2-utils openssl shellcheck systemd util-linux iproute2 curl ca-certificates python3 procps)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages already installed: ${packages[*]}"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: run as root (or with sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "installed: ${missing[*]}"
