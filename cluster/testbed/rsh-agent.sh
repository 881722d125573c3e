#!/usr/bin/env bash
# Open MPI's remote launcher on the virtual cluster, in place of ssh: mpirun calls
# `rsh-agent.sh [ssh options] HOST COMMAND...` to start its daemon on HOST; this runs COMMAND
# in HOST's namespaces instead (no sshd needed). OMPI_MCA_plm_rsh_agent points here (env.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
while [[ $# -gt 0 && $1 == -* ]]; do shift; done  # ssh options such as -x
host=$1
shift
# Like ssh, the command arrives as words for a shell on the remote host.
testbed_on "$host" bash -c "$*"
