// Reader for the IDX format of MNIST and Fashion-MNIST (big-endian header: two zero bytes, a
// type code, the number of dimensions, then each dimension as a 32-bit size). Files may be
// gzipped or plain; zlib's gzread reads both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hpsweep {

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // unsigned bytes (type code 0x08), row-major
};

// Throws UserError naming the file for a missing, malformed or truncated file. `max_items` > 0
// reads only the first items along dimension 0 (dims[0] says how many): a sweep on a subset
// skips decompressing the rest, which is most of a short sweep's start-up.
IdxArray read_idx_file(const std::string& path, int64_t max_items = 0);
// Only the dimensions from the header (cheap: reads a few bytes).
std::vector<int64_t> read_idx_dims(const std::string& path);

}  // namespace hpsweep
