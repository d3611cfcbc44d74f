#!/bin/sh
# Bundles the profile editor (CodeMirror) into the hub's static files; run by the Maven build (hub/pom.xml).
# Installs the pinned packages from package-lock.json only when node_modules is missing or older than the lock
# file, so a build with node_modules needs no network. Without Node the hub is built without the code editor and
# /hub/admin/profiles offers its plain text area (the page says nothing is missing; the build log warns).
set -eu
cd "$(dirname "$0")"
out="$1"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "[WARNING] Node.js (node and npm) not found: building the hub without the profile code editor;" \
       "/hub/admin/profiles will offer a plain text area. Install Node 18 or later for the editor."
  exit 0
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node build.mjs "$out"
