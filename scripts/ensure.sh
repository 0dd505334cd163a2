#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need and is missing: npm dependencies
# and nats-server (Debian's package). Says what to do where it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "swarmbus: installing npm dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "swarmbus: installing nats-server (apt-get install -y nats-server)…" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >&2
  else
    cat >&2 <<'MSG'
swarmbus: nats-server is not installed and this script cannot install it.
  On Debian/Ubuntu, as root:   apt-get install -y nats-server
  Elsewhere: put a nats-server (2.9 or newer) on PATH, or set NATS_SERVER=/path/to/nats-server.
MSG
    exit 1
  fi
fi

# The certificate tests read the swarm's files with the openssl command, as a user checks them.
if [ "${1:-}" = "--browser" ] && ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "swarmbus: installing openssl for the certificate tests (apt-get install -y openssl)…" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >&2
  else
    echo "swarmbus: openssl is not installed; the certificate tests will fail (apt-get install -y openssl)" >&2
  fi
fi

# The dashboard's browser test drives Debian's Chromium through playwright-core
# (playwright's own browser download cannot run here). Only `npm test` asks for it.
if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "swarmbus: installing chromium for the dashboard test (apt-get install -y chromium)…" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "swarmbus: chromium is not installed; the dashboard browser test will fail (apt-get install -y chromium)" >&2
  fi
fi
