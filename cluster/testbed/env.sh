# Settings for using the virtual cluster of up.sh (source this file):
#   Slurm's commands read SLURM_CONF;
#   Open MPI's mpirun starts its daemons through rsh-agent.sh and talks TCP on the
#   testbed's subnet only (shared memory within a node).
_testbed_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$_testbed_here/common.sh"
export SLURM_CONF=$testbed_dir/slurm.conf
export OMPI_MCA_plm_rsh_agent=$_testbed_here/rsh-agent.sh
export OMPI_MCA_btl=self,vader,tcp
export OMPI_MCA_btl_tcp_if_include=$testbed_subnet.0/24
export OMPI_MCA_oob_tcp_if_include=$testbed_subnet.0/24
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# mpirun notices a node whose network dropped after about 25 s instead of 8 minutes (TCP
# keepalive on its daemons' connections; cluster/README.md, "When a node is lost").
export OMPI_MCA_oob_tcp_keepalive_time=10 OMPI_MCA_oob_tcp_keepalive_intvl=5
export OMPI_MCA_oob_tcp_keepalive_probes=3
unset _testbed_here
