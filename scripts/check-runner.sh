#!/usr/bin/env bash
# The trust boundary, checked where a job can see it, before it loads any credential. Each
# self-hosted runner says what it is for in HOMELAB_RUNNER_ROLE, set in the .env file of its
# directory (docs/runbooks/bootstrap.md, step 11):
#   deploy         runs main's code only, and holds the SSH key, production's Vault token and
#                  every stack's passphrase;
#   pull-requests  runs the code of pull requests, with dev's and staging's preview credentials.
# A job refuses a runner of the other role, or one that does not say. In a public repository a
# fork's pull request can bring a workflow of its own to any runner the repository may use, so
# there every job also needs the admin's word (the variable HOMELAB_RUNNERS_RESTRICTED=true) that
# the runners' group takes only this repository's workflows from main, and that outside
# contributors' runs wait for an approval.
#   scripts/check-runner.sh <deploy|pull-requests>
# Reads HOMELAB_RUNNER_ROLE, REPOSITORY_VISIBILITY and RUNNERS_RESTRICTED from the environment.
set -euo pipefail

wanted=${1:?usage: check-runner.sh <deploy|pull-requests>}
case "$wanted" in
    deploy | pull-requests) ;;
    *) echo "no runner role $wanted: deploy or pull-requests" >&2; exit 2 ;;
esac
role=${HOMELAB_RUNNER_ROLE:-}
if [ -z "$role" ]; then
    echo "::error::this runner does not say what it is for: add HOMELAB_RUNNER_ROLE=$wanted to the .env file in its directory and restart it (docs/runbooks/bootstrap.md, step 11)" >&2
    exit 1
fi
if [ "$role" != "$wanted" ]; then
    echo "::error::this job needs a $wanted runner, and this one is for $role: the runners that run pull requests' code must never be the ones that hold production's credentials (docs/runbooks/bootstrap.md, step 11)" >&2
    exit 1
fi
if [ "${REPOSITORY_VISIBILITY:-}" = public ] && [ "${RUNNERS_RESTRICTED:-}" != true ]; then
    echo "::error::this repository is public: a fork's pull request could run a workflow of its own on these runners. Restrict their runner group to this repository's workflows on main, require approval for outside contributors, then set the variable HOMELAB_RUNNERS_RESTRICTED=true (docs/runbooks/bootstrap.md, step 11)" >&2
    exit 1
fi
echo "runner role: $role" >&2
