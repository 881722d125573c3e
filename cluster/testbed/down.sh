#!/usr/bin/env bash
# Stops the virtual cluster of up.sh: the Slurm daemons and munged by their PID files, then the
# node holders, whose namespaces (network, hostname, the /etc/hosts bind mount) go with them.
# Leaves nothing running or mounted; safe to run when nothing is up.
#   cluster/testbed/down.sh [--keep-logs]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
[[ -d $testbed_dir ]] || exit 0

# Every process started inside a node's namespaces (slurmd, job steps, MPI ranks) ends with it:
# killed by the namespaces it runs in, not by name, so nothing of the machine's own is touched.
kill_namespace_members() {
  local holder=$1 net pid
  net=$(readlink "/proc/$holder/ns/net") || return 0
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [[ $pid == "$holder" ]] && continue
    [[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$net" ]] && kill -KILL "$pid" 2>/dev/null
  done
}

for file in "$testbed_dir"/slurmctld.pid "$testbed_dir"/slurmd-*.pid "$testbed_dir"/munge/munged.pid; do
  [[ -f $file ]] && kill -TERM "$(<"$file")" 2>/dev/null
done
for name in head $(testbed_nodes); do
  holder=$(testbed_holder "$name")
  [[ -n $holder ]] && kill_namespace_members "$holder"
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
