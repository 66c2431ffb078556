#!/usr/bin/env bash
# Moves an environment's branch (env/dev, env/staging, env/production) forward to a commit: the
# only way the deploy workflow promotes; and the record of its last healthy commit
# (env/<env>-healthy) forward after a passed health gate. Fast-forward only, so a slower run can
# never move one back; only a rollback does, with --back, to the environment's last healthy
# commit (scripts/rollback-plan.sh).
# It pushes with the deploy key in $DEPLOY_KEY, a secret of the GitHub environment of the
# promotion: the workflow's own token cannot push these branches (docs/runbooks/bootstrap.md).
#   scripts/advance-env-branch.sh <branch> <commit> [--back]
# Pushes to $REMOTE_URL, default git@github.com:$GITHUB_REPOSITORY.git.
set -euo pipefail

branch=${1:?usage: advance-env-branch.sh <branch> <commit> [--back]}
commit=${2:?usage: advance-env-branch.sh <branch> <commit> [--back]}
back=${3:-}
case "$branch" in
    env/dev | env/staging | env/production) ;;
    env/dev-healthy | env/staging-healthy | env/production-healthy)
        if [ -n "$back" ]; then
            echo "refusing to move $branch back: a healthy commit stays healthy" >&2
            exit 2
        fi
        ;;
    *) echo "refusing to move $branch: only the environments' branches and their -healthy records" >&2; exit 2 ;;
esac
case "$back" in
    "" | --back) ;;
    *) echo "unknown option $back: only --back" >&2; exit 2 ;;
esac
remote=${REMOTE_URL:-git@github.com:${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is unset}.git}

if [ -n "${DEPLOY_KEY:-}" ]; then
    eval "$(ssh-agent -s)" >/dev/null
    trap 'ssh-agent -k >/dev/null' EXIT
    ssh-add -q - <<<"$DEPLOY_KEY"
    # GitHub's published host key: the first connection trusts nothing else.
    known_hosts=$(mktemp)
    echo "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" >"$known_hosts"
    export GIT_SSH_COMMAND="ssh -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$known_hosts"
fi

if [ -n "$back" ]; then
    git push --force "$remote" "$commit:refs/heads/$branch"
else
    git push "$remote" "$commit:refs/heads/$branch"
fi
echo "$branch is at $commit"
