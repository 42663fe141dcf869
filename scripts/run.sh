#!/usr/bin/env bash
# Builds the product and runs it on its embedded default: crmd, the gRPC
# server, on 127.0.0.1:50051 with RocksDB in a local folder (./crm-data
# unless CRM_DATA_DIR says otherwise). Extra arguments go to crmd, e.g. --demo
# (a sample company) or --help.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target crmd crmctl
exec ./build/service/crmd --data_dir="${CRM_DATA_DIR:-crm-data}" "$@"
