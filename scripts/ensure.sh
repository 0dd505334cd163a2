#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need and is missing: npm dependencies
# and nats-server (Debian's package). Says what to do where it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

# node_modules as a link is another checkout's (a git worktree sharing it): npm ci here would empty
# that checkout's through the link, so it is never reinstalled from here.
if [ -L node_modules ]; then
  :
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
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

# Tools only `npm test` needs (it passes --browser): installed from Debian when this script can.
test_tool() { # command, why, [Debian package, default: the command's name]
  local pkg="${3:-$1}"
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "swarmbus: installing $1 for $2 (apt-get install -y $pkg)…" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >&2
  else
    echo "swarmbus: $1 is not installed; $2 will fail (apt-get install -y $pkg)" >&2
  fi
}

# The many-hosts test (test/e2e/hosts.test.ts) injects faults with nft in network namespaces.
# It skips, saying why, without root; as root, nft is installed here when missing.
if [ "$(id -u)" = 0 ] && ! command -v nft >/dev/null 2>&1 && [ ! -x /usr/sbin/nft ]; then
  test_tool nft "the many-hosts test's faults" nftables
fi

if [ "${1:-}" = "--browser" ]; then
  # The certificate tests read the swarm's files with openssl, as a user checks them. The dashboard's
  # browser test drives Debian's Chromium through playwright-core (playwright's own download cannot run here).
  test_tool openssl "the certificate tests"
  test_tool chromium "the dashboard browser test"
fi
