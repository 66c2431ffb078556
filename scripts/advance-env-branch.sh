#!/usr/bin/env bash
# Moves an environment's branch (env/staging, env/production) forward to a commit: the only
# way the deploy workflow promotes. Fast-forward only, so a slower run can never move it back.
# It pushes with the deploy key in $DEPLOY_KEY, a secret of the GitHub environment of the
# promotion: the workflow's own token cannot push these branches (docs/runbooks/bootstrap.md).
#   scripts/advance-env-branch.sh <branch> <commit>
# Pushes to $REMOTE_URL, default git@github.com:$GITHUB_REPOSITORY.git.
set -euo pipefail

branch=${1:?usage: advance-env-branch.sh <branch> <commit>}
commit=${2:?usage: advance-env-branch.sh <branch> <commit>}
case "$branch" in
    env/staging | env/production) ;;
    *) echo "refusing to move $branch: only env/staging and env/production are environments" >&2; exit 2 ;;
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

git push "$remote" "$commit:refs/heads/$branch"
echo "$branch is at $commit"
