#!/usr/bin/env bash
# Stops the virtual cluster of up.sh: the Slurm daemons and munged by their PID files, then the
# node holders, whose namespaces (network, hostname, the /etc/hosts bind mount) go with them.
# Leaves nothing running or mounted; safe to run when nothing is up.
#   cluster/testbed/down.sh [--keep-logs]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
[[ -d $testbed_dir ]] || exit 0

for file in "$testbed_dir"/slurmctld.pid "$testbed_dir"/slurmd-*.pid "$testbed_dir"/munge/munged.pid; do
  [[ -f $file ]] && kill -TERM "$(<"$file")" 2>/dev/null
done
# Everything started inside a node (slurmd, job steps, MPI ranks) goes first, then the holders.
for name in head $(testbed_nodes); do
  holder=$(testbed_holder "$name")
  [[ -n $holder ]] && testbed_kill_members "$holder"
done
for name in head $(testbed_nodes); do
  holder=$(testbed_holder "$name")
  [[ -n $holder ]] && kill -KILL "$holder" 2>/dev/null
done
# Bounded wait (5 s) for munged and the holders to be gone.
for ((tries = 0; tries < 50; ++tries)); do
  alive=0
  for file in "$testbed_dir"/*.pid "$testbed_dir"/munge/munged.pid; do
    [[ -f $file ]] && kill -0 "$(<"$file")" 2>/dev/null && alive=1
  done
  ((alive)) || break
  sleep 0.1
done
if [[ ${1:-} == --keep-logs ]]; then
  rm -f "$testbed_dir"/*.pid
else
  rm -rf "$testbed_dir"
fi
