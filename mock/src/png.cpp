#include "png.hpp"

#include <stdexcept>
#include <zlib.h>

#include "generator.hpp"

namespace gatecheck::mock {
namespace {

void put32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out += static_cast<char>((value >> shift) & 0xff);
}

// A chunk: length, type, data, and the CRC of type and data (PNG section 5.3).
void chunk(std::string& out, const char* type, const std::string& data) {
  put32(out, static_cast<std::uint32_t>(data.size()));
  const std::string typed = std::string(type, 4) + data;
  out += typed;
  put32(out, static_cast<std::uint32_t>(
                 crc32(0, reinterpret_cast<const Bytef*>(typed.data()), static_cast<uInt>(typed.size()))));
}

// The scanlines: filter byte 0, then RGB; a diagonal blend between two seeded colours.
std::string pixels(std::uint32_t width, std::uint32_t height, std::uint64_t seed) {
  Prng prng(seed);
  std::uint32_t from[3], to[3];
  for (int c = 0; c < 3; ++c) {
    from[c] = static_cast<std::uint32_t>(prng.below(256));
    to[c] = static_cast<std::uint32_t>(prng.below(256));
  }
  std::string raw;
  raw.reserve(std::size_t{height} * (1 + std::size_t{width} * 3));
  const std::uint64_t span = std::uint64_t{width} + height;
  for (std::uint32_t y = 0; y < height; ++y) {
    raw += '\0';
    for (std::uint32_t x = 0; x < width; ++x)
      for (int c = 0; c < 3; ++c)
        raw += static_cast<char>((from[c] * (span - x - y) + to[c] * (x + y)) / span);
  }
  return raw;
}

}  // namespace

std::string png_image(std::uint32_t width, std::uint32_t height, std::uint64_t seed) {
  const std::string raw = pixels(width, height, seed);
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string deflated(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(deflated.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 6) != Z_OK)
    throw std::runtime_error("zlib could not deflate an image");
  deflated.resize(size);
  std::string out = "\x89PNG\r\n\x1a\n";
  std::string header;
  put32(header, width);
  put32(header, height);
  header += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, adaptive filter, no interlace
  chunk(out, "IHDR", header);
  chunk(out, "IDAT", deflated);
  chunk(out, "IEND", "");
  return out;
}

}  // namespace gatecheck::mock
