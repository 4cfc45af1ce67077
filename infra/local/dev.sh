#!/usr/bin/env bash
# npm run dev: brings up the local infrastructure, then runs every role of the service in this
# terminal. Secrets that are not set get development-only values, said out loud; never use these
# anywhere real (npm start refuses to run without secrets of your own).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bash infra/local/up.sh
if [ -z "${JWT_SECRET:-}" ] || [ -z "${PAYMENT_WEBHOOK_SECRET:-}" ]; then
  echo "dev: using development-only JWT_SECRET / PAYMENT_WEBHOOK_SECRET (set your own for anything real)"
fi
export JWT_SECRET="${JWT_SECRET:-dev-only-jwt-secret-change-me}"
export PAYMENT_WEBHOOK_SECRET="${PAYMENT_WEBHOOK_SECRET:-dev-only-webhook-secret-change-me}"
echo "dev: starting the service on port ${PORT:-3000} (Ctrl-C stops it; 'npm run infra:down' stops the infrastructure)"
# Flags as in infra/local/node-flags.ts.
exec node --max-semi-space-size=64 --import tsx main.ts
