#!/usr/bin/env bash
# Where a failed environment goes back to, and whether Pulumi must run there: its last healthy
# commit (the ref env/<env>-healthy, which the deploy workflow advances after each passed health
# gate) and whether anything `pulumi up` reads differs between that commit and the failed one.
# Argo CD follows the environment's ref by itself; the program, the stack's config, the dummy
# secrets Pulumi creates and the applications it gives stores and projects need an `up`. When in
# doubt it says true: an `up` of an unchanged program changes nothing.
# Prints `healthy=<sha>` and `rerun=true|false` for $GITHUB_OUTPUT; exits 3, saying why, when the
# environment has never been healthy (there is nothing to go back to), and 4 when its last
# healthy commit already includes the failed one (a later run passed its gate: nothing to undo).
#   scripts/rollback-plan.sh <env> <failed-commit> [remote, default origin]
set -euo pipefail

env=${1:?usage: rollback-plan.sh <env> <failed-commit> [remote]}
failed=${2:?usage: rollback-plan.sh <env> <failed-commit> [remote]}
remote=${3:-origin}
case "$env" in
    dev | staging | production) ;;
    *) echo "no environment $env: dev, staging or production" >&2; exit 2 ;;
esac

healthy_ref="refs/remotes/$remote/env/$env-healthy"
if ! healthy=$(git rev-parse --verify --quiet "$healthy_ref^{commit}"); then
    echo "$env has never passed its health gate (no env/$env-healthy): nothing to roll back to" >&2
    exit 3
fi

if git merge-base --is-ancestor "$failed" "$healthy"; then
    echo "$env is already healthy at $healthy, which includes $failed: a later run has taken over" >&2
    exit 4
fi

# What no `pulumi up --stack <env>` reads: other stacks' files, what only Argo CD deploys, docs,
# tests and CI settings.
others=()
for other in dev staging production; do
    if [ "$other" != "$env" ]; then
        others+=(":(exclude)Pulumi.$other.yaml" ":(exclude)gitops/secrets/$other")
    fi
done
if git diff --quiet "$healthy" "$failed" -- . "${others[@]}" \
    ':(exclude)gitops/environments' ':(exclude)gitops/infrastructure' \
    ':(exclude)gitops/application-namespace' ':(exclude)docs' ':(exclude)*.md' ':(exclude)test' \
    ':(exclude)bench' ':(exclude).github' ':(exclude).ci' ':(exclude)renovate.json'; then
    rerun=false
else
    rerun=true
fi
echo "healthy=$healthy"
echo "rerun=$rerun"
