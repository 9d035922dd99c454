// Small, valid PNG images drawn deterministically from a seed: an RGB gradient whose colours come from the
// seed, deflated with zlib (a 1024x1024 image is a few KiB). The images API answers with them.
#pragma once

#include <cstdint>
#include <string>

namespace gatecheck::mock {

std::string png_image(std::uint32_t width, std::uint32_t height, std::uint64_t seed);

}  // namespace gatecheck::mock
