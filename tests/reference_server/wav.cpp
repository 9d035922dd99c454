#include "wav.hpp"

#include <algorithm>

namespace gatecheck::testing::reference {
namespace {

void put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}

void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

std::uint32_t get(std::string_view bytes, std::size_t at, int width) {
  std::uint32_t v = 0;
  for (int i = width - 1; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return v;
}

std::string chunk(std::string_view id, const std::string& body) {
  std::string out(id);
  put32(out, static_cast<std::uint32_t>(body.size()));
  out += body;
  if (body.size() % 2 == 1) out += '\0';  // chunks are padded to an even size
  return out;
}

}  // namespace

std::string pcm_bytes(const std::vector<std::int16_t>& samples) {
  std::string out;
  out.reserve(samples.size() * 2);
  for (const std::int16_t s : samples)
    put16(out, static_cast<std::uint16_t>(s));
  return out;
}

std::string wav_bytes(const std::vector<std::int16_t>& samples) {
  std::string format;
  put16(format, 1);  // PCM
  put16(format, 1);  // mono
  put32(format, kSampleRate);
  put32(format, kSampleRate * 2);  // bytes per second
  put16(format, 2);                // block align
  put16(format, 16);               // bits per sample
  const std::string info = "INFO" + chunk("ISFT", std::string("gatecheck reference server") + '\0');
  const std::string body =
      "WAVE" + chunk("fmt ", format) + chunk("LIST", info) + chunk("data", pcm_bytes(samples));
  return chunk("RIFF", body);
}

std::optional<WavInfo> read_wav(std::string_view bytes) {
  if (bytes.size() < 12 || bytes.substr(0, 4) != "RIFF" || bytes.substr(8, 4) != "WAVE") return std::nullopt;
  // The chunks end where the RIFF size says, or at the end of the bytes if that comes first.
  const std::size_t end = std::min<std::size_t>(bytes.size(), std::size_t{8} + get(bytes, 4, 4));
  WavInfo info;
  std::optional<std::size_t> data_size;
  for (std::size_t at = 12; at + 8 <= end;) {
    const std::string_view id = bytes.substr(at, 4);
    std::size_t size = get(bytes, at + 4, 4);
    // A streamed WAV's data size is unknown (often 0xFFFFFFFF): its data runs to the end of the file.
    if (id == "data") size = std::min(size, end - at - 8);
    if (size > end - at - 8) return std::nullopt;
    if (id == "fmt " && size >= 16) {
      if (get(bytes, at + 8, 2) != 1 && get(bytes, at + 8, 2) != 0xFFFE) return std::nullopt;  // PCM only
      info.channels = static_cast<std::uint16_t>(get(bytes, at + 10, 2));
      info.sample_rate = get(bytes, at + 12, 4);
      info.bits = static_cast<std::uint16_t>(get(bytes, at + 22, 2));
    }
    if (id == "data") data_size = size;
    at += 8 + size + size % 2;
  }
  const std::size_t frame = std::size_t{info.channels} * ((info.bits + 7u) / 8u);
  if (!data_size || info.sample_rate == 0 || frame == 0) return std::nullopt;
  info.seconds = static_cast<double>(*data_size / frame) / info.sample_rate;
  return info;
}

}  // namespace gatecheck::testing::reference
