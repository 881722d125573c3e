#include "support/local_mpi.h"

#include <cstdlib>
#include <initializer_list>

namespace hpsweep::testing {

void use_local_mpi_settings() {
  for (const char* setting :
       {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
        "OMPI_MCA_rmaps_base_oversubscribe=1", "OMPI_MCA_btl=self,vader",
        "OMPI_MCA_oob_tcp_if_include=lo", "OMPI_MCA_btl_vader_single_copy_mechanism=none",
        "HWLOC_COMPONENTS=-pci,-linuxio"})
    putenv(const_cast<char*>(setting));
}

}  // namespace hpsweep::testing
