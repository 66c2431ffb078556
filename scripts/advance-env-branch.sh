#!/usr/bin/env bash
# Moves an environment's branch (env/dev, env/staging, env/production) forward to a commit: the
# only way the deploy workflow promotes; and the record of its last healthy commit
# (env/<env>-healthy) forward after a passed health gate. Fast-forward only, so a slower run can
# never move one back; only a rollback does, with --back <failed commit>, to the environment's
# last healthy commit (scripts/rollback-plan.sh), and only while the branch still holds the failed
# commit: a newer promotion that took over is never overwritten. A -healthy record already past
# the commit (runs finishing out of order) is left as it is.
# It pushes with the deploy key in $DEPLOY_KEY, a secret of the GitHub environment of the
# promotion: the workflow's own token cannot push these branches (docs/runbooks/bootstrap.md).
#   scripts/advance-env-branch.sh <branch> <commit> [--back <failed commit>]
# Pushes to $REMOTE_URL, default git@github.com:$GITHUB_REPOSITORY.git.
set -euo pipefail

branch=${1:?usage: advance-env-branch.sh <branch> <commit> [--back <failed commit>]}
commit=${2:?usage: advance-env-branch.sh <branch> <commit> [--back <failed commit>]}
back=${3:-}
failed=${4:-}
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
    "") ;;
    --back) [ -n "$failed" ] || { echo "--back needs the failed commit the branch must still hold" >&2; exit 2; } ;;
    *) echo "unknown option $back: only --back <failed commit>" >&2; exit 2 ;;
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
    git push --force-with-lease="refs/heads/$branch:$failed" "$remote" "$commit:refs/heads/$branch"
elif ! git push "$remote" "$commit:refs/heads/$branch"; then
    case "$branch" in
        *-healthy)
            git fetch --quiet "$remote" "refs/heads/$branch"
            if git merge-base --is-ancestor "$commit" FETCH_HEAD; then
                echo "$branch is already past $commit"
                exit 0
            fi
            ;;
    esac
    exit 1
fi
echo "$branch is at $commit"
