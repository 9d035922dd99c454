// Audio as the speech and transcription endpoints see it: 16-bit mono PCM at 24 kHz, written as raw
// little-endian samples or a RIFF/WAVE file, and WAVE files read back for their length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatecheck::testing::reference {

constexpr int kSampleRate = 24000;

std::string pcm_bytes(const std::vector<std::int16_t>& samples);  // raw, little-endian
// RIFF/WAVE, PCM 16-bit mono 24 kHz, with exact chunk sizes. A LIST/INFO chunk sits between `fmt ` and
// `data` on purpose: RIFF readers skip chunks they do not know.
std::string wav_bytes(const std::vector<std::int16_t>& samples);

struct WavInfo {
  std::uint32_t sample_rate = 0;
  std::uint16_t channels = 0;
  std::uint16_t bits = 0;
  double seconds = 0;
};
// A RIFF/WAVE file's format and length; nullopt unless it is a well-formed PCM WAVE file (chunks in any
// order, sizes within the file, except that a `data` chunk longer than the file ends with it, as in streamed
// WAV files).
std::optional<WavInfo> read_wav(std::string_view bytes);

}  // namespace gatecheck::testing::reference
