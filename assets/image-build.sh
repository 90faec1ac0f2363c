#!/bin/bash
# Image build script for the Qwen chat Compute Nest service (ImageBuilder CommandContent).
#
# Runs once on a fresh GPU ECS instance (CentOS 7 GPU base image) through Compute Nest's image
# builder (OOS ACS-ECS-UpdateImage -> Cloud Assistant RunShellScript), then the instance is stopped
# and imaged. Leaves the runtime contract the deploy script relies on:
#   - python at PYTHON_PREFIX/bin/python3, OpenSSL 1.1.1 under OPENSSL_PREFIX (the image layout)
#   - the demo at APP_DIR (/root/<Model>-Demo), entry app.py, Gradio on APP_HOST:APP_PORT
#     via GRADIO_SERVER_NAME / GRADIO_SERVER_PORT
#   - nginx and htpasswd (httpd-tools) installed
#   - the model pre-downloaded to the ModelScope cache (MODEL_CACHE)
#
# Every download is over verified TLS (https only, certificate checks never disabled) and checked against a
# pinned sha256. Python packages are pinned. The build fails (non-zero exit, message on stderr) if any
# step fails or if the app does not answer within HEALTH_TIMEOUT seconds.
#
# The block between the ">>> parameters" and "<<< parameters" markers is rewritten by
# lib/qwen-chat/image-build-script.ts from typed props and the image layout (lib/image/image-layout.ts); every parameter can also be overridden by
# an environment variable of the same name (used by the tests: IMAGE_BUILD_STEPS=health_check).
#
# Style rule: this file contains no dollar-brace and no double-brace sequences, because config.yaml
# placeholders (Artifact/ImageBuilder references) and OOS parameters use those forms.
set -euo pipefail

log() { printf '[image-build] %s\n' "$*" >&2; }
die() { printf '[image-build] ERROR: %s\n' "$*" >&2; exit 1; }

# param NAME DEFAULT: NAME keeps its environment value if set and non-empty, else DEFAULT.
param() {
  local value
  value=$(printenv "$1" || true)
  [ -n "$value" ] || value=$2
  printf -v "$1" '%s' "$value"
  # shellcheck disable=SC2163 # exporting the variable whose name is $1 is the intent
  export "$1"
}

# >>> parameters
param PYTHON_VERSION '3.10.13'
param PYTHON_SHA256 '698ec55234c1363bd813b460ed53b0f108877c7a133d48bde9a50a1eb57b7e65'
param OPENSSL_VERSION '1.1.1w'
param OPENSSL_SHA256 'cf3098950cb4d853ad95c0841f1f9c6d3dc102dccfcacd521d93925208b76ac8'
param PIP_PACKAGES 'torch==2.0.1 transformers==4.32.0 accelerate==0.22.0 tiktoken==0.5.1 transformers_stream_generator==0.0.4 einops==0.6.1 modelscope==1.9.1 gradio==3.41.2'
param APP_REPO 'https://www.modelscope.cn/studios/qwen/Qwen-14B-Chat-Demo.git'
param APP_REVISION 'master'
param APP_DIR '/root/Qwen-14B-Chat-Demo'
param APP_PORT '7860'
param MODEL_ID 'qwen/Qwen-14B-Chat'
param MODEL_REVISION 'master'
param MODEL_TARBALL_URL ''
param MODEL_TARBALL_SHA256 ''
param HEALTH_TIMEOUT '1800'
param HEALTH_INTERVAL '10'
param PYTHON_PREFIX '/usr/local/python3'
param OPENSSL_PREFIX '/usr/local/openssl'
param MODEL_CACHE '/root/.cache/modelscope/hub'
param IMAGE_TOOLS 'nginx htpasswd curl'
# <<< parameters

param APP_HOST '127.0.0.1'
param APP_LOG '/var/log/qwen-image-build-app.log'
param WORK_DIR '/root/image-build'
param PYTHON_BIN "$PYTHON_PREFIX/bin/python3"
param APP_PID ''
param IMAGE_BUILD_STEPS 'all'

ALL_STEPS='packages openssl python pip_packages app model start_app health_check stop_app cleanup'

# fetch URL SHA256 DEST: https only, certificate verified (curl default), checksum enforced.
fetch() {
  case "$1" in https://*) ;; *) die "refusing non-https download '$1'" ;; esac
  log "downloading $1"
  curl --proto '=https' -fsSL --retry 3 --connect-timeout 30 -o "$3" "$1" || die "download failed: $1"
  printf '%s  %s\n' "$2" "$3" | sha256sum -c --quiet - ||
    die "sha256 mismatch for $1: expected $2, got $(sha256sum "$3" | cut -d' ' -f1)"
}

step_packages() {
  # Only what the build and the runtime contract use: compilers and headers for OpenSSL/Python,
  # nginx (reverse proxy), httpd-tools (htpasswd), git (app checkout), curl (downloads, health check).
  yum install -y gcc make perl zlib-devel bzip2-devel libffi-devel xz-devel sqlite-devel \
    nginx httpd-tools git curl
  local tool
  for tool in $IMAGE_TOOLS; do
    command -v "$tool" >/dev/null || die "the image layout promises '$tool' to the deploy script, but it is not on PATH after the install"
  done
}

step_openssl() {
  local tarball="$WORK_DIR/openssl-$OPENSSL_VERSION.tar.gz"
  fetch "https://www.openssl.org/source/openssl-$OPENSSL_VERSION.tar.gz" "$OPENSSL_SHA256" "$tarball"
  tar -xzf "$tarball" -C "$WORK_DIR"
  (cd "$WORK_DIR/openssl-$OPENSSL_VERSION" &&
    ./config --prefix="$OPENSSL_PREFIX" --openssldir="$OPENSSL_PREFIX" shared &&
    make -j"$(nproc)" && make install_sw)
  printf '%s/lib\n' "$OPENSSL_PREFIX" > /etc/ld.so.conf.d/qwen-openssl.conf
  ldconfig
  # The deploy script hashes the login password with this openssl (SHA-512 crypt, which nginx
  # verifies through glibc's crypt()): prove it works before the image is captured.
  printf 'image-build-check\n' | "$OPENSSL_PREFIX/bin/openssl" passwd -6 -stdin | grep -q '^\$6\$' ||
    die "$OPENSSL_PREFIX/bin/openssl cannot hash with 'passwd -6' (the deploy script needs it)"
}

step_python() {
  local tarball="$WORK_DIR/Python-$PYTHON_VERSION.tgz"
  fetch "https://www.python.org/ftp/python/$PYTHON_VERSION/Python-$PYTHON_VERSION.tgz" "$PYTHON_SHA256" "$tarball"
  tar -xzf "$tarball" -C "$WORK_DIR"
  (cd "$WORK_DIR/Python-$PYTHON_VERSION" &&
    ./configure --prefix="$PYTHON_PREFIX" --with-openssl="$OPENSSL_PREFIX" --with-openssl-rpath=auto &&
    make -j"$(nproc)" && make install)
  "$PYTHON_BIN" -c 'import ssl, sqlite3, lzma, bz2, ctypes; print(ssl.OPENSSL_VERSION)' >&2 ||
    die "$PYTHON_BIN lacks a required stdlib module (ssl/sqlite3/lzma/bz2/ctypes)"
}

step_pip_packages() {
  tr ' ' '\n' <<<"$PIP_PACKAGES" | grep -v '^$' > "$WORK_DIR/requirements.txt"
  "$PYTHON_BIN" -m pip install --no-cache-dir --upgrade 'pip==23.3.1'
  "$PYTHON_BIN" -m pip install --no-cache-dir -r "$WORK_DIR/requirements.txt"
}

step_app() {
  if [ ! -d "$APP_DIR/.git" ]; then
    git clone "$APP_REPO" "$APP_DIR"
  fi
  (cd "$APP_DIR" && git checkout -q "$APP_REVISION" && git log -1 --format='app revision %H' >&2)
  [ -f "$APP_DIR/app.py" ] || die "$APP_DIR/app.py not found after checkout of $APP_REPO@$APP_REVISION"
}

step_model() {
  mkdir -p "$MODEL_CACHE"
  if [ -n "$MODEL_TARBALL_URL" ]; then
    [ -n "$MODEL_TARBALL_SHA256" ] || die "MODEL_TARBALL_URL is set but MODEL_TARBALL_SHA256 is empty"
    fetch "$MODEL_TARBALL_URL" "$MODEL_TARBALL_SHA256" "$WORK_DIR/model.tar"
    mkdir -p "$MODEL_CACHE/$(dirname "$MODEL_ID")"
    tar -xf "$WORK_DIR/model.tar" -C "$MODEL_CACHE/$(dirname "$MODEL_ID")"
  else
    "$PYTHON_BIN" - <<'PY'
import os
from modelscope.hub.snapshot_download import snapshot_download
path = snapshot_download(os.environ['MODEL_ID'], revision=os.environ['MODEL_REVISION'],
                         cache_dir=os.environ['MODEL_CACHE'])
print('model at', path)
PY
  fi
  [ -d "$MODEL_CACHE/$MODEL_ID" ] || die "model $MODEL_ID not found under $MODEL_CACHE after download"
}

step_start_app() {
  log "starting $APP_DIR/app.py on $APP_HOST:$APP_PORT (log $APP_LOG)"
  (cd "$APP_DIR" && GRADIO_SERVER_NAME="$APP_HOST" GRADIO_SERVER_PORT="$APP_PORT" exec "$PYTHON_BIN" app.py) \
    >"$APP_LOG" 2>&1 &
  APP_PID=$!
}

# Bounded probe: succeeds when the app answers HTTP on APP_HOST:APP_PORT, fails when HEALTH_TIMEOUT
# seconds pass or when the started app process (APP_PID, if known) exits first.
step_health_check() {
  local url="http://$APP_HOST:$APP_PORT/" deadline
  deadline=$(($(date +%s) + HEALTH_TIMEOUT))
  while :; do
    if curl -fs -o /dev/null --max-time 5 "$url" 2>/dev/null; then
      log "app answered on $url"
      return 0
    fi
    if [ -n "$APP_PID" ] && ! kill -0 "$APP_PID" 2>/dev/null; then
      die "app process $APP_PID exited before answering on $url; last lines of $APP_LOG: $(tail -n 20 "$APP_LOG" 2>/dev/null || true)"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      die "app did not answer on $url within $HEALTH_TIMEOUT s; failing the image build (see $APP_LOG)"
    fi
    sleep "$HEALTH_INTERVAL"
  done
}

step_stop_app() {
  [ -n "$APP_PID" ] || return 0
  kill "$APP_PID" 2>/dev/null || true
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=''
}

step_cleanup() {
  rm -rf "$WORK_DIR"
  yum clean all >/dev/null 2>&1 || true
}

main() {
  local steps="$IMAGE_BUILD_STEPS" step
  [ "$steps" != all ] || steps=$ALL_STEPS
  mkdir -p "$WORK_DIR"
  for step in $steps; do
    case " $ALL_STEPS " in
      *" $step "*) ;;
      *) die "unknown step '$step' in IMAGE_BUILD_STEPS; known steps: $ALL_STEPS" ;;
    esac
    log "step $step"
    "step_$step"
  done
  log "done: $steps"
}

main "$@"
