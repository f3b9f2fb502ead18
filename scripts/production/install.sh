#!/usr/bin/env bash
# Installs the production build (scripts/production/build.sh) into a folder, on a host without Docker, the way
# packages/backend/Dockerfile does in an image:
#   scripts/production/install.sh <folder>
# then, from <folder>:
#   NODE_ENV=production NODE_OPTIONS=--no-node-snapshot node packages/backend \
#     --config app-config.production.yaml --config <your app-config.org.yaml>
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:?usage: scripts/production/install.sh <folder>}
dist="$repo/packages/backend/dist"
for file in bundle.tar.gz skeleton.tar.gz package-lock.json; do
  [ -f "$dist/$file" ] || { echo "$dist/$file is missing: run scripts/production/build.sh first" >&2; exit 1; }
done

mkdir -p "$target"
cd "$target"
# dependencies first, from the skeleton and the pruned lockfile (the image caches this layer)
tar xzf "$dist/skeleton.tar.gz"
cp "$repo/package.json" "$repo/.npmrc" "$dist/package-lock.json" .
npm ci --omit=dev --no-audit --no-fund
# then the code, the production config and the templates the catalog and the scaffolder read
tar xzf "$dist/bundle.tar.gz"
cp "$repo/app-config.production.yaml" .
rm -rf templates && cp -r "$repo/templates" templates
echo "Installed in $(pwd)"
