#!/usr/bin/env bash
# Installs the npm packages when a fresh clone has none (or they are older than package-lock.json),
# and nothing else: what `npm run demo` needs before it can read its flags, so that a bad flag
# ends it before any service is started. The services are then brought up by the demo itself.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh

take_lock
ensure_packages
