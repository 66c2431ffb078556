#!/usr/bin/env bash
# Whether a commit changes anything production runs, against the last commit production ran
# healthy (the ref env/production-healthy): prints `changed=true` or `changed=false` for
# $GITHUB_OUTPUT. What reaches production: its stack file, the program (components, stacks,
# policy, Pulumi.yaml, the Node project), gitops/environments/production and what every
# environment syncs (gitops/infrastructure, gitops/applications, gitops/application-namespace).
# Other environments' files, the dummy secrets, docs, tests, tooling and CI settings change
# nothing there, so a merge of only those asks for no approval. A failed production update
# leaves env/production-healthy behind, so the next merge asks again. Without it, everything is
# new. Run it in a clone with every branch (fetch-depth 0).
#   scripts/production-changed.sh <commit> [remote, default origin]
set -euo pipefail

commit=${1:?usage: production-changed.sh <commit> [remote]}
remote=${2:-origin}

healthy="refs/remotes/$remote/env/production-healthy"
if ! git rev-parse --verify --quiet "$healthy" >/dev/null; then
    echo "changed=true"
    exit 0
fi
if git diff --quiet "$healthy" "$commit" -- . \
    ':(exclude)Pulumi.dev.yaml' ':(exclude)Pulumi.staging.yaml' \
    ':(exclude)gitops/environments/dev' ':(exclude)gitops/environments/staging' \
    ':(exclude)gitops/secrets' ':(exclude)docs' ':(exclude)*.md' ':(exclude)test' \
    ':(exclude)bench' ':(exclude)render' ':(exclude)impact' ':(exclude)scripts' \
    ':(exclude).github' ':(exclude).ci' ':(exclude)renovate.json' ':(exclude)eslint.config.mjs' \
    ':(exclude).prettierrc.json' ':(exclude).prettierignore' ':(exclude).mocharc.json' \
    ':(exclude).gitignore'; then
    echo "changed=false"
else
    echo "changed=true"
fi
