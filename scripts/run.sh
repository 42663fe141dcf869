#!/usr/bin/env bash
# Builds the product and runs it on its embedded default: RocksDB in a local
# folder (./crm-data unless CRM_DATA_DIR says otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target crm_store_demo
exec ./build/tools/crm_store_demo "${CRM_DATA_DIR:-crm-data}"
