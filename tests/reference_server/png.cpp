#include "png.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <vector>
#include <zlib.h>

#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr std::string_view kSignature = "\x89PNG\r\n\x1a\n";
constexpr std::size_t kIdatBytes = std::size_t{1} << 16;  // image data split over chunks of 64 KiB

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out += static_cast<char>((v >> shift) & 0xFF);
}

std::uint32_t get32(std::string_view bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i)
    v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

std::string chunk(std::string_view type, std::string_view data) {
  std::string out;
  put32(out, static_cast<std::uint32_t>(data.size()));
  std::string body = std::string(type) + std::string(data);
  const auto crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(body.data()),
                         static_cast<uInt>(body.size()));
  out += body;
  put32(out, static_cast<std::uint32_t>(crc));
  return out;
}

// Rows of filter byte 1 (Sub) then each byte minus the one a pixel to its left: gradients compress well.
std::string filtered_rows(std::uint32_t width, std::uint32_t height, std::uint64_t seed, bool transparent) {
  Rng rng(seed);
  std::array<double, 6> ends{};
  for (double& end : ends)
    end = static_cast<double>(rng.below(256));
  const std::size_t channels = transparent ? 4 : 3;
  std::string out;
  out.reserve((width * channels + 1) * height);
  std::vector<unsigned char> row(width * channels);
  for (std::uint32_t y = 0; y < height; ++y) {
    const double fy = height > 1 ? static_cast<double>(y) / (height - 1) : 0;
    for (std::uint32_t x = 0; x < width; ++x) {
      const double fx = width > 1 ? static_cast<double>(x) / (width - 1) : 0;
      unsigned char* p = &row[x * channels];
      p[0] = static_cast<unsigned char>(ends[0] + (ends[1] - ends[0]) * fx);
      p[1] = static_cast<unsigned char>(ends[2] + (ends[3] - ends[2]) * fy);
      p[2] = static_cast<unsigned char>(ends[4] + (ends[5] - ends[4]) * (fx + fy) / 2);
      const double dx = fx * 2 - 1, dy = fy * 2 - 1;
      if (transparent) p[3] = dx * dx + dy * dy <= 0.64 ? 255 : 0;  // a subject on a clear background
    }
    out += '\x01';
    for (std::size_t i = 0; i < row.size(); ++i)
      out += static_cast<char>(i < channels ? row[i] : row[i] - row[i - channels]);
  }
  return out;
}

}  // namespace

std::string png_gradient(std::uint32_t width, std::uint32_t height, std::uint64_t seed, bool transparent) {
  const std::string raw = filtered_rows(width, height, seed, transparent);
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), Z_DEFAULT_COMPRESSION) != Z_OK)
    throw std::runtime_error("zlib could not compress the image");
  packed.resize(size);
  std::string header;
  put32(header, width);
  put32(header, height);
  header += transparent ? std::string("\x08\x06\x00\x00\x00", 5) : std::string("\x08\x02\x00\x00\x00", 5);
  std::string out = std::string(kSignature) + chunk("IHDR", header);
  out += chunk("tEXt", std::string("Software") + '\0' + "gatecheck reference server");
  for (std::size_t at = 0; at < packed.size(); at += kIdatBytes)
    out += chunk("IDAT", std::string_view(packed).substr(at, kIdatBytes));
  return out + chunk("IEND", "");
}

std::optional<PngSize> png_size(std::string_view bytes) {
  if (bytes.size() < 33 || !bytes.starts_with(kSignature) || get32(bytes, 8) != 13 ||
      bytes.substr(12, 4) != "IHDR")
    return std::nullopt;
  const PngSize size{get32(bytes, 16), get32(bytes, 20)};
  if (size.width == 0 || size.height == 0) return std::nullopt;
  return size;
}

}  // namespace gatecheck::testing::reference
