# Shared settings of the virtual cluster (sourced by up.sh, down.sh, on.sh and env.sh).
#
# The testbed lives in one state folder; every node is a set of Linux namespaces (network,
# hostname, mount) held open by one `sleep` process whose PID is recorded there.
#   head        10.77.7.254   slurmctld; the bridge that joins the nodes
#   node1..N    10.77.7.1..N  one slurmd each; MPI ranks
# The file system is shared, as on a cluster, /tmp included (the project may live there); each
# node's own mount namespace, gone with it, gives it its own /etc/hosts, /dev/shm (a tmpfs) and
# STATE/node-local (Slurm's TmpFS: job steps keep their PMIx files apart there).

testbed_dir=${HPSWEEP_TESTBED_DIR:-/run/hpsweep-testbed}
testbed_subnet=${HPSWEEP_TESTBED_SUBNET:-10.77.7}
testbed_head_address=$testbed_subnet.254

testbed_die() {
  echo "cluster/testbed: $*" >&2
  exit 1
}

# The PID that holds NAME's namespaces, or nothing when NAME is not running.
testbed_holder() {
  local file=$testbed_dir/$1.pid pid
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

# Runs a command in NAME's namespaces (network, hostname, mount).
testbed_on() {
  local name=$1 pid
  shift
  pid=$(testbed_holder "$name")
  [[ -n $pid ]] || testbed_die "no node '$name' is running (cluster/testbed/up.sh starts them)"
  nsenter -t "$pid" --net --uts --mount --wd="$PWD" -- "$@"
}

# The node names of a running testbed: node1 .. nodeN.
testbed_nodes() {
  [[ -f $testbed_dir/nodes ]] && cat "$testbed_dir/nodes"
}

# The PIDs of every process in the network namespace that `holder` keeps, but the holder.
testbed_members() {
  local holder=$1 net pid
  net=$(readlink "/proc/$holder/ns/net") || return 0
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [[ $pid == "$holder" ]] && continue
    [[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$net" ]] && echo "$pid"
  done
  return 0
}

# Kills them all at once (SIGKILL): by namespace, never by name, so nothing of the machine's
# own is touched.
testbed_kill_members() {
  local pid
  for pid in $(testbed_members "$1"); do kill -KILL "$pid" 2>/dev/null; done
  return 0
}
