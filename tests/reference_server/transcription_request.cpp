// POST /v1/audio/transcriptions and /v1/audio/translations, the request: the multipart form checked as the
// API reference describes (CreateTranscriptionRequest, CreateTranslationRequest), reduced to a plan.
#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "request_json.hpp"
#include "text.hpp"
#include "transcription.hpp"
#include "wav.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kLanguages{{{"en", "english"},
                                                                                    {"de", "german"},
                                                                                    {"es", "spanish"},
                                                                                    {"fr", "french"},
                                                                                    {"it", "italian"},
                                                                                    {"ja", "japanese"},
                                                                                    {"ko", "korean"},
                                                                                    {"nl", "dutch"},
                                                                                    {"pl", "polish"},
                                                                                    {"pt", "portuguese"},
                                                                                    {"ru", "russian"},
                                                                                    {"zh", "chinese"}}};

[[noreturn]] void bad_file(const std::string& why) {
  throw ApiError(400, why, "file", "invalid_value");
}

// The audio's length in seconds: a PCM WAVE file is read; other audio containers are recognised and refused.
double audio_seconds(const Form& form) {
  const FormPart* file = form.file("file");
  if (!file) missing("file");
  if (file->body.empty()) bad_file("The audio file is empty.");
  if (const auto wav = read_wav(file->body)) return wav->seconds;
  const std::string_view b = file->body;
  const bool other_audio = b.starts_with("ID3") || b.starts_with("fLaC") || b.starts_with("OggS") ||
                           b.starts_with("\x1A\x45\xDF\xA3") || b.substr(4, 4) == "ftyp" ||
                           (b.size() > 1 && static_cast<unsigned char>(b[0]) == 0xFF &&
                            (static_cast<unsigned char>(b[1]) & 0xE0) == 0xE0);
  if (other_audio) bad_file("This server reads only PCM WAV audio; send the file as wav.");
  bad_file(
      "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', "
      "'wav', 'webm'] (this server reads wav).");
}

void parse_format(const Form& form, TranscriptionPlan& plan) {
  const auto format = form.text("response_format");
  plan.format = format.value_or("json");  // the reference's default
  const json asked = {{"response_format", plan.format}};
  enum_at(asked, "response_format", "response_format",
          plan.translate ? "json, text, srt, verbose_json, vtt"
                         : "json, text, srt, verbose_json, vtt, diarized_json");
  const bool whisper = plan.model->id == "whisper-1";
  if (plan.format == "diarized_json" || (!whisper && plan.format != "json"))
    throw ApiError(400,
                   "Invalid 'response_format': '" + plan.format + "' is not supported with " +
                       std::string(plan.model->id) + (whisper ? "" : "; it supports only json") + ".",
                   "response_format", "unsupported_value");
  const auto granularities = form.list("timestamp_granularities");
  if (!granularities.empty() && plan.format != "verbose_json")
    throw ApiError(400, "'timestamp_granularities' requires response_format 'verbose_json'.",
                   "timestamp_granularities", "invalid_value");
  if (!granularities.empty()) plan.segments = false;
  for (const std::string& g : granularities) {
    if (g != "word" && g != "segment") invalid_value("timestamp_granularities", g, "word, segment");
    plan.words = plan.words || g == "word";
    plan.segments = plan.segments || g == "segment";
  }
}

void parse_options(const Form& form, TranscriptionPlan& plan) {
  const bool gpt4o = plan.model->id != "whisper-1";
  for (const std::string& item : form.list("include")) {
    if (item != "logprobs") invalid_value("include", item, "logprobs");
    if (!gpt4o || plan.format != "json")
      throw ApiError(400, "'include' logprobs needs a gpt-4o transcription model and response_format json.",
                     "include", "invalid_value");
    plan.logprobs = true;
  }
  if (const auto stream = form.text("stream")) {
    if (*stream != "true" && *stream != "false") invalid_type("stream", "a boolean", *stream);
    plan.stream = *stream == "true" && gpt4o;  // whisper-1 ignores it, as the reference says
  }
  if (const auto language = form.text("language")) {
    const auto it = std::find_if(kLanguages.begin(), kLanguages.end(),
                                 [&](const auto& entry) { return entry.first == *language; });
    if (it == kLanguages.end())
      invalid_value("language", *language, "en, de, es, fr, it, ja, ko, nl, pl, pt, ru, zh");
    plan.language = it->second;
  }
  for (const char* name : {"languages", "keywords", "known_speaker_names", "known_speaker_references"})
    if (!form.list(name).empty())
      throw ApiError(
          400, "Invalid '" + std::string(name) + "': not supported with " + std::string(plan.model->id) + ".",
          name, "unsupported_value");
  if (const auto chunking = form.text("chunking_strategy"); chunking && *chunking != "auto") {
    const json vad = json::parse(*chunking, nullptr, false);
    if (vad.is_discarded() || !vad.is_object() || string_at(vad, "type") != "server_vad")
      invalid_value("chunking_strategy", *chunking, "auto, or a server_vad object");
  }
}

}  // namespace

TranscriptionPlan parse_transcription(const Form& form, bool translate) {
  form.reject_unknown(translate ? "file model prompt response_format temperature"
                                : "file model language languages keywords prompt response_format temperature "
                                  "include timestamp_granularities stream chunking_strategy "
                                  "known_speaker_names known_speaker_references");
  TranscriptionPlan plan;
  plan.translate = translate;
  const auto model = form.text("model");
  if (!model) missing("model");
  plan.model = &require_model(json{{"model", *model}}, ModelKind::transcription);
  if (translate && plan.model->id != "whisper-1")
    invalid_value("model", *model, "whisper-1 (the only translation model)");
  plan.seconds = audio_seconds(form);
  parse_format(form, plan);
  if (!translate) parse_options(form, plan);
  plan.temperature = form.number("temperature", 0, 1).value_or(0);
  plan.prompt_tokens = word_count(form.text("prompt").value_or(""));
  plan.seed = fnv1a(form.file("file")->body, fnv1a(translate ? "translate" : "transcribe"));
  return plan;
}

}  // namespace gatecheck::testing::reference
