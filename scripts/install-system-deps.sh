#!/usr/bin/env bash
# Installs the Debian packages the tests run for real. Needs root (CI runs as root). Idempotent.
# One package a line, with what needs it, so additions merge cleanly.
set -euo pipefail
packages=(
  nginx-light      # nginx: the proxy checks and the rehearsal
  libnginx-mod-stream  # nginx's stream (TCP) module: the load balancer stand-in of the two-instance rehearsal
  apache2-utils    # htpasswd
  openssl          # openssl passwd: the htpasswd step
  shellcheck       # shellcheck over the rendered scripts
  systemd          # systemd-analyze verify over the units
  util-linux       # unshare: the rehearsal's namespaces, the full-disk test's mount namespace; nsenter: the browser test
  mount            # mount: the full-disk test's tmpfs
  iproute2         # ip: the rehearsal's network namespace
  curl             # curl: the health checks
  ca-certificates  # curl over https
  python3          # python3: the rehearsal and the image-build checks
  procps           # ps, pgrep, sysctl
  git              # git: the image build's app step (a local repository as the demo repo)
  chromium         # headless Chromium (driven by playwright-core): the Gradio browser test
  # The Python packages the Gradio wheels rely on, as ../shared/testdata/gradio-wheelhouse/README.md
  # lists them (the wheels install with pip --no-index --no-deps): the Gradio browser test.
  python3-venv
  python3-fastapi
  python3-uvicorn
  python3-pydantic
  python3-websockets
  python3-httpx
  python3-aiofiles
  python3-altair
  python3-matplotlib
  python3-pandas
  python3-pil
  python3-numpy
  python3-jinja2
  python3-markupsafe
  python3-yaml
  python3-requests
  python3-semantic-version
  python3-typing-extensions
  python3-multipart
  python3-pydub
  python3-importlib-resources
  python3-packaging
  python3-filelock
  python3-tqdm
  python3-fsspec
  python3-brotli
  python3-shellingham
  python3-rich
  python3-click
  python3-tz
  python3-anyio
  python3-sniffio
)
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
