// PNG images (ISO/IEC 15948): a deterministic gradient written as a real, valid PNG, and the size of a PNG
// read from its IHDR chunk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatecheck::testing::reference {

// A width x height gradient between colours seeded by `seed`; with `transparent`, RGBA whose pixels outside
// a centred ellipse are fully transparent, else RGB. Legal variants on purpose: every row uses the Sub
// filter, the image data is split over several IDAT chunks, and a tEXt chunk names the software.
std::string png_gradient(std::uint32_t width, std::uint32_t height, std::uint64_t seed, bool transparent);

struct PngSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};
// The size in a PNG's IHDR; nullopt unless the bytes start with the PNG signature and an IHDR chunk.
std::optional<PngSize> png_size(std::string_view bytes);

}  // namespace gatecheck::testing::reference
