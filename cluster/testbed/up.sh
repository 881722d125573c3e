#!/usr/bin/env bash
# Starts a virtual cluster of N nodes on this machine, for hpsweep's multi-node tests:
#
#   cluster/testbed/up.sh [N]      (default 2; as root)
#
# Each node (node1..nodeN) and the head (slurmctld) get their own network, hostname and mount
# namespaces, joined by veth pairs to a bridge inside the head's namespace, so that all of the
# testbed's traffic stays on addresses it created (10.77.7.0/24, HPSWEEP_TESTBED_SUBNET) and
# on loopback. munged runs with its own key and socket, slurmctld on the head, one slurmd per
# node (Debian's slurm-wlm, MpiDefault=pmix). The file system is shared, as a cluster's is.
#
# Then, with `source cluster/testbed/env.sh`:
#   cluster/testbed/on.sh head sbatch -N 2 cluster/slurm/sweep.sbatch SPEC OUT
#   cluster/testbed/on.sh node1 mpirun --host node1:2,node2:2 -np 4 hostname
# cluster/testbed/down.sh stops everything. Running up.sh again with the same N does nothing;
# with another N it first takes the old testbed down.
#
# Exit codes: 0 up, 1 failed (see the message and the logs in the state folder),
# 3 this machine refuses network namespaces (tests skip on 3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

nodes=${1:-2}
[[ $nodes =~ ^[1-9][0-9]?$ && $nodes -le 32 ]] || testbed_die "N must be 1 to 32 nodes, got '$nodes'"
[[ $(id -u) -eq 0 ]] || testbed_die "needs root (network namespaces, veth pairs, daemons)"
for tool in unshare nsenter ip munged slurmctld slurmd; do
  command -v "$tool" >/dev/null ||
    testbed_die "'$tool' is missing: bash scripts/setup.sh installs slurm-wlm, munge and iproute2"
done
if ! why=$(unshare --net --uts --mount true 2>&1); then
  echo "cluster/testbed: this machine refuses network namespaces (unshare --net --uts --mount:" \
    "${why:-no reason given}); the virtual cluster needs root with CAP_SYS_ADMIN outside a" \
    "restricted container" >&2
  exit 3
fi

if [[ -n $(testbed_holder head) ]]; then
  if [[ $(testbed_nodes | wc -l) -eq $nodes ]]; then
    echo "cluster/testbed: already up with $nodes nodes ($testbed_dir)"
    exit 0
  fi
  "$here/down.sh"
fi
rm -rf "$testbed_dir"
mkdir -p "$testbed_dir"/{ctld,munge}
trap 'echo "cluster/testbed: start-up failed; logs in $testbed_dir" >&2; "$here/down.sh" --keep-logs' ERR

names=(head)
for ((i = 1; i <= nodes; ++i)); do names+=("node$i"); done
mkdir -p "$testbed_dir/node-local"
for name in "${names[@]}"; do mkdir -p "$testbed_dir/spool/$name" "$testbed_dir/local/$name"; done
printf '%s\n' "${names[@]:1}" >"$testbed_dir/nodes"

# /etc/hosts as every node sees it: the cluster's names, nothing of the machine's own.
{
  echo "127.0.0.1 localhost"
  echo "$testbed_head_address head"
  for ((i = 1; i <= nodes; ++i)); do echo "$testbed_subnet.$i node$i"; done
} >"$testbed_dir/hosts"

# One holder process per node keeps its namespaces alive; they vanish with it (down.sh).
for name in "${names[@]}"; do
  setsid unshare --net --uts --mount --propagation private -- bash -c \
    "hostname $name && mount --bind '$testbed_dir/hosts' /etc/hosts &&
     mount -t tmpfs -o size=1g tmpfs /dev/shm &&
     mount --bind '$testbed_dir/local/$name' '$testbed_dir/node-local' &&
     exec sleep infinity" \
    </dev/null >"$testbed_dir/$name.holder.log" 2>&1 &
  echo $! >"$testbed_dir/$name.pid"
  disown
done
for name in "${names[@]}"; do
  for ((tries = 0; tries < 50; ++tries)); do
    [[ $(testbed_on "$name" hostname 2>/dev/null) == "$name" ]] && break
    sleep 0.1
  done
  [[ $(testbed_on "$name" hostname) == "$name" ]] || testbed_die "node $name did not start"
done

# The network: a bridge in the head's namespace, one veth pair per node.
testbed_on head ip link set lo up
testbed_on head ip link add br0 type bridge
testbed_on head ip addr add "$testbed_head_address/24" dev br0
testbed_on head ip link set br0 up
for ((i = 1; i <= nodes; ++i)); do
  testbed_on head ip link add "veth$i" type veth peer name eth0 netns "$(testbed_holder "node$i")"
  testbed_on head ip link set "veth$i" master br0 up
  testbed_on "node$i" ip link set lo up
  testbed_on "node$i" ip addr add "$testbed_subnet.$i/24" dev eth0
  testbed_on "node$i" ip link set eth0 up
done

# munge: a key and a socket of the testbed's own, so that a munged of the machine is untouched.
chown munge:munge "$testbed_dir/munge"
chmod 755 "$testbed_dir/munge"
runuser -u munge -- mungekey --create --keyfile="$testbed_dir/munge/munge.key"
runuser -u munge -- munged --socket="$testbed_dir/munge/munge.socket" \
  --key-file="$testbed_dir/munge/munge.key" --pid-file="$testbed_dir/munge/munged.pid" \
  --log-file="$testbed_dir/munge/munged.log" --seed-file="$testbed_dir/munge/munged.seed"

# Slurm: each node claims the machine's CPUs and memory as `slurmd -C` reports them.
read -r cpus memory < <(slurmd -C | awk -F'[ =]' '/^NodeName/ {
  for (i = 1; i < NF; ++i) { if ($i == "CPUs") c = $(i + 1); if ($i == "RealMemory") m = $(i + 1) }
  print c, m }')
sed -e "s|@DIR@|$testbed_dir|g" -e "s|@HEAD_ADDRESS@|$testbed_head_address|g" \
  "$here/slurm.conf.in" >"$testbed_dir/slurm.conf"
for ((i = 1; i <= nodes; ++i)); do
  echo "NodeName=node$i NodeAddr=$testbed_subnet.$i CPUs=$cpus RealMemory=$((memory / nodes))" \
    >>"$testbed_dir/slurm.conf"
done
echo "PartitionName=testbed Nodes=ALL Default=YES MaxTime=INFINITE State=UP" \
  >>"$testbed_dir/slurm.conf"

testbed_on head slurmctld -f "$testbed_dir/slurm.conf"
for ((i = 1; i <= nodes; ++i)); do
  testbed_on "node$i" slurmd -f "$testbed_dir/slurm.conf" -N "node$i"
done

# Up when every node is idle (bounded: 30 s).
export SLURM_CONF=$testbed_dir/slurm.conf
for ((tries = 0; tries < 150; ++tries)); do
  idle=$(testbed_on head sinfo -h -N -t idle -o %N 2>/dev/null | sort -u | wc -l)
  ((idle == nodes)) && break
  sleep 0.2
done
if ((idle != nodes)); then
  testbed_on head sinfo -N >&2 || true
  testbed_die "only $idle of $nodes nodes became idle within 30 s"
fi
trap - ERR
echo "cluster/testbed: up: head ($testbed_head_address) and $nodes nodes" \
  "(node1..node$nodes on $testbed_subnet.0/24); state in $testbed_dir"
