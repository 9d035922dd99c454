#include "wav.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "generator.hpp"

namespace gatecheck::mock {
namespace {

constexpr std::string_view kCommentMark = "gatecheck-transcript:";
constexpr double kMaxSeconds = 60;

void put16(std::string& out, std::uint16_t value) {
  out += static_cast<char>(value & 0xff);
  out += static_cast<char>(value >> 8);
}
void put32(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8)
    out += static_cast<char>((value >> shift) & 0xff);
}
std::uint32_t get32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i)
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  return value;
}
std::uint16_t get16(std::string_view bytes, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) |
                                    (static_cast<unsigned char>(bytes[at + 1]) << 8));
}

// One word's tone: a triangle wave in integer arithmetic (the same bytes on every machine), then a short
// silence.
void tone(std::string& out, std::uint32_t frequency, std::uint32_t samples, std::uint32_t gap) {
  const std::uint32_t period = kSampleRate / frequency;
  for (std::uint32_t i = 0; i < samples; ++i) {
    const std::uint32_t phase = (i % period) * 4 * 8000 / period;  // 0 .. 32000
    const auto value = static_cast<std::int16_t>(phase < 16000 ? static_cast<int>(phase) - 8000
                                                               : 24000 - static_cast<int>(phase));
    put16(out, static_cast<std::uint16_t>(value));
  }
  out.append(std::size_t{gap} * 2, '\0');
}

}  // namespace

namespace {

// How the text is paced: samples of tone and of pause per word. At most a minute of audio (2.9 MB) whatever
// the text and speed: a longer text is spoken faster.
struct Pace {
  std::uint32_t per_word;
  std::uint32_t gap;
  std::size_t words;  // tones: one a word, one for a text without words
};

Pace pace_of(std::string_view text, double speed) {
  std::size_t words = 0;
  for (std::size_t i = 0; i < text.size(); ++i)
    words += text[i] != ' ' && (i == 0 || text[i - 1] == ' ') ? 1 : 0;
  words = std::max<std::size_t>(words, 1);
  const double word_seconds = std::min(0.35 / speed, kMaxSeconds / static_cast<double>(words));
  return {static_cast<std::uint32_t>(kSampleRate * word_seconds * 6 / 7),
          static_cast<std::uint32_t>(kSampleRate * word_seconds / 7), words};
}

}  // namespace

std::size_t speech_bytes(std::string_view text, double speed) {
  const Pace pace = pace_of(text, speed);
  return pace.words * (std::size_t{pace.per_word} + pace.gap) * 2;
}

std::string speak_pcm(std::string_view text, double speed) {
  const Pace pace = pace_of(text, speed);
  std::string out;
  out.reserve(speech_bytes(text, speed));
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && text[at] == ' ')
      ++at;
    const std::size_t end = std::min(text.find(' ', at), text.size());
    if (end > at)
      tone(out, 200 + static_cast<std::uint32_t>(hash64(text.substr(at, end - at)) % 600), pace.per_word,
           pace.gap);
    at = end;
  }
  if (out.empty()) tone(out, 440, pace.per_word, pace.gap);
  return out;
}

std::string wav_file(std::string_view pcm, std::string_view text) {
  std::string comment = std::string(kCommentMark) + std::string(text);
  comment += '\0';
  if (comment.size() % 2) comment += '\0';
  const auto list_size = static_cast<std::uint32_t>(4 + 8 + comment.size());
  std::string out = "RIFF";
  put32(out, static_cast<std::uint32_t>(4 + (8 + 16) + (8 + list_size) + (8 + pcm.size())));
  out += "WAVEfmt ";
  put32(out, 16);
  put16(out, 1);  // PCM
  put16(out, 1);  // mono
  put32(out, kSampleRate);
  put32(out, kSampleRate * 2);
  put16(out, 2);
  put16(out, 16);
  out += "LIST";
  put32(out, list_size);
  out += "INFOICMT";
  put32(out, static_cast<std::uint32_t>(comment.size()));
  out += comment;
  out += "data";
  put32(out, static_cast<std::uint32_t>(pcm.size()));
  out += pcm;
  return out;
}

std::optional<WavInfo> read_wav(std::string_view bytes) {
  if (bytes.size() < 12 || bytes.substr(0, 4) != "RIFF" || bytes.substr(8, 4) != "WAVE") return std::nullopt;
  WavInfo info;
  std::uint32_t byte_rate = 0;
  bool data = false;
  for (std::size_t at = 12; at + 8 <= bytes.size();) {
    const std::string_view id = bytes.substr(at, 4);
    const std::uint64_t size = std::min<std::uint64_t>(get32(bytes, at + 4), bytes.size() - at - 8);
    const std::string_view body = bytes.substr(at + 8, static_cast<std::size_t>(size));
    if (id == "fmt " && body.size() >= 16) {
      if (get16(body, 0) != 1) return std::nullopt;  // PCM only
      byte_rate = get32(body, 8);
    } else if (id == "data") {
      data = true;
      if (byte_rate > 0) info.seconds = static_cast<double>(body.size()) / byte_rate;
    } else if (id == "LIST" && body.substr(0, 4) == "INFO") {
      const auto mark = body.find(kCommentMark);
      if (mark != std::string_view::npos) {
        const std::string_view rest = body.substr(mark + kCommentMark.size());
        info.text = std::string(rest.substr(0, rest.find('\0')));
      }
    }
    at += 8 + static_cast<std::size_t>(size) + (size % 2);
  }
  if (byte_rate == 0 || !data) return std::nullopt;
  return info;
}

namespace {

constexpr std::size_t kMp3Frame = 104;  // 144 * 32000 / 44100, without padding
constexpr double kMp3FrameSeconds = 1152.0 / 44'100;
constexpr std::string_view kId3Description = "gatecheck-transcript";

void put_syncsafe(std::string& out, std::uint32_t value) {
  for (int shift = 21; shift >= 0; shift -= 7)
    out += static_cast<char>((value >> shift) & 0x7f);
}

}  // namespace

std::string mp3_file(std::size_t pcm_bytes, std::string_view text) {
  // ID3v2.3: a TXXX frame (ISO-8859-1 or UTF-8 bytes as given: the mock reads them back as they are).
  std::string frame = std::string(1, '\0') + std::string(kId3Description) + '\0' + std::string(text);
  std::string tag = "TXXX";
  for (int shift = 24; shift >= 0; shift -= 8)
    tag += static_cast<char>((frame.size() >> shift) & 0xff);
  tag += std::string(2, '\0') + frame;
  std::string out = "ID3";
  out += std::string("\x03\x00\x00", 3);
  put_syncsafe(out, static_cast<std::uint32_t>(tag.size()));
  out += tag;
  const double seconds = static_cast<double>(pcm_bytes) / (2.0 * kSampleRate);
  const auto frames = std::max<std::size_t>(1, static_cast<std::size_t>(seconds / kMp3FrameSeconds + 0.5));
  std::string silent(kMp3Frame, '\0');
  silent[0] = '\xff';
  silent[1] = '\xfb';  // MPEG-1, Layer III, no CRC
  silent[2] = '\x10';  // 32 kbit/s, 44.1 kHz, no padding
  silent[3] = '\xc0';  // mono
  out.reserve(out.size() + frames * kMp3Frame);
  for (std::size_t i = 0; i < frames; ++i)
    out += silent;
  return out;
}

std::optional<WavInfo> read_mp3(std::string_view bytes) {
  if (bytes.size() < 10 || !bytes.starts_with("ID3")) return std::nullopt;
  std::uint32_t size = 0;
  for (int i = 6; i < 10; ++i)
    size = (size << 7) | (static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]) & 0x7f);
  if (10 + std::size_t{size} > bytes.size()) return std::nullopt;
  const std::string_view tag = bytes.substr(10, size);
  const std::string marker = std::string(1, '\0') + std::string(kId3Description) + '\0';
  const auto at = tag.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  WavInfo info;
  // The TXXX frame's size (4 bytes, 6 before its data) bounds the text.
  if (at < 10) return std::nullopt;
  std::uint32_t frame = 0;
  for (std::size_t i = at - 6; i < at - 2; ++i)
    frame = (frame << 8) | static_cast<unsigned char>(tag[i]);
  if (frame < marker.size() || at + frame > tag.size()) return std::nullopt;
  info.text = std::string(tag.substr(at + marker.size(), frame - marker.size()));
  const double seconds = static_cast<double>((bytes.size() - 10 - size) / kMp3Frame) * kMp3FrameSeconds;
  info.seconds = std::round(seconds * 1000) / 1000;
  return info;
}

}  // namespace gatecheck::mock
