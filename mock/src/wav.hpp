// Audio the mock can speak and hear: 16-bit mono PCM at 24 kHz, as a WAV file (RIFF/WAVE) or raw. A spoken
// text is one tone per word, and the WAV carries the text in a LIST/INFO comment, so the mock's
// transcription of its own speech gives the text back (a round trip a client test can hold it to).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatecheck::mock {

constexpr std::uint32_t kSampleRate = 24'000;

// The samples (little-endian int16) of `text` spoken at `speed` (0.25 to 4): a deterministic tone per word.
std::string speak_pcm(std::string_view text, double speed);
// How many bytes speak_pcm gives, without speaking (the mp3's length).
std::size_t speech_bytes(std::string_view text, double speed);
// Those samples in a WAV file that also carries `text`.
std::string wav_file(std::string_view pcm, std::string_view text);

struct WavInfo {
  double seconds = 0;
  std::optional<std::string> text;  // the spoken text, when the mock wrote the file
};
// Reads a WAV file's format, length and the mock's comment; nullopt when it is not a PCM WAV. A streamed
// WAV's unknown sizes (0xFFFFFFFF) are read as "to the end of the file".
std::optional<WavInfo> read_wav(std::string_view bytes);

// An MP3 file as long as `pcm_bytes` of speech would last: an ID3v2 tag carrying `text`, then silent MPEG-1
// Layer III frames (mono, 44.1 kHz, 32 kbit/s; all-zero side information decodes to silence). The mock has no
// encoder, so its mp3 is honest silence of the right length rather than mislabelled PCM.
std::string mp3_file(std::size_t pcm_bytes, std::string_view text);
// Reads the mock's ID3 text and the length of an MP3 the mock wrote; nullopt when it is not one.
std::optional<WavInfo> read_mp3(std::string_view bytes);

}  // namespace gatecheck::mock
