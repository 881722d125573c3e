#!/usr/bin/env bash
# Runs a command on a node of the virtual cluster (up.sh), in its namespaces:
#   cluster/testbed/on.sh node1 hostname
# Slurm's commands find the testbed through SLURM_CONF (source cluster/testbed/env.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
[[ $# -ge 2 ]] || testbed_die "usage: on.sh NODE COMMAND [ARGS...]"
testbed_on "$@"
