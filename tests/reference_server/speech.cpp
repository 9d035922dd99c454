// POST /v1/audio/speech: a deterministic signal for the input text, one enveloped tone per character, as WAV
// or raw PCM, sent as chunked audio or as speech.audio.delta / speech.audio.done server-sent events.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string_view>

#include "endpoints.hpp"
#include "request_json.hpp"
#include "sse.hpp"
#include "text.hpp"
#include "wav.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr double kSecondsPerChar = 0.04;    // at speed 1; whitespace is silence
constexpr double kLeadSeconds = 0.1;        // silence before and after
constexpr std::size_t kPieceBytes = 48000;  // one second of audio per chunk or event
constexpr std::array<std::string_view, 13> kVoices{"alloy", "ash",   "ballad", "coral", "echo",
                                                   "fable", "onyx",  "nova",   "sage",  "shimmer",
                                                   "verse", "marin", "cedar"};

// A built-in voice's name or a custom voice's id: what pitches the signal.
std::string parse_voice(const json& body) {
  const json* voice = member(body, "voice");
  if (!voice || voice->is_null()) missing("voice");
  if (voice->is_object()) {
    const json id = nullable_string(*voice, "id", "voice.id");
    if (id.is_null() || id.get<std::string>().empty()) missing("voice.id");
    reject_unknown(*voice, "id");
    return id.get<std::string>();
  }
  if (!voice->is_string()) invalid_type("voice", "a string or an object", *voice);
  if (std::find(kVoices.begin(), kVoices.end(), voice->get<std::string>()) == kVoices.end())
    invalid_value("voice", voice->get<std::string>(),
                  "alloy, ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer, verse, marin, cedar");
  return voice->get<std::string>();
}

struct SpeechPlan {
  std::string input;
  std::string voice;
  std::string format;  // wav | pcm
  double speed = 1;
  bool sse = false;
};

SpeechPlan parse_speech(const json& body) {
  reject_unknown(body, "model input instructions voice response_format speed stream_format");
  const ModelInfo& model = require_model(body, ModelKind::speech);
  SpeechPlan plan;
  const json input = nullable_string(body, "input", "input");
  if (input.is_null()) missing("input");
  plan.input = input.get<std::string>();
  if (plan.input.empty() || code_points(plan.input) > 4096)
    throw ApiError(400, "Invalid 'input': expected a string of 1 to 4096 characters.", "input",
                   "invalid_value");
  plan.voice = parse_voice(body);
  const bool classic = model.id == "tts-1" || model.id == "tts-1-hd";
  const json instructions = nullable_string(body, "instructions", "instructions");
  if (instructions.is_string() && (classic || code_points(instructions.get<std::string>()) > 4096))
    throw ApiError(400, "Invalid 'instructions': at most 4096 characters, and not with tts-1 or tts-1-hd.",
                   "instructions", "invalid_value");
  const json format = enum_at(body, "response_format", "response_format", "mp3, opus, aac, flac, wav, pcm");
  plan.format = format.is_string() ? format.get<std::string>() : "mp3";  // the reference's default
  if (plan.format != "wav" && plan.format != "pcm")
    throw ApiError(400,
                   "Invalid 'response_format': this server produces only 'wav' and 'pcm' audio, not '" +
                       plan.format + "'.",
                   "response_format", "unsupported_value");
  check_number(body, "speed", 0.25, 4, false);
  if (const json* speed = member(body, "speed"); speed && speed->is_number())
    plan.speed = speed->get<double>();
  plan.sse = enum_at(body, "stream_format", "stream_format", "sse, audio") == "sse";
  if (plan.sse && classic)
    throw ApiError(400, "Invalid 'stream_format': 'sse' is not supported for tts-1 or tts-1-hd.",
                   "stream_format", "invalid_value");
  return plan;
}

// Each character is a tone of 40 ms / speed under a sine envelope (no clicks); whitespace is silence. The
// pitch follows the character and the voice.
std::vector<std::int16_t> synthesize(const SpeechPlan& plan) {
  const double base = 100.0 + static_cast<double>(fnv1a(plan.voice) % 1000) / 10.0;  // 100 to 200 Hz
  const auto slot = static_cast<std::size_t>(std::lround(kSampleRate * kSecondsPerChar / plan.speed));
  const auto lead = static_cast<std::size_t>(std::lround(kSampleRate * kLeadSeconds / plan.speed));
  std::vector<std::int16_t> samples(lead);
  for (std::size_t i = 0; i < plan.input.size(); ++i) {
    const auto c = static_cast<unsigned char>(plan.input[i]);
    if ((c & 0xC0) == 0x80) continue;  // one slot per code point
    const double semitones = static_cast<double>(fnv1a(std::string_view(plan.input).substr(i, 1)) % 24);
    const double frequency = is_space(static_cast<char>(c)) ? 0 : base * std::exp2(semitones / 12.0);
    for (std::size_t k = 0; k < slot; ++k) {
      const double t = static_cast<double>(k) / kSampleRate;
      const double envelope = std::sin(std::numbers::pi * static_cast<double>(k) / static_cast<double>(slot));
      samples.push_back(static_cast<std::int16_t>(
          std::lround(9000.0 * envelope * std::sin(2 * std::numbers::pi * frequency * t))));
    }
  }
  samples.resize(samples.size() + lead);
  return samples;
}

}  // namespace

Response speech_response(const json& body) {
  const SpeechPlan plan = parse_speech(body);
  const std::vector<std::int16_t> samples = synthesize(plan);
  const std::string audio = plan.format == "wav" ? wav_bytes(samples) : pcm_bytes(samples);
  Response res;
  res.stream = true;  // chunked, as the reference documents (Transfer-Encoding: chunked)
  std::vector<std::string> pieces;
  for (std::size_t at = 0; at < audio.size(); at += kPieceBytes)
    pieces.push_back(audio.substr(at, kPieceBytes));
  if (!plan.sse) {
    // The reference lists application/octet-stream; the API labels the audio (openai-openapi issue #141).
    res.headers = {{"content-type", plan.format == "wav" ? "audio/wav" : "audio/pcm"}};
    res.events = std::move(pieces);
    return res;
  }
  res.headers = {{"content-type", "text/event-stream; charset=utf-8"}, {"cache-control", "no-cache"}};
  res.events = {sse_opening()};
  for (const std::string& piece : pieces)
    res.events.push_back(
        sse_event(to_text({{"type", "speech.audio.delta"}, {"audio", base64(piece)}}), res.events.size()));
  const std::size_t input_tokens = std::max<std::size_t>(1, word_count(plan.input));
  const std::size_t output_tokens = (samples.size() + 1199) / 1200;  // one audio token per 50 ms
  const json usage = {{"input_tokens", input_tokens},
                      {"output_tokens", output_tokens},
                      {"total_tokens", input_tokens + output_tokens}};
  res.events.push_back(
      sse_event(to_text({{"type", "speech.audio.done"}, {"usage", usage}}), res.events.size()));
  return res;
}

}  // namespace gatecheck::testing::reference
