#!/usr/bin/env bash
# Production build of the backend, as Backstage builds one: type declarations, every package, then the backend
# bundle. Writes to packages/backend/dist:
#   bundle.tar.gz      the backend, the plugins it runs and the built app (Backstage's bundle)
#   skeleton.tar.gz    the package.json files of that bundle (Backstage's skeleton, installed before the bundle)
#   package-lock.json  this repository's lockfile pruned to the skeleton: every version in it is one the repository
#                      locks and tests (the build fails otherwise)
# Then scripts/production/install.sh installs them into a folder, and packages/backend/Dockerfile into an image.
set -euo pipefail
cd "$(dirname "$0")/../.."

npm run tsc
npx backstage-cli repo build --all
node scripts/production/prune-lockfile.mjs packages/backend/dist
