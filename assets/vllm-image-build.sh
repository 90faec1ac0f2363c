#!/bin/bash
# Image build script for the Qwen API Compute Nest service (ImageBuilder CommandContent): vLLM's
# OpenAI-compatible server and one checkpoint on Ubuntu 22.04.
#
# Runs once on a fresh GPU ECS instance through Compute Nest's image builder (Cloud Assistant
# RunShellScript); then the instance is imaged. Ubuntu 22.04, not Alibaba Cloud Linux 3: vLLM's recent
# wheels need glibc 2.34 or later (vllm-project/vllm issue #41103: the 0.20.0 wheel needs GLIBC_2.34) and
# torch's manylinux_2_28; Ubuntu 22.04 has glibc 2.35, ACL3 2.32. A container on ACL3 would add a
# container runtime, the NVIDIA container toolkit and an image pull from a registry to pin; one venv on
# Ubuntu keeps one set of pins. Leaves the runtime contract the deploy script relies on:
#   - python with vLLM at PYTHON_PREFIX/bin/python3 (a venv), nginx and curl installed
#   - the checkpoint MODEL_ID at MODEL_REVISION in MODELS_DIR/MODEL_ID
#   - a manifest of what was installed at MANIFEST (versions, the model's revision and file hashes)
#
# Before the image is captured, the server is started with the flags the deploy uses for the builder's
# type and must answer /health and a real chat completion; otherwise the build fails (non-zero exit,
# message on stderr). Downloads are https only. Python packages are installed from a hash-locked
# requirements file when PIP_LOCK_URL is given, else pinned by version and the build warns UNPINNED
# (their dependencies then float). The model's files are checked against MODEL_FILE_SHA256 when given
# (a `sha256sum -c` list), else their hashes are recorded in the manifest and the build warns UNPINNED.
#
# The block between the ">>> parameters" and "<<< parameters" markers is rewritten by
# lib/qwen-api/image-build-script.ts; every parameter can be overridden by an environment variable of
# the same name (the tests run IMAGE_BUILD_STEPS='start_server health_check completion_check stop_server'
# against the stand-in server).
#
# Style rule: no dollar-brace and no double-brace sequences (config.yaml placeholders use those forms).
set -euo pipefail

log() { printf '[vllm-image-build] %s\n' "$*" >&2; }
die() { printf '[vllm-image-build] ERROR: %s\n' "$*" >&2; exit 1; }
warn() { printf '[vllm-image-build] UNPINNED: %s\n' "$*" >&2; }

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
param OS_BASE 'ubuntu2204'
param OS_RELEASE 'ubuntu:22.04'
param MIN_GLIBC '2.34'
param OS_PACKAGES 'nginx curl python3 python3-venv ca-certificates'
param VLLM_VERSION '0.11.0'
param TORCH_VERSION '2.8.0'
param MODELSCOPE_VERSION '1.37.1'
param MIN_CUDA '12.8'
param DRIVER_PACKAGES 'nvidia-driver-570-server nvidia-utils-570-server'
param PIP_LOCK_URL ''
param PIP_LOCK_SHA256 ''
param MODEL_ID 'Qwen/Qwen3-8B'
param MODEL_REVISION 'master'
param MODEL_FILE_SHA256 ''
param SERVED_MODEL_NAME 'Qwen3-8B'
param REASONING_PARSER 'qwen3'
param TENSOR_PARALLEL_SIZE '1'
param MAX_MODEL_LEN '32768'
param GPU_MEMORY_UTILIZATION '0.9'
param COMPLETION_BODY '{"model":"Qwen3-8B","messages":[{"role":"user","content":"Reply with the single word OK."}],"max_tokens":16,"stream":false,"chat_template_kwargs":{"enable_thinking":false}}'
param PYTHON_PREFIX '/usr/local/vllm'
param MODELS_DIR '/var/lib/qwen-api/models'
param IMAGE_TOOLS 'nginx curl'
param HEALTH_TIMEOUT '1800'
# <<< parameters

param SERVER_PORT '8000'
param SERVER_LOG '/var/log/vllm-image-build-server.log'
param MANIFEST '/etc/qwen-api-image-manifest.txt'
param WORK_DIR '/root/vllm-image-build'
param PYTHON_BIN "$PYTHON_PREFIX/bin/python3"
param SERVER_PID ''
param IMAGE_BUILD_STEPS 'all'

ALL_STEPS='os_check packages gpu_check venv pip_packages model start_server health_check completion_check stop_server manifest cleanup'
# shellcheck disable=SC2153 # set by param above
MODEL_DIR="$MODELS_DIR/$MODEL_ID"

# version_ge A B: true when version A >= B (dotted numbers).
version_ge() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]; }

# fetch URL SHA256 DEST: https only, certificate verified (curl default), checksum enforced.
fetch() {
  case "$1" in https://*) ;; *) die "refusing non-https download '$1'" ;; esac
  curl --proto '=https' -fsSL --retry 3 --connect-timeout 30 -o "$3" "$1" || die "download failed: $1"
  printf '%s  %s\n' "$2" "$3" | sha256sum -c --quiet - ||
    die "sha256 mismatch for $1: expected $2, got $(sha256sum "$3" | cut -d' ' -f1)"
}

step_os_check() {
  # shellcheck disable=SC1091 # the base's own os-release
  . /etc/os-release
  [ "$ID:$VERSION_ID" = "$OS_RELEASE" ] || die "this build is rendered for $OS_BASE ($OS_RELEASE); the base is $ID:$VERSION_ID: use that base's source image"
  local glibc
  glibc=$(ldd --version | head -n 1 | grep -oE '[0-9]+\.[0-9]+$')
  version_ge "$glibc" "$MIN_GLIBC" || die "glibc $glibc is older than $MIN_GLIBC, which vLLM's wheels need"
}

step_packages() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # shellcheck disable=SC2086 # word lists
  apt-get install -y --no-install-recommends $OS_PACKAGES python3-dev build-essential $DRIVER_PACKAGES
  local tool
  for tool in $IMAGE_TOOLS; do
    command -v "$tool" >/dev/null || die "the image layout promises '$tool' to the deploy script, but it is not on PATH after the install"
  done
}

step_gpu_check() {
  # A driver installed by this build is loaded without a reboot when no other NVIDIA module holds the GPU.
  nvidia-smi >/dev/null 2>&1 || modprobe nvidia 2>/dev/null || true
  local cuda gpus
  cuda=$(nvidia-smi 2>/dev/null | grep -oE 'CUDA Version: [0-9.]+' | grep -oE '[0-9.]+$') ||
    die "nvidia-smi does not work: no GPU or no driver; build on a GPU instance type with DRIVER_PACKAGES"
  version_ge "$cuda" "$MIN_CUDA" || die "the driver runs CUDA $cuda, vLLM $VLLM_VERSION's wheels need $MIN_CUDA; install a newer driver (DRIVER_PACKAGES)"
  gpus=$(nvidia-smi --query-gpu=index --format=csv,noheader | wc -l)
  [ "$gpus" -ge "$TENSOR_PARALLEL_SIZE" ] || die "the builder has $gpus GPUs, the build's check runs at tensor-parallel size $TENSOR_PARALLEL_SIZE: choose a builder type with more GPUs"
}

step_venv() {
  python3 -m venv "$PYTHON_PREFIX"
  "$PYTHON_BIN" -m pip install --no-cache-dir --upgrade 'pip==24.2'
}

step_pip_packages() {
  if [ -n "$PIP_LOCK_URL" ]; then
    [ -n "$PIP_LOCK_SHA256" ] || die "PIP_LOCK_URL is set but PIP_LOCK_SHA256 is empty"
    fetch "$PIP_LOCK_URL" "$PIP_LOCK_SHA256" "$WORK_DIR/requirements.lock"
    "$PYTHON_BIN" -m pip install --no-cache-dir --require-hashes --no-deps --only-binary :all: -r "$WORK_DIR/requirements.lock"
  else
    warn "no PIP_LOCK_URL: vllm==$VLLM_VERSION torch==$TORCH_VERSION modelscope==$MODELSCOPE_VERSION are pinned, their dependencies are not"
    "$PYTHON_BIN" -m pip install --no-cache-dir "vllm==$VLLM_VERSION" "torch==$TORCH_VERSION" "modelscope==$MODELSCOPE_VERSION"
  fi
  local got
  got=$("$PYTHON_BIN" -c 'import vllm, torch; print(vllm.__version__, torch.__version__.split("+")[0])')
  [ "$got" = "$VLLM_VERSION $TORCH_VERSION" ] || die "installed vllm/torch are '$got', not '$VLLM_VERSION $TORCH_VERSION'"
}

step_model() {
  mkdir -p "$MODEL_DIR"
  [ "$MODEL_REVISION" != master ] || warn "model $MODEL_ID at revision master: give a ModelScope tag (MODEL_REVISION)"
  # modelscope's CLI (modelscope/modelscope v1.37.1 modelscope/cli/download.py: --model, --revision, --local_dir).
  "$PYTHON_PREFIX/bin/modelscope" download --model "$MODEL_ID" --revision "$MODEL_REVISION" --local_dir "$MODEL_DIR" ||
    die "could not download $MODEL_ID at $MODEL_REVISION from ModelScope"
  [ -f "$MODEL_DIR/config.json" ] || die "$MODEL_DIR/config.json missing after the download of $MODEL_ID"
  if [ -n "$MODEL_FILE_SHA256" ]; then
    (cd "$MODEL_DIR" && printf '%s\n' "$MODEL_FILE_SHA256" | sha256sum -c --quiet -) || die "a file of $MODEL_ID does not match MODEL_FILE_SHA256"
  else
    warn "no MODEL_FILE_SHA256: the hashes of $MODEL_ID's files are recorded in $MANIFEST, not checked"
  fi
}

step_start_server() {
  log "starting vLLM $SERVED_MODEL_NAME on 127.0.0.1:$SERVER_PORT at TP $TENSOR_PARALLEL_SIZE, $MAX_MODEL_LEN tokens (log $SERVER_LOG)"
  # The same flags as the deploy's unit (lib/serving/vllm-server.ts) for the builder's type.
  set -- --model "$MODEL_DIR" --served-model-name "$SERVED_MODEL_NAME" --host 127.0.0.1 --port "$SERVER_PORT" \
    --max-model-len "$MAX_MODEL_LEN" --tensor-parallel-size "$TENSOR_PARALLEL_SIZE" \
    --gpu-memory-utilization "$GPU_MEMORY_UTILIZATION"
  [ -z "$REASONING_PARSER" ] || set -- "$@" --reasoning-parser "$REASONING_PARSER"
  HF_HUB_OFFLINE=1 "$PYTHON_BIN" -m vllm.entrypoints.openai.api_server "$@" \
    --enable-auto-tool-choice --tool-call-parser hermes >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
}

# wait_for WHAT CHECK...: runs CHECK until it succeeds; fails when the server exits or HEALTH_TIMEOUT passes.
wait_for() {
  local what=$1 deadline
  shift
  deadline=$(($(date +%s) + HEALTH_TIMEOUT))
  until "$@"; do
    if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
      die "the server exited before $what; last lines of $SERVER_LOG: $(tail -n 20 "$SERVER_LOG" 2>/dev/null || true)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "no $what within $HEALTH_TIMEOUT s; failing the image build (see $SERVER_LOG)"
    sleep 5
  done
  log "$what: ok"
}

health_ok() { curl -fs -o /dev/null --max-time 5 "http://127.0.0.1:$SERVER_PORT/health"; }

completion_ok() {
  local status
  status=$(curl -s -o "$WORK_DIR/completion.json" -w '%{http_code}' --max-time 120 -H 'Content-Type: application/json' \
    --data-binary "$COMPLETION_BODY" "http://127.0.0.1:$SERVER_PORT/v1/chat/completions") || return 1
  if [ "$status" != 200 ]; then
    log "chat completion answered $status: $(head -c 300 "$WORK_DIR/completion.json")"
    case "$status" in 5*) die "the server answered $status to a chat completion: the model does not serve; failing the image build" ;; esac
    return 1
  fi
  grep -Eq '"object" *: *"chat\.completion"' "$WORK_DIR/completion.json" || die "the chat completion's body is not a chat.completion: $(head -c 300 "$WORK_DIR/completion.json")"
}

step_health_check() { wait_for '/health answer' health_ok; }

step_completion_check() {
  wait_for 'chat completion' completion_ok
  log "answer: $(head -c 300 "$WORK_DIR/completion.json")"
}

step_stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=''
}

step_manifest() {
  {
    # shellcheck disable=SC1091 # the base's own os-release
    printf 'os %s\n' "$(. /etc/os-release && printf '%s %s' "$ID" "$VERSION_ID")"
    printf 'glibc %s\n' "$(ldd --version | head -n 1 | grep -oE '[0-9]+\.[0-9]+$')"
    printf 'driver %s\n' "$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -n 1)"
    printf 'python-packages\n'
    "$PYTHON_BIN" -m pip freeze
    printf 'model %s revision %s\n' "$MODEL_ID" "$MODEL_REVISION"
    (cd "$MODEL_DIR" && find . -type f ! -path './.*' -print0 | sort -z | xargs -0 sha256sum)
  } > "$MANIFEST"
  log "manifest written to $MANIFEST"
}

step_cleanup() {
  rm -rf "$WORK_DIR"
  apt-get clean >/dev/null 2>&1 || true
}

main() {
  local steps="$IMAGE_BUILD_STEPS" step
  [ "$steps" != all ] || steps=$ALL_STEPS
  mkdir -p "$WORK_DIR"
  trap 'step_stop_server' EXIT
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
