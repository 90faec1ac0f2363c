#!/bin/bash
# Image build script for the Qwen chat Compute Nest service (ImageBuilder CommandContent).
#
# Runs once on a fresh GPU ECS instance through Compute Nest's image builder (OOS ACS-ECS-UpdateImage ->
# Cloud Assistant RunShellScript); then the instance is stopped and imaged. One script for every base
# (lib/image/os-base.ts): Alibaba Cloud Linux 3 (dnf), Ubuntu 22.04 (apt) and the legacy CentOS 7 (yum).
# Everything the distribution ships supported comes from its packages (nginx, OpenSSL, Python, and the GPU
# driver where the source image lacks it); only the legacy CentOS 7 base builds OpenSSL 1.1.1 and Python
# from pinned, checksummed sources, because it ships no supported version of either.
#
# It leaves the layout the deploy script relies on:
#   - a Python environment at PYTHON_PREFIX (/usr/local/python3/bin/python3): a venv of the base's
#     python on supported bases, a source build on CentOS 7
#   - the demo at APP_DIR, entry app.py, Gradio on APP_HOST:APP_PORT via GRADIO_SERVER_NAME/_PORT
#   - nginx, htpasswd and an openssl with `passwd -6` (OPENSSL_BIN); the htpasswd hash schemes in
#     CRYPT_SCHEMES checked against the base's crypt() by a real nginx; every command of IMAGE_TOOLS
#   - the model pre-downloaded to the ModelScope cache (MODEL_CACHE)
#   - MANIFEST_PATH: what the build really fetched and installed (also printed to the build log)
# PYTHON_PREFIX, OPENSSL_PREFIX, APP_DIR, MODEL_CACHE and IMAGE_TOOLS are the image layout's
# (lib/image/image-layout.ts), which the stack reads too.
#
# Supply chain: every download is https with certificate checks, verified against a pinned sha256; the
# app is checked out at APP_COMMIT and verified; the model files are verified against MODEL_FILE_SHA256;
# Python packages come from a hash-locked file (PIP_LOCK_URL + PIP_LOCK_SHA256). Any mismatch fails the
# build. A pin left empty makes the build say UNPINNED loudly (build log and manifest) and go on.
#
# The block between the ">>> parameters" and "<<< parameters" markers holds the defaults (Alibaba Cloud
# Linux 3, Qwen-14B-Chat). An environment variable of the same name overrides each one: the ImageBuilder
# CommandContent that lib/qwen-chat/image-build-script.ts renders exports every parameter in plain text
# and carries this file (comments removed, gzip, base64) to fit Cloud Assistant's 16 KB limit. The tests
# run single steps the same way (IMAGE_BUILD_STEPS=health_check).
#
# Style rule: this file contains no dollar-brace and no double-brace sequences, because config.yaml
# placeholders (Artifact/ImageBuilder references) and OOS parameters use those forms. It runs on bash 4.2.
set -euo pipefail

log() { printf '[image-build] %s\n' "$*" >&2; }
die() { printf '[image-build] ERROR: %s\n' "$*" >&2; exit 1; }
UNPINNED=''
unpinned() {
  UNPINNED="$UNPINNED $1"
  printf '[image-build] WARNING: UNPINNED %s: %s\n' "$1" "$2" >&2
}

# param NAME DEFAULT: NAME keeps its value if it is in the environment (even empty), else gets DEFAULT.
param() {
  local value
  value=$(printenv "$1") || value=$2
  printf -v "$1" '%s' "$value"
  # shellcheck disable=SC2163 # exporting the variable whose name is $1 is the intent
  export "$1"
}

# >>> parameters
param OS_BASE 'alinux3'
param OS_RELEASE_ID 'alinux'
param OS_RELEASE_VERSION_ID '3'
param PKG_MANAGER 'dnf'
param SYSTEM_PACKAGES 'nginx httpd-tools git curl openssl python3.11 python3.11-pip policycoreutils policycoreutils-python-utils ca-certificates tar'
param GPU_DRIVER_PACKAGES ''
param GPU_DRIVER_MIN '550.54.14'
param CUDA_MIN '11.7'
param BASE_PYTHON '/usr/bin/python3.11'
param PYTHON_SOURCE_VERSION ''
param PYTHON_SOURCE_SHA256 ''
param OPENSSL_SOURCE_VERSION ''
param OPENSSL_SOURCE_SHA256 ''
param OPENSSL_BIN '/usr/bin/openssl'
param NGINX_USER 'nginx'
param CRYPT_SCHEMES 'sha512-crypt'
param PIP_PACKAGES 'torch==2.0.1 transformers==4.32.0 accelerate==0.22.0 tiktoken==0.5.1 transformers_stream_generator==0.0.4 einops==0.6.1 modelscope==1.9.1 gradio==3.41.2'
param PIP_LOCK_URL ''
param PIP_LOCK_SHA256 ''
param APP_REPO 'https://www.modelscope.cn/studios/qwen/Qwen-14B-Chat-Demo.git'
param APP_REVISION 'master'
param APP_COMMIT ''
param APP_DIR '/root/Qwen-14B-Chat-Demo'
param APP_PORT '7860'
param APP_ENTRY 'app.py'
param APP_ARGS ''
param MODEL_ID 'qwen/Qwen-14B-Chat'
param MODEL_REVISION 'v1.0.4'
param MODEL_FILE_SHA256 ''
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
param MANIFEST_PATH '/var/lib/image-build/manifest.txt'
param OS_RELEASE_FILE '/etc/os-release'
param CRYPT_CHECK_PORT '18089'
param PKG_DRY_RUN '0'
param PYTHON_BIN "$PYTHON_PREFIX/bin/python3"
param APP_PID ''
param IMAGE_BUILD_STEPS 'all'

ALL_STEPS='preflight packages verify_packages gpu_driver gpu_check openssl crypt_check python pip_packages app model manifest start_app health_check stop_app cleanup'

# fetch URL SHA256 DEST: https only, certificate verified (curl default), checksum enforced (file removed on mismatch).
fetch() {
  case "$1" in https://*) ;; *) die "refusing non-https download '$1'" ;; esac
  log "downloading $1"
  curl --proto '=https' -fsSL --retry 3 --connect-timeout 30 -o "$3" "$1" || die "download failed: $1"
  if ! printf '%s  %s\n' "$2" "$3" | sha256sum -c --quiet - >/dev/null 2>&1; then
    local got
    got=$(sha256sum "$3" | cut -d' ' -f1)
    rm -f "$3"
    die "sha256 mismatch for $1: expected $2, got $got"
  fi
}

# version_ge A B: A >= B as dotted versions.
version_ge() { printf '%s\n%s\n' "$2" "$1" | sort -V -C; }

# pkg_version NAME: "NAME VERSION" of an installed package, non-zero if it is not installed.
pkg_version() {
  case "$PKG_MANAGER" in
    apt) dpkg -s "$1" 2>/dev/null | awk -v p="$1" '/^Status: /{s=$0} /^Version: /{v=$2} END{if (s ~ / installed$/ && v != "") print p, v; else exit 1}' ;;
    *) rpm -q --qf '%{NAME} %{VERSION}-%{RELEASE}\n' "$1" 2>/dev/null || rpm -q --whatprovides --qf '%{NAME} %{VERSION}-%{RELEASE}\n' "$1" 2>/dev/null ;;
  esac
}

pkg_install() {
  [ "$#" -gt 0 ] || return 0
  case "$PKG_MANAGER" in
    apt)
      export DEBIAN_FRONTEND=noninteractive
      if [ "$PKG_DRY_RUN" = 1 ]; then apt-get install --simulate --no-install-recommends "$@"; return; fi
      apt-get update
      apt-get install -y --no-install-recommends "$@" ;;
    dnf | yum)
      if [ "$PKG_DRY_RUN" = 1 ]; then "$PKG_MANAGER" install -y --setopt=tsflags=test "$@"; return; fi
      "$PKG_MANAGER" install -y "$@" ;;
    *) die "unknown PKG_MANAGER '$PKG_MANAGER' (dnf, yum or apt)" ;;
  esac
}

# The image must be the base this script was rendered for: its package names, paths and crypt() depend on it.
step_preflight() {
  [ -r "$OS_RELEASE_FILE" ] || die "$OS_RELEASE_FILE not found: cannot tell which operating system this is"
  local id version
  # shellcheck disable=SC1090 # os-release is a shell fragment by specification
  id=$(. "$OS_RELEASE_FILE" && printf '%s' "$ID")
  # shellcheck disable=SC1090
  version=$(. "$OS_RELEASE_FILE" && printf '%s' "$VERSION_ID")
  case "$id $version" in
    "$OS_RELEASE_ID $OS_RELEASE_VERSION_ID" | "$OS_RELEASE_ID $OS_RELEASE_VERSION_ID".*) log "base $OS_BASE: $id $version" ;;
    *) die "this script was rendered for $OS_BASE ($OS_RELEASE_ID $OS_RELEASE_VERSION_ID) but the image is '$id' '$version'; render it for this base or use the base's source image" ;;
  esac
  [ -n "$APP_COMMIT" ] || unpinned app "no APP_COMMIT: $APP_REPO is checked out at '$APP_REVISION' and not verified"
  case "$MODEL_REVISION" in master | main) unpinned model-revision "$MODEL_ID is downloaded at the branch '$MODEL_REVISION'" ;; esac
  [ -n "$MODEL_FILE_SHA256" ] || [ -n "$MODEL_TARBALL_SHA256" ] ||
    unpinned model "no MODEL_FILE_SHA256: $MODEL_ID@$MODEL_REVISION files are recorded in the manifest but not verified"
  [ -n "$PIP_LOCK_URL" ] ||
    unpinned python-packages "no PIP_LOCK_URL: only the top-level packages are pinned, their dependencies and hashes are not (make the lock with pip-compile --generate-hashes)"
}

step_packages() {
  # shellcheck disable=SC2086 # the lists are words
  pkg_install $SYSTEM_PACKAGES
}

# dnf, yum and apt can leave a named package out (yum skips unknown names and exits 0): check each one.
step_verify_packages() {
  local p missing=''
  : > "$WORK_DIR/packages.txt"
  for p in $SYSTEM_PACKAGES $GPU_DRIVER_PACKAGES; do
    pkg_version "$p" >> "$WORK_DIR/packages.txt" || missing="$missing $p"
  done
  [ -z "$missing" ] || die "packages not installed after the install step:$missing"
  for p in $IMAGE_TOOLS; do
    command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  [ -z "$missing" ] || die "the image layout promises these commands to the deploy script, but they are not on PATH:$missing"
  log "all $(wc -l < "$WORK_DIR/packages.txt") packages installed; commands on PATH: $IMAGE_TOOLS"
}

# The source image has the driver (empty GPU_DRIVER_PACKAGES) or the base's own packages install it.
step_gpu_driver() {
  if [ -z "$GPU_DRIVER_PACKAGES" ]; then
    log 'GPU driver: provided by the source image'
    return 0
  fi
  local headers=''
  [ "$PKG_MANAGER" != apt ] || headers="linux-headers-$(uname -r)"
  # shellcheck disable=SC2086 # the lists are words
  pkg_install $GPU_DRIVER_PACKAGES $headers
  [ "$PKG_DRY_RUN" = 1 ] || modprobe nvidia || die "the nvidia kernel module does not load after installing $GPU_DRIVER_PACKAGES"
}

# The driver must be there and new enough: GPU_DRIVER_MIN (what the base is stated to have) and CUDA_MIN
# (the CUDA the Python packages were built for).
step_gpu_check() {
  command -v nvidia-smi >/dev/null 2>&1 || die 'nvidia-smi not found: the source image has no NVIDIA driver (use the base GPU image or GPU_DRIVER_PACKAGES)'
  local driver cuda
  nvidia-smi --query-gpu=driver_version,name,memory.total --format=csv,noheader > "$WORK_DIR/gpu.txt" ||
    die 'nvidia-smi failed: the driver does not see a GPU'
  driver=$(head -n 1 "$WORK_DIR/gpu.txt" | cut -d, -f1 | tr -d ' ')
  cuda=$(nvidia-smi | sed -n 's/.*CUDA Version: *\([0-9][0-9.]*\).*/\1/p' | head -n 1)
  if [ -z "$driver" ] || ! version_ge "$driver" "$GPU_DRIVER_MIN"; then
    die "NVIDIA driver '$driver' is older than $GPU_DRIVER_MIN, the driver this base is stated to have"
  fi
  if [ -z "$cuda" ] || ! version_ge "$cuda" "$CUDA_MIN"; then
    die "the driver runs CUDA '$cuda', older than the $CUDA_MIN the Python packages need"
  fi
  printf 'driver %s cuda %s\n' "$driver" "$cuda" >> "$WORK_DIR/gpu.txt"
  log "GPU: $(head -n 1 "$WORK_DIR/gpu.txt"); CUDA $cuda"
}

step_openssl() {
  if [ -n "$OPENSSL_SOURCE_VERSION" ]; then
    [ -n "$OPENSSL_PREFIX" ] || die 'OPENSSL_SOURCE_VERSION is set but OPENSSL_PREFIX (where it installs) is empty'
    log "LEGACY: building OpenSSL $OPENSSL_SOURCE_VERSION (the base ships none with passwd -6)"
    local tarball="$WORK_DIR/openssl-$OPENSSL_SOURCE_VERSION.tar.gz"
    fetch "https://www.openssl.org/source/openssl-$OPENSSL_SOURCE_VERSION.tar.gz" "$OPENSSL_SOURCE_SHA256" "$tarball"
    tar -xzf "$tarball" -C "$WORK_DIR"
    (cd "$WORK_DIR/openssl-$OPENSSL_SOURCE_VERSION" &&
      ./config --prefix="$OPENSSL_PREFIX" --openssldir="$OPENSSL_PREFIX" shared &&
      make -j"$(nproc)" && make install_sw)
    printf '%s/lib\n' "$OPENSSL_PREFIX" > /etc/ld.so.conf.d/qwen-openssl.conf
    ldconfig
  elif [ -n "$OPENSSL_PREFIX" ]; then
    # The layout's openssl is the base's own, linked where the deploy script looks on every base (nothing built).
    install -d -m 0755 "$OPENSSL_PREFIX/bin"
    ln -sfn "$OPENSSL_BIN" "$OPENSSL_PREFIX/bin/openssl"
  fi
  # The deploy script hashes the login password with this openssl: prove it can before the image is captured.
  local layout_bin="$OPENSSL_BIN"
  [ -z "$OPENSSL_PREFIX" ] || layout_bin="$OPENSSL_PREFIX/bin/openssl"
  printf 'image-build-check\n' | "$layout_bin" passwd -6 -stdin | grep -q '^\$6\$' ||
    die "$layout_bin cannot hash with 'passwd -6' (the deploy script needs OpenSSL 1.1.1 or later)"
  log "openssl: $layout_bin: $("$layout_bin" version)"
}

# Each scheme in CRYPT_SCHEMES is checked by a real nginx on loopback (nginx verifies htpasswd hashes with
# the C library's crypt()): 401 without and with a wrong password, 200 with the right one.
step_crypt_check() {
  local dir scheme hash code expect url="http://127.0.0.1:$CRYPT_CHECK_PORT/" pw user=''
  dir=$(mktemp -d /tmp/crypt-check.XXXXXX)
  chmod 0755 "$dir"
  mkdir -p "$dir/www" "$dir/tmp"
  printf 'ok\n' > "$dir/www/index.html"
  pw="check-$(date +%s)-$$"
  [ "$(id -u)" != 0 ] || user="user $NGINX_USER;"
  for scheme in $CRYPT_SCHEMES; do
    case "$scheme" in
      sha512-crypt) hash=$(printf '%s\n' "$pw" | "$OPENSSL_BIN" passwd -6 -stdin) ;;
      bcrypt) hash=$(printf '%s\n' "$pw" | htpasswd -niB -C 10 u | cut -d: -f2-) ;;
      *) die "crypt_check: no tool here makes '$scheme' hashes" ;;
    esac
    printf 'u:%s\n' "$hash" > "$dir/htpasswd"
    chmod 0644 "$dir/htpasswd"
    printf '%s\n' "$user worker_processes 1; pid $dir/nginx.pid; error_log $dir/error.log;" \
      'events { worker_connections 16; }' \
      "http { access_log off; client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp; uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;" \
      "  server { listen 127.0.0.1:$CRYPT_CHECK_PORT; root $dir/www; auth_basic check; auth_basic_user_file $dir/htpasswd; } }" > "$dir/nginx.conf"
    nginx -p "$dir" -c "$dir/nginx.conf" || die "crypt_check: nginx did not start (see $dir/error.log)"
    for expect in 401:none 401:wrong 200:right; do
      case "$expect" in
        *:none) code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true) ;;
        *:wrong) code=$(printf 'user = "u:wrong-%s"\n' "$pw" | curl -s -o /dev/null -w '%{http_code}' -K - "$url" || true) ;;
        *) code=$(printf 'user = "u:%s"\n' "$pw" | curl -s -o /dev/null -w '%{http_code}' -K - "$url" || true) ;;
      esac
      if [ "$code" != "$(printf '%s' "$expect" | cut -d: -f1)" ]; then
        kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
        die "crypt_check: nginx answered $code, not $expect password, for a $scheme hash: this base's crypt() cannot verify it ($(tail -n 3 "$dir/error.log" | tr '\n' ' '))"
      fi
    done
    kill "$(cat "$dir/nginx.pid")"
    for code in 1 2 3 4 5 6 7 8 9 10; do [ -e "$dir/nginx.pid" ] && sleep 0.5; done
    [ ! -e "$dir/nginx.pid" ] || die 'crypt_check: nginx did not stop'
    log "crypt_check: nginx verifies $scheme ($(printf '%s' "$hash" | cut -c1-4)...)"
    printf '%s\n' "$scheme" >> "$WORK_DIR/crypt.txt"
  done
  rm -rf "$dir"
}

step_python() {
  if [ -n "$PYTHON_SOURCE_VERSION" ]; then
    log "LEGACY: building Python $PYTHON_SOURCE_VERSION (the base ships no supported Python 3)"
    local tarball="$WORK_DIR/Python-$PYTHON_SOURCE_VERSION.tgz"
    fetch "https://www.python.org/ftp/python/$PYTHON_SOURCE_VERSION/Python-$PYTHON_SOURCE_VERSION.tgz" "$PYTHON_SOURCE_SHA256" "$tarball"
    tar -xzf "$tarball" -C "$WORK_DIR"
    (cd "$WORK_DIR/Python-$PYTHON_SOURCE_VERSION" &&
      ./configure --prefix="$PYTHON_PREFIX" --with-openssl="$OPENSSL_PREFIX" --with-openssl-rpath=auto &&
      make -j"$(nproc)" && make install)
  else
    [ -x "$BASE_PYTHON" ] || die "$BASE_PYTHON not found: the base's python package is missing"
    "$BASE_PYTHON" -m venv "$PYTHON_PREFIX" || die "$BASE_PYTHON -m venv $PYTHON_PREFIX failed"
  fi
  "$PYTHON_BIN" -c 'import ssl, sqlite3, lzma, bz2, ctypes, sys; print(sys.version.split()[0], ssl.OPENSSL_VERSION)' >&2 ||
    die "$PYTHON_BIN lacks a required stdlib module (ssl/sqlite3/lzma/bz2/ctypes)"
}

step_pip_packages() {
  if [ -n "$PIP_LOCK_URL" ]; then
    fetch "$PIP_LOCK_URL" "$PIP_LOCK_SHA256" "$WORK_DIR/requirements.lock"
    "$PYTHON_BIN" -m pip install --no-cache-dir --require-hashes --no-deps -r "$WORK_DIR/requirements.lock"
  else
    tr ' ' '\n' <<<"$PIP_PACKAGES" | grep -v '^$' > "$WORK_DIR/requirements.txt"
    "$PYTHON_BIN" -m pip install --no-cache-dir --upgrade 'pip==23.3.1'
    "$PYTHON_BIN" -m pip install --no-cache-dir -r "$WORK_DIR/requirements.txt"
  fi
  "$PYTHON_BIN" -m pip check || die 'pip check found broken requirements'
}

step_app() {
  [ -d "$APP_DIR/.git" ] || git clone -q "$APP_REPO" "$APP_DIR" || die "git clone $APP_REPO failed"
  if [ -n "$APP_COMMIT" ]; then
    git -C "$APP_DIR" checkout -q --detach "$APP_COMMIT" 2>/dev/null ||
      die "commit $APP_COMMIT (APP_COMMIT) is not in $APP_REPO"
    [ "$(git -C "$APP_DIR" rev-parse HEAD)" = "$APP_COMMIT" ] ||
      die "$APP_DIR is at $(git -C "$APP_DIR" rev-parse HEAD), not the pinned APP_COMMIT $APP_COMMIT"
  else
    git -C "$APP_DIR" checkout -q "$APP_REVISION" || die "revision $APP_REVISION not found in $APP_REPO"
  fi
  log "app $APP_REPO at $(git -C "$APP_DIR" rev-parse HEAD)"
  [ -f "$APP_DIR/$APP_ENTRY" ] || die "$APP_DIR/$APP_ENTRY not found after checkout of $APP_REPO"
}

step_model() {
  local dir="$MODEL_CACHE/$MODEL_ID" entry file extra
  mkdir -p "$MODEL_CACHE"
  if [ -n "$MODEL_TARBALL_URL" ]; then
    [ -n "$MODEL_TARBALL_SHA256" ] || die "MODEL_TARBALL_URL is set but MODEL_TARBALL_SHA256 is empty"
    fetch "$MODEL_TARBALL_URL" "$MODEL_TARBALL_SHA256" "$WORK_DIR/model.tar"
    mkdir -p "$(dirname "$dir")"
    tar -xf "$WORK_DIR/model.tar" -C "$(dirname "$dir")"
  else
    "$PYTHON_BIN" -c 'import os; from modelscope.hub.snapshot_download import snapshot_download as d; print(d(os.environ["MODEL_ID"], revision=os.environ["MODEL_REVISION"], cache_dir=os.environ["MODEL_CACHE"]))' >&2
  fi
  [ -d "$dir" ] || die "model $MODEL_ID not found under $MODEL_CACHE after download"
  # Every file of the model (the ModelScope client's own dot-files aside), hashed; its Python code runs with remote code trusted.
  (cd "$dir" && find . -type f ! -path '*/.*' | sed 's|^\./||' | LC_ALL=C sort | tr '\n' '\0' | xargs -0 -r sha256sum) > "$WORK_DIR/model-files.sha256"
  [ -n "$MODEL_FILE_SHA256" ] || return 0
  : > "$WORK_DIR/model-expected.sha256"
  for entry in $MODEL_FILE_SHA256; do
    printf '%s  %s\n' "$(printf '%s' "$entry" | cut -d: -f1)" "$(printf '%s' "$entry" | cut -d: -f2-)" >> "$WORK_DIR/model-expected.sha256"
  done
  (cd "$dir" && sha256sum -c --quiet "$WORK_DIR/model-expected.sha256" >&2) ||
    die "model $MODEL_ID@$MODEL_REVISION does not match MODEL_FILE_SHA256 (files above)"
  cut -c67- "$WORK_DIR/model-expected.sha256" > "$WORK_DIR/model-expected.names"
  extra=''
  while read -r _ file; do
    grep -qxF -- "$file" "$WORK_DIR/model-expected.names" || extra="$extra $file"
  done < "$WORK_DIR/model-files.sha256"
  [ -z "$extra" ] || die "model $MODEL_ID has files MODEL_FILE_SHA256 does not list:$extra"
  log "model $MODEL_ID: $(wc -l < "$WORK_DIR/model-expected.sha256") files match their pinned sha256"
}

# What the build really fetched and installed, into the image and the build log; a second build can be diffed against it.
step_manifest() {
  local m="$WORK_DIR/manifest.txt" p f
  for f in gpu.txt:gpu_check crypt.txt:crypt_check model-files.sha256:model; do
    [ -s "$WORK_DIR/$(printf '%s' "$f" | cut -d: -f1)" ] || die "manifest: step $(printf '%s' "$f" | cut -d: -f2) has not run"
  done
  [ -d "$APP_DIR/.git" ] || die 'manifest: step app has not run'
  {
    printf 'manifest_format 1\nbuilt_at %s\nos_base %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$OS_BASE"
    # shellcheck disable=SC1090
    printf 'os %s\nkernel %s\n' "$(. "$OS_RELEASE_FILE" && printf '%s' "$PRETTY_NAME")" "$(uname -r)"
    printf 'unpinned%s\n' "$UNPINNED"
    sed 's/^/gpu /' "$WORK_DIR/gpu.txt"
    printf 'openssl %s\n' "$("$OPENSSL_BIN" version)"
    printf 'nginx %s\n' "$(nginx -v 2>&1)"
    sed 's/^/crypt_verified /' "$WORK_DIR/crypt.txt"
    printf 'python %s\n' "$("$PYTHON_BIN" -c 'import sys; print(sys.version.split()[0])')"
    printf 'app_repo %s\napp_commit %s\n' "$APP_REPO" "$(git -C "$APP_DIR" rev-parse HEAD)"
    printf 'model_id %s\nmodel_revision %s\n' "$MODEL_ID" "$MODEL_REVISION"
    [ -z "$PIP_LOCK_URL" ] || printf 'pip_lock %s %s\n' "$PIP_LOCK_SHA256" "$PIP_LOCK_URL"
    for p in $SYSTEM_PACKAGES $GPU_DRIVER_PACKAGES; do
      printf 'package %s\n' "$(pkg_version "$p")"
    done
    "$PYTHON_BIN" -m pip list --format=freeze 2>/dev/null | sed 's/^/pip /'
    sed 's/^/model_file /' "$WORK_DIR/model-files.sha256"
  } > "$m"
  install -D -m 0644 "$m" "$MANIFEST_PATH"
  log "manifest $MANIFEST_PATH ($(wc -l < "$m") lines):"
  sed 's/^/[image-build] | /' "$m" >&2
}

step_start_app() {
  log "starting $APP_DIR/$APP_ENTRY $APP_ARGS on $APP_HOST:$APP_PORT (log $APP_LOG)"
  # APP_ARGS: the demo's own arguments (a checkpoint-taking demo is told its checkpoint and address); a word list.
  # shellcheck disable=SC2086
  (cd "$APP_DIR" && GRADIO_SERVER_NAME="$APP_HOST" GRADIO_SERVER_PORT="$APP_PORT" exec "$PYTHON_BIN" "$APP_ENTRY" $APP_ARGS) \
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
  case "$PKG_MANAGER" in
    apt) apt-get clean ;;
    *) "$PKG_MANAGER" clean all >/dev/null 2>&1 || true ;;
  esac
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
