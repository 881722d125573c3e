#!/usr/bin/env bash
# Faults on a node of the virtual cluster (up.sh), for the node-loss tests:
#   fault.sh crash NODE     every process on NODE dies at once (slurmd, job steps, MPI ranks),
#                           as in a power cut; its network stays up
#   fault.sh unplug NODE    NODE's link goes down: its processes live on, unreachable
#   fault.sh restore NODE   NODE comes back: its link is up, job steps cut off with it have
#                           ended, the rest of what ran on it is gone (as after a reboot),
#                           slurmd runs, and Slurm has it back in service (bounded: 150 s)
#   fault.sh ps NODE        the processes running on NODE (PID and command line)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"
[[ $# -eq 2 ]] || testbed_die "usage: fault.sh crash|unplug|restore|ps NODE"
action=$1 node=$2
holder=$(testbed_holder "$node")
[[ -n $holder ]] || testbed_die "no node '$node' is running"

case $action in
  crash) testbed_kill_members "$holder" ;;
  unplug) testbed_on "$node" ip link set eth0 down ;;
  restore)
    testbed_on "$node" ip link set eth0 up
    # Job steps cut off with the node end once they reach slurmctld again (bounded: 60 s);
    # whatever else ran there is killed, as a reboot would.
    for ((tries = 0; tries < 300; ++tries)); do
      testbed_members "$holder" | xargs -r -I{} cat /proc/{}/comm 2>/dev/null |
        grep -q '^slurmstepd' || break
      sleep 0.2
    done
    slurmd_pid=$(cat "$testbed_dir/slurmd-$node.pid" 2>/dev/null || true)
    for pid in $(testbed_members "$holder"); do
      [[ $pid == "$slurmd_pid" ]] || kill -KILL "$pid" 2>/dev/null || true
    done
    if ! kill -0 "${slurmd_pid:-0}" 2>/dev/null; then
      # A crashed node: a clean spool, as on a node whose spool is in memory (a killed step
      # leaves its PMIx socket file behind, and a requeued job, with the same id, could not
      # bind it again).
      rm -rf "${testbed_dir:?}/spool/$node" && mkdir -p "$testbed_dir/spool/$node"
      testbed_on "$node" slurmd -f "$testbed_dir/slurm.conf" -N "$node"
    fi
    export SLURM_CONF=$testbed_dir/slurm.conf
    for ((tries = 0; tries < 450; ++tries)); do
      # Down (Slurm declared it lost) needs RESUME; a short outage leaves it in service.
      [[ $(testbed_on head sinfo -h -n "$node" -o %T) == down* ]] &&
        { testbed_on head scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true; }
      [[ $(testbed_on head sinfo -h -n "$node" -o %T) == idle ]] && exit 0
      sleep 0.2
    done
    testbed_die "$node did not return to service within 90 s"
    ;;
  ps) testbed_members "$holder" | while read -r pid; do
    echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
  done ;;
  *) testbed_die "unknown fault '$action' (crash, unplug, restore, ps)" ;;
esac
