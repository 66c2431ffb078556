#!/usr/bin/env bash
# Whether a commit changes anything production runs, against what production runs now (the
# ref env/production): prints `changed=true` or `changed=false` for $GITHUB_OUTPUT. Other
# environments' files, the dummy secrets, docs, tests and CI settings change nothing there, so a
# merge of only those asks for no approval. Without env/production yet, everything is new.
#   scripts/production-changed.sh <commit> [remote, default origin]
set -euo pipefail

commit=${1:?usage: production-changed.sh <commit> [remote]}
remote=${2:-origin}

if ! git rev-parse --verify --quiet "refs/remotes/$remote/env/production" >/dev/null; then
    echo "changed=true"
    exit 0
fi
if git diff --quiet "refs/remotes/$remote/env/production" "$commit" -- . \
    ':(exclude)Pulumi.dev.yaml' ':(exclude)Pulumi.staging.yaml' \
    ':(exclude)gitops/environments/dev' ':(exclude)gitops/environments/staging' \
    ':(exclude)gitops/secrets' ':(exclude)docs' ':(exclude)*.md' ':(exclude)test' \
    ':(exclude)bench' ':(exclude).github' ':(exclude).ci' ':(exclude)renovate.json'; then
    echo "changed=false"
else
    echo "changed=true"
fi
