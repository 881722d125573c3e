// The hpsweep version, written into every HDF5 file it produces.
#pragma once

namespace hpsweep {
inline constexpr const char* kVersion = "0.1.0";
// Bumped when the layout of sweep.h5 or checkpoints changes (docs/hdf5-schema.md).
inline constexpr int kSchemaVersion = 4;
}  // namespace hpsweep
