// POST {base}/audio/speech: the text spoken as 16-bit PCM at 24 kHz (wav.hpp), as a WAV file or raw PCM, as
// an MP3 of silence of the same length (no encoder: honest silence, not mislabelled PCM), or as SSE events
// carrying the audio in base64. Formats that need an encoder (opus, aac, flac) are refused by name.
#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/sse.hpp>

#include "call_context.hpp"
#include "generator.hpp"
#include "planned_stream.hpp"
#include "request_checks.hpp"
#include "wav.hpp"

namespace gatecheck::mock {
namespace {

const std::vector<std::string_view> kSpeechParameters = {
    "model", "input", "voice", "response_format", "speed", "instructions", "stream_format"};
constexpr std::string_view kVoices[] = {"alloy", "ash",  "ballad",  "coral", "echo",  "fable", "onyx",
                                        "nova",  "sage", "shimmer", "verse", "marin", "cedar"};
constexpr std::size_t kMaxInput = 4096;
constexpr std::size_t kDeltaBytes = 16 * 1024;  // audio bytes per speech.audio.delta event

struct SpeechRequest {
  std::string model;
  std::string input;
  std::string format;
  double speed = 1.0;
  bool sse = false;
};

SpeechRequest read_speech(const CallContext& context) {
  const RequestJson document(context.request.body);
  const ParamReader reader(document.root(), "");
  if (context.profile().strict_parameters) reader.only(kSpeechParameters);
  SpeechRequest request;
  request.model = *reader.string("model", true);
  request.input = *reader.string("input", true);
  if (request.input.empty() || request.input.size() > kMaxInput)
    reader.invalid_value("input", "'input' must hold 1 to " + std::to_string(kMaxInput) + " characters.");
  // A vendor that documents voice as optional says which one it uses (limits.default_voice).
  const auto& default_voice = context.profile().default_voice;
  const std::string voice =
      default_voice.empty() ? *reader.string("voice", true) : reader.string("voice").value_or(default_voice);
  if (std::find(std::begin(kVoices), std::end(kVoices), voice) == std::end(kVoices))
    reader.invalid_value("voice", "Invalid value: '" + voice +
                                      "'. Supported voices are alloy, ash, ballad, coral, "
                                      "echo, fable, onyx, nova, sage, shimmer, verse, marin and cedar.");
  request.format = reader.string("response_format").value_or("mp3");
  if (request.format != "wav" && request.format != "pcm" && request.format != "mp3") {
    const bool known = request.format == "opus" || request.format == "aac" || request.format == "flac";
    reader.invalid_value(
        "response_format",
        known ? "This mock speaks wav, pcm and mp3 only; '" + request.format +
                    "' needs an encoder it does not have. Ask for response_format 'wav', 'pcm' or 'mp3'."
              : "Invalid value: '" + request.format +
                    "'. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and 'pcm'.");
  }
  request.speed = reader.decimal("speed", 0.25, 4.0).value_or(1.0);
  reader.string("instructions");
  const std::string stream_format = reader.string("stream_format").value_or("audio");
  if (stream_format != "audio" && stream_format != "sse")
    reader.invalid_value("stream_format",
                         "Invalid value: '" + stream_format + "'. Supported values are: 'sse' and 'audio'.");
  request.sse = stream_format == "sse";
  return request;
}

struct SpeechStep {
  std::size_t offset;  // into the audio; npos: the done event
  bool timed;
};

// speech.audio.delta events of base64 audio, then speech.audio.done with the usage.
class SpeechStream final : public PlannedStream<SpeechStep> {
 public:
  SpeechStream(std::string audio, std::uint64_t input_tokens, StreamTiming timing)
      : PlannedStream(timing), audio_(std::move(audio)), input_tokens_(input_tokens) {
    for (std::size_t at = 0; at < audio_.size(); at += kDeltaBytes)
      steps_.push_back({at, true});
    steps_.push_back({std::string::npos, false});
  }

 private:
  void render(const SpeechStep& step, std::string& out) override {
    std::string data;
    core::JsonWriter w(data);
    if (step.offset == std::string::npos) {
      const std::uint64_t output = audio_.size() / 2 / 100;  // audio tokens: one per 100 samples
      w.begin_object().key("type").value("speech.audio.done").key("usage").begin_object();
      w.key("input_tokens").value(input_tokens_).key("output_tokens").value(output);
      w.key("total_tokens").value(input_tokens_ + output).end_object().end_object();
    } else {
      w.begin_object().key("type").value("speech.audio.delta").key("audio");
      w.value(core::base64_encode(std::string_view(audio_).substr(step.offset, kDeltaBytes))).end_object();
    }
    core::append_sse_event(out, data);
  }

  std::string audio_;
  std::uint64_t input_tokens_;
};

}  // namespace

Reply speech_endpoint(CallContext& context) {
  const SpeechRequest request = read_speech(context);
  require_model(context.profile(), request.model, "speech",
                "The model `" + request.model + "` does not support speech.");
  // mp3 is silence as long as the speech: its length, not its samples.
  std::string audio = request.format == "mp3"
                          ? mp3_file(speech_bytes(request.input, request.speed), request.input)
                          : speak_pcm(request.input, request.speed);
  if (request.format == "wav") audio = wav_file(audio, request.input);
  context.tokens_used = count_tokens(request.input);
  if (request.sse)
    return event_stream_reply(
        std::make_unique<SpeechStream>(std::move(audio), context.tokens_used, context.controls.timing),
        context.faults());
  Reply reply;
  reply.body = std::move(audio);
  // The speech-wrong-content-type fault: a gateway that labels every speech answer audio/mpeg.
  const bool mislabel = context.faults().has(Fault::speech_wrong_content_type);
  const std::string type = request.format == "mp3" ? "audio/mpeg" : "audio/" + request.format;
  reply.headers.emplace_back("Content-Type", mislabel ? "audio/mpeg" : type);
  return reply;
}

}  // namespace gatecheck::mock
