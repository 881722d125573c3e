#include "analysis/png_image.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/error.h"

namespace hpsweep {
namespace {

void put_u32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

// A chunk: length, type, data, and the CRC-32 of type and data.
void put_chunk(std::string& out, const char* type, const std::string& data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  const std::string typed = type + data;
  out += typed;
  put_u32(out, static_cast<uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(typed.data()), typed.size())));
}

}  // namespace

std::string grayscale_png(const float* pixels, int64_t width, int64_t height) {
  // Each row starts with its filter type, 0 (none).
  std::string raw;
  raw.reserve(height * (width + 1));
  for (int64_t y = 0; y < height; ++y) {
    raw += '\0';
    for (int64_t x = 0; x < width; ++x) {
      const float v = std::clamp(pixels[y * width + x], 0.0f, 1.0f);
      raw += static_cast<char>(static_cast<uint8_t>(std::lround(v * 255.0f)));
    }
  }
  uLongf packed_size = compressBound(raw.size());
  std::vector<Bytef> packed(packed_size);
  if (compress2(packed.data(), &packed_size, reinterpret_cast<const Bytef*>(raw.data()), raw.size(),
                Z_BEST_COMPRESSION) != Z_OK)
    throw Error("PNG: zlib could not compress a " + std::to_string(width) + " x " +
                std::to_string(height) + " image");
  std::string header;
  put_u32(header, static_cast<uint32_t>(width));
  put_u32(header, static_cast<uint32_t>(height));
  header += std::string("\x08\x00\x00\x00\x00", 5);  // 8 bits, grayscale, deflate, no interlace
  std::string png = "\x89PNG\r\n\x1a\n";
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", std::string(reinterpret_cast<const char*>(packed.data()), packed_size));
  put_chunk(png, "IEND", "");
  return png;
}

std::string base64(const std::string& bytes) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = 0;
    for (size_t k = 0; k < 3; ++k)
      group = (group << 8) | (k < n ? static_cast<uint8_t>(bytes[i + k]) : 0);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kDigits[(group >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::string png_data_uri(const float* pixels, int64_t width, int64_t height) {
  return "data:image/png;base64," + base64(grayscale_png(pixels, width, height));
}

}  // namespace hpsweep
