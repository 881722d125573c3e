#include "storage/hdf5_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/error.h"

namespace hpsweep::h5 {

void quiet_errors() {
  H5::Exception::dontPrint();
}

namespace {

const H5::StrType& string_type() {
  static const H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  return type;
}

// For writes of a few values: HDF5 1.10 allocates and zeroes its whole type-conversion buffer
// (1 MiB by default) for every write that converts (strings, doubles into integer columns),
// which made each appended value cost a megabyte of memset.
const H5::DSetMemXferPropList& small_transfer() {
  static const H5::DSetMemXferPropList transfer = [] {
    H5::DSetMemXferPropList t;
    H5Pset_buffer(t.getId(), 4096, nullptr, nullptr);
    return t;
  }();
  return transfer;
}

template <typename T>
void write_scalar(H5::H5Object& object, const std::string& name, const H5::DataType& type,
                  const T& value) {
  if (object.attrExists(name)) object.removeAttr(name);
  H5::Attribute attribute = object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  attribute.write(type, &value);
}

}  // namespace

void write_attribute(H5::H5Object& object, const std::string& name, const std::string& value) {
  if (object.attrExists(name)) {
    H5::Attribute attribute = object.openAttribute(name);
    attribute.write(attribute.getStrType(), value);
    return;
  }
  H5::Attribute attribute = object.createAttribute(name, string_type(), H5::DataSpace(H5S_SCALAR));
  attribute.write(string_type(), value);
}

void write_attribute(H5::H5Object& object, const std::string& name, int64_t value) {
  write_scalar(object, name, H5::PredType::NATIVE_INT64, value);
}
void write_attribute(H5::H5Object& object, const std::string& name, uint64_t value) {
  write_scalar(object, name, H5::PredType::NATIVE_UINT64, value);
}
void write_attribute(H5::H5Object& object, const std::string& name, double value) {
  write_scalar(object, name, H5::PredType::NATIVE_DOUBLE, value);
}

bool has_attribute(const H5::H5Object& object, const std::string& name) {
  return object.attrExists(name);
}

std::string read_string_attribute(const H5::H5Object& object, const std::string& name) {
  H5::Attribute attribute = object.openAttribute(name);
  std::string value;
  attribute.read(attribute.getStrType(), value);
  return value;
}

int64_t read_int_attribute(const H5::H5Object& object, const std::string& name) {
  int64_t value = 0;
  object.openAttribute(name).read(H5::PredType::NATIVE_INT64, &value);
  return value;
}

uint64_t read_uint_attribute(const H5::H5Object& object, const std::string& name) {
  uint64_t value = 0;
  object.openAttribute(name).read(H5::PredType::NATIVE_UINT64, &value);
  return value;
}

double read_double_attribute(const H5::H5Object& object, const std::string& name) {
  double value = 0;
  object.openAttribute(name).read(H5::PredType::NATIVE_DOUBLE, &value);
  return value;
}

H5T_class_t attribute_class(const H5::H5Object& object, const std::string& name) {
  return object.openAttribute(name).getTypeClass();
}

void write_string_list(H5::Group& group, const std::string& name,
                       const std::vector<std::string>& items) {
  std::vector<const char*> pointers;
  for (const std::string& s : items) pointers.push_back(s.c_str());
  const hsize_t count = items.size();
  H5::DataSet dataset = group.createDataSet(name, string_type(), H5::DataSpace(1, &count));
  if (count)
    dataset.write(pointers.data(), string_type(), H5::DataSpace::ALL, H5::DataSpace::ALL,
                  small_transfer());
}

std::vector<std::string> read_string_list(const H5::Group& group, const std::string& name) {
  H5::DataSet dataset = group.openDataSet(name);
  hsize_t count = 0;
  dataset.getSpace().getSimpleExtentDims(&count);
  std::vector<char*> pointers(count);
  if (count) dataset.read(pointers.data(), string_type());
  std::vector<std::string> items(pointers.begin(), pointers.end());
  if (count) {
    H5::DataSpace space = dataset.getSpace();
    H5Dvlen_reclaim(string_type().getId(), space.getId(), H5P_DEFAULT, pointers.data());
  }
  return items;
}

void create_column(H5::Group& group, const std::string& name, const H5::DataType& type) {
  const hsize_t initial = 0, unlimited = H5S_UNLIMITED, chunk = 64;
  H5::DataSpace space(1, &initial, &unlimited);
  H5::DSetCreatPropList properties;
  properties.setChunk(1, &chunk);
  group.createDataSet(name, type, space, properties);
}

void create_string_column(H5::Group& group, const std::string& name) {
  create_column(group, name, string_type());
}

namespace {

// Grows the column by one and writes `value` (in `memory_type`) at the end.
void append(H5::Group& group, const std::string& name, const void* value,
            const H5::DataType& memory_type) {
  H5::DataSet dataset = group.openDataSet(name);
  hsize_t size = 0;
  dataset.getSpace().getSimpleExtentDims(&size);
  const hsize_t new_size = size + 1, one = 1;
  dataset.extend(&new_size);
  H5::DataSpace file_space = dataset.getSpace();
  file_space.selectHyperslab(H5S_SELECT_SET, &one, &size);
  H5::DataSpace memory_space(1, &one);
  dataset.write(value, memory_type, memory_space, file_space, small_transfer());
}

}  // namespace

void append_number(H5::Group& group, const std::string& name, double value) {
  append(group, name, &value, H5::PredType::NATIVE_DOUBLE);
}

void append_string(H5::Group& group, const std::string& name, const std::string& value) {
  const char* pointer = value.c_str();
  append(group, name, &pointer, string_type());
}

void write_doubles(H5::Group& group, const std::string& name, const std::vector<double>& values) {
  const hsize_t count = values.size();
  H5::DataSet dataset =
      group.createDataSet(name, H5::PredType::IEEE_F64LE, H5::DataSpace(1, &count));
  if (count) dataset.write(values.data(), H5::PredType::NATIVE_DOUBLE);
}

std::vector<double> read_doubles(const H5::Group& group, const std::string& name) {
  H5::DataSet dataset = group.openDataSet(name);
  hsize_t count = 0;
  dataset.getSpace().getSimpleExtentDims(&count);
  std::vector<double> values(count);
  if (count) dataset.read(values.data(), H5::PredType::NATIVE_DOUBLE);
  return values;
}

void write_integers(H5::Group& group, const std::string& name, const std::vector<int64_t>& values) {
  const hsize_t count = values.size();
  H5::DataSet dataset =
      group.createDataSet(name, H5::PredType::STD_I64LE, H5::DataSpace(1, &count));
  if (count) dataset.write(values.data(), H5::PredType::NATIVE_INT64);
}

std::vector<int64_t> read_integers(const H5::Group& group, const std::string& name) {
  H5::DataSet dataset = group.openDataSet(name);
  hsize_t count = 0;
  dataset.getSpace().getSimpleExtentDims(&count);
  std::vector<int64_t> values(count);
  if (count) dataset.read(values.data(), H5::PredType::NATIVE_INT64);
  return values;
}

void write_tensor(H5::Group& group, const std::string& name, const Tensor& tensor) {
  std::vector<hsize_t> dims(tensor.shape().begin(), tensor.shape().end());
  H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
  H5::DataSet dataset = group.createDataSet(name, H5::PredType::IEEE_F32LE, space);
  dataset.write(tensor.data(), H5::PredType::NATIVE_FLOAT);
}

Tensor read_tensor(const H5::Group& group, const std::string& name) {
  H5::DataSet dataset = group.openDataSet(name);
  H5::DataSpace space = dataset.getSpace();
  std::vector<hsize_t> dims(space.getSimpleExtentNdims());
  space.getSimpleExtentDims(dims.data());
  Tensor tensor(Shape(dims.begin(), dims.end()));
  dataset.read(tensor.data(), H5::PredType::NATIVE_FLOAT);
  return tensor;
}

H5::FileAccPropList unlocked_access() {
  H5::FileAccPropList access;
  H5Pset_file_locking(access.getId(), false, true);
  return access;
}

namespace {

// Writes `bytes` to path.tmp and renames it over `path`. Plain POSIX calls: a full disk is an
// error code here, never a half-written HDF5 file left open in the library. No fsync: the
// rename makes the replacement atomic for any kill of the process, and a sync per epoch and
// trial would cost more than the write on a parallel file system (docs/resume.md).
void write_bytes_atomically(const std::string& path, const std::vector<char>& bytes,
                            const RunFence& fence) {
  const std::string temporary = temporary_path(path, fence);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path + ": cannot write " + temporary + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const int write_error = done == bytes.size() ? 0 : errno;
  const bool closed = ::close(fd) == 0;  // NFS-like file systems report write errors here
  if (write_error || !closed) {
    const int error = write_error ? write_error : errno;
    ::unlink(temporary.c_str());
    const std::string message = path + ": cannot write: " + std::strerror(error);
    if (error == ENOSPC || error == EDQUOT) throw NoSpaceError(message);
    throw Error(message);
  }
  try {
    commit_fenced(fence, path, [&] {
      if (::rename(temporary.c_str(), path.c_str()) != 0)
        throw Error(path + ": cannot rename " + temporary + " into place: " + std::strerror(errno));
    });
  } catch (const Error&) {
    ::unlink(temporary.c_str());
    throw;
  }
}

}  // namespace

H5::H5File create_in_memory(const std::string& path, size_t increment) {
  try {
    H5::FileAccPropList access;
    H5Pset_fapl_core(access.getId(), increment, /*backing_store=*/false);
    return H5::H5File(path, H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, access);
  } catch (const H5::Exception& e) {
    throw Error(path + ": cannot create in memory: " + e.getDetailMsg());
  }
}

void write_image_atomically(H5::H5File& file, const std::string& path, const RunFence& fence) {
  std::vector<char> image;
  try {
    file.flush(H5F_SCOPE_GLOBAL);
    const ssize_t size = H5Fget_file_image(file.getId(), nullptr, 0);
    if (size < 0) throw Error(path + ": cannot serialize the HDF5 file");
    image.resize(static_cast<size_t>(size));
    if (H5Fget_file_image(file.getId(), image.data(), image.size()) != size)
      throw Error(path + ": cannot serialize the HDF5 file");
  } catch (const H5::Exception& e) {
    throw Error(path + ": cannot write: " + e.getDetailMsg());
  }
  write_bytes_atomically(path, image, fence);
}

void write_atomically(const std::string& path, const std::function<void(H5::H5File&)>& write,
                      size_t expected_bytes, const RunFence& fence) {
  // Build the whole file in memory (HDF5's core driver, no backing store), then write its
  // image in one go: HDF5 itself never writes to the disk, so a full disk cannot leave it with
  // a broken open file (which crashes it when the library shuts down).
  H5::H5File file = create_in_memory(path, expected_bytes > 0 ? expected_bytes : size_t{1} << 20);
  try {
    write(file);
  } catch (const H5::Exception& e) {
    throw Error(path + ": cannot write: " + e.getDetailMsg());
  }
  write_image_atomically(file, path, fence);
}

}  // namespace hpsweep::h5
