#!/usr/bin/env bash
# Moves an environment's branch (env/dev, env/staging, env/production) forward to a commit: the
# only way the deploy workflow promotes; and the record of its last healthy commit
# (env/<env>-healthy) forward after a passed health gate. Fast-forward only: where the branch is
# already past the commit (a newer run took over), it stands down, saying so, and moves nothing.
# Only a rollback moves a branch back, with --back <failed commit>, to the environment's last
# healthy commit (scripts/rollback-plan.sh), and only while the branch still holds the failed
# commit: a newer promotion that took over is never overwritten.
# It fetches what it needs itself (the branch's tip and both histories), so it works from any
# checkout, a depth-1 one included. It pushes with the deploy key in $DEPLOY_KEY, a secret of the
# GitHub environment of the promotion: the workflow's own token cannot push these branches
# (docs/runbooks/bootstrap.md).
#   scripts/advance-env-branch.sh <branch> <commit> [--back <failed commit>]
# Prints `current=true` when the branch holds the commit afterwards, `current=false` when a newer
# run has taken over (for $GITHUB_OUTPUT); everything else goes to stderr. Uses $REMOTE_URL,
# default git@github.com:$GITHUB_REPOSITORY.git.
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

# The branch's tip on GitHub, and the whole history of it and of the commit: a job's checkout
# has one commit (fetch-depth 1), and git refuses a push whose old tip it does not have.
fetch_tip() {
    tip=""
    if git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null 2>&1; then
        local unshallow=()
        if [ "$(git rev-parse --is-shallow-repository)" = true ]; then unshallow=(--unshallow); fi
        git fetch --quiet --no-tags "${unshallow[@]}" "$remote" "+refs/heads/$branch:refs/homelab/$branch"
        tip=$(git rev-parse "refs/homelab/$branch")
    fi
}

commit=$(git rev-parse --verify "$commit^{commit}")
if [ -n "$back" ]; then
    fetch_tip
    git push --quiet --force-with-lease="refs/heads/$branch:$failed" "$remote" "$commit:refs/heads/$branch"
    echo "$branch is back at $commit" >&2
    echo "current=true"
    exit 0
fi

# A run that pushes between this one's fetch and push makes GitHub refuse the push: look again.
for attempt in 1 2 3; do
    fetch_tip
    if [ "$tip" = "$commit" ]; then
        echo "$branch is at $commit already" >&2
        echo "current=true"
        exit 0
    fi
    if [ -n "$tip" ] && git merge-base --is-ancestor "$commit" "$tip"; then
        echo "::notice::$branch is already at $tip, which includes $commit: a newer run has taken over, so this one stands down" >&2
        echo "current=false"
        exit 0
    fi
    if [ -n "$tip" ] && ! git merge-base --is-ancestor "$tip" "$commit"; then
        echo "::error::$branch is at $tip, neither before nor after $commit: it was moved by hand; move it to a commit of main (docs/runbooks/rollback.md)" >&2
        exit 1
    fi
    # A plain push: GitHub refuses it too unless it moves the branch forward.
    if git push --quiet "$remote" "$commit:refs/heads/$branch"; then
        echo "$branch is at $commit" >&2
        echo "current=true"
        exit 0
    fi
    echo "$branch moved while this run pushed (attempt $attempt); looking again" >&2
done
exit 1
