// Small helpers over the HDF5 C++ API: typed attributes, string lists, float tensors, and the
// temporary-file-then-rename pattern. hpsweep's HDF5 calls all run on one thread (the
// coordinator's), because the C++ API objects are not thread-safe.
#pragma once

#include <H5Cpp.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/tensor.h"
#include "storage/run_fence.h"

namespace hpsweep::h5 {

// Silences HDF5's own error printing; failures surface as exceptions with our messages.
void quiet_errors();

// Strings are variable-length (h5py reads them as str) and rewritten in place when the
// attribute exists, so readers of a live file never find it missing.
void write_attribute(H5::H5Object& object, const std::string& name, const std::string& value);
void write_attribute(H5::H5Object& object, const std::string& name, int64_t value);
void write_attribute(H5::H5Object& object, const std::string& name, uint64_t value);
void write_attribute(H5::H5Object& object, const std::string& name, double value);

bool has_attribute(const H5::H5Object& object, const std::string& name);
std::string read_string_attribute(const H5::H5Object& object, const std::string& name);
int64_t read_int_attribute(const H5::H5Object& object, const std::string& name);
uint64_t read_uint_attribute(const H5::H5Object& object, const std::string& name);
double read_double_attribute(const H5::H5Object& object, const std::string& name);
// The attribute's value as a number when it is numeric, else nullopt-like NaN check by caller.
H5T_class_t attribute_class(const H5::H5Object& object, const std::string& name);

void write_string_list(H5::Group& group, const std::string& name,
                       const std::vector<std::string>& items);
std::vector<std::string> read_string_list(const H5::Group& group, const std::string& name);

// A 1-D column grown by appends, like a curve: numbers (stored as `type`) or strings.
void create_column(H5::Group& group, const std::string& name, const H5::DataType& type);
void create_string_column(H5::Group& group, const std::string& name);
void append_number(H5::Group& group, const std::string& name, double value);
void append_string(H5::Group& group, const std::string& name, const std::string& value);

void write_doubles(H5::Group& group, const std::string& name, const std::vector<double>& values);
std::vector<double> read_doubles(const H5::Group& group, const std::string& name);

// 1-D int64 columns (little-endian), as h5py and pandas read them.
void write_integers(H5::Group& group, const std::string& name, const std::vector<int64_t>& values);
std::vector<int64_t> read_integers(const H5::Group& group, const std::string& name);

void write_tensor(H5::Group& group, const std::string& name, const Tensor& tensor);
Tensor read_tensor(const H5::Group& group, const std::string& name);

// Opens a file with HDF5 1.10's file locking off, so readers (h5py, `hpsweep analyze`) can
// open the file while a sweep writes it; the writer flushes at every consistent point.
H5::FileAccPropList unlocked_access();

// Builds a new HDF5 file through `write` in memory, writes it to `path`.tmp and renames it
// over `path`: a killed process or a full disk leaves either the old file or the new one,
// never a torn file. `expected_bytes` (0: unknown) sizes the memory image, which otherwise
// grows in steps of 1 MiB: each step is allocated and zeroed, which dominates tiny files.
// A worker's write carries its run's `fence` (storage/run_fence.h).
void write_atomically(const std::string& path, const std::function<void(H5::H5File&)>& write,
                      size_t expected_bytes = 0, const RunFence& fence = {});

// An HDF5 file that lives in memory only (the core driver without a backing store), named
// `path` for messages; growing in steps of `increment` bytes.
H5::H5File create_in_memory(const std::string& path, size_t increment);
// Flushes `file` (in memory) and replaces `path` by its image, as write_atomically does.
// Throws Error naming `path`; the file in memory stays whole and open either way.
void write_image_atomically(H5::H5File& file, const std::string& path, const RunFence& fence = {});

}  // namespace hpsweep::h5
