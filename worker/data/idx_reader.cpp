#include "worker/data/idx_reader.h"

#include <zlib.h>

#include <algorithm>
#include <memory>

#include "common/error.h"

namespace hpsweep {
namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// Reads exactly `count` bytes or returns how many it got.
int64_t read_bytes(gzFile file, uint8_t* out, int64_t count) {
  int64_t done = 0;
  while (done < count) {
    const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(count - done, 1 << 30));
    const int got = gzread(file, out + done, chunk);
    if (got <= 0) break;
    done += got;
  }
  return done;
}

}  // namespace

namespace {

GzFile open_idx(const std::string& path) {
  GzFile file(gzopen(path.c_str(), "rb"));
  if (!file)
    throw UserError(path + ": cannot open the IDX file (is dataset-fashion-mnist installed?)");
  gzbuffer(file.get(), 1 << 18);  // zlib's 8 KiB default costs many small reads
  return file;
}

std::vector<int64_t> read_header(gzFile file, const std::string& path) {
  uint8_t magic[4];
  if (read_bytes(file, magic, 4) != 4) throw UserError(path + ": truncated IDX header");
  if (magic[0] != 0 || magic[1] != 0)
    throw UserError(path + ": not an IDX file (bad magic number)");
  if (magic[2] != 0x08)
    throw UserError(path + ": IDX element type 0x" + std::to_string(magic[2]) +
                    " is not supported (only unsigned bytes, 0x08)");
  const int rank = magic[3];
  if (rank < 1 || rank > 4)
    throw UserError(path + ": IDX rank " + std::to_string(rank) + " is not 1 to 4");
  std::vector<int64_t> dims;
  for (int i = 0; i < rank; ++i) {
    uint8_t be[4];
    if (read_bytes(file, be, 4) != 4) throw UserError(path + ": truncated IDX header");
    dims.push_back((int64_t{be[0]} << 24) | (be[1] << 16) | (be[2] << 8) | be[3]);
  }
  return dims;
}

}  // namespace

std::vector<int64_t> read_idx_dims(const std::string& path) {
  return read_header(open_idx(path).get(), path);
}

IdxArray read_idx_file(const std::string& path, int64_t max_items) {
  GzFile file = open_idx(path);
  IdxArray array;
  array.dims = read_header(file.get(), path);
  if (max_items > 0) array.dims[0] = std::min(array.dims[0], max_items);
  int64_t count = 1;
  for (int64_t dim : array.dims) count *= dim;
  array.data.resize(static_cast<size_t>(count));
  const int64_t got = read_bytes(file.get(), array.data.data(), count);
  if (got != count)
    throw UserError(path + ": truncated: the header promises " + std::to_string(count) +
                    " bytes of data, the file holds " + std::to_string(got));
  int errnum = Z_OK;
  gzerror(file.get(), &errnum);
  if (errnum != Z_OK && errnum != Z_STREAM_END) throw UserError(path + ": corrupt gzip stream");
  return array;
}

}  // namespace hpsweep
