#!/usr/bin/env bash
# Installs the Debian bookworm packages crm-engine builds and tests with.
# Idempotent and quiet when everything is already present. Must run as root
# (or with sudo available) on a Debian bookworm machine.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  librocksdb-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libxlsxwriter-dev libssl-dev prometheus-cpp-dev
  # The allocator crmd, crmctl and crm_service_bench link (CMakeLists.txt).
  libjemalloc-dev
  # The TLS tests make their certificates with the openssl command.
  openssl
  # Independent clients for the tests (Debian's python3, not pyenv's): an xlsx
  # reader for the exports, and gRPC for a Python backend service.
  python3-openpyxl python3-grpcio python3-protobuf
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
