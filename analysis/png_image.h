// Grayscale images as PNG for the HTML report, inline as data: URIs (no file to fetch): the
// report draws test canvases under their boxes (analysis/detection_canvases.h). zlib deflates;
// nothing else is needed.
#pragma once

#include <cstdint>
#include <string>

namespace hpsweep {

// An 8-bit grayscale PNG of `pixels` [height, width] in [0, 1] (clamped, rounded to 0..255).
std::string grayscale_png(const float* pixels, int64_t width, int64_t height);

// RFC 4648 base64, padded with '='.
std::string base64(const std::string& bytes);

// "data:image/png;base64,..." of grayscale_png.
std::string png_data_uri(const float* pixels, int64_t width, int64_t height);

}  // namespace hpsweep
