// POST {base}/audio/transcriptions and /audio/translations: a multipart upload read by core's bounded
// reader, heard as a WAV (wav.hpp: the mock's own speech gives its text back; other audio gets prose seeded
// by its bytes), answered in the response_format asked: json, text, srt, vtt or verbose_json (segments and
// words timed across the audio's length), or streamed as transcript.text events.
#include <cmath>

#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/multipart.hpp>
#include <gatecheck/core/sse.hpp>

#include "call_context.hpp"
#include "generator.hpp"
#include "planned_stream.hpp"
#include "wav.hpp"

namespace gatecheck::mock {
namespace {

constexpr std::string_view kFields[] = {"file",
                                        "model",
                                        "language",
                                        "prompt",
                                        "response_format",
                                        "temperature",
                                        "timestamp_granularities[]",
                                        "stream",
                                        "include[]",
                                        "chunking_strategy"};

struct Heard {
  std::string model;
  std::string format = "json";
  bool words = false;
  bool segments = false;
  bool stream = false;
  std::string text;
  double seconds = 0;
};

[[noreturn]] void bad(const std::string& message, std::string_view param,
                      const char* code = "invalid_value") {
  throw Rejected{ApiError::invalid(message, std::string(param), code)};
}

// Audio a client may send: the mock hears WAV; other known containers are accepted and heard as prose of
// a length their size suggests (128 kbit/s).
std::optional<double> other_audio_seconds(std::string_view bytes) {
  const bool known = bytes.starts_with("ID3") ||
                     (bytes.size() > 1 && static_cast<unsigned char>(bytes[0]) == 0xff &&
                      (static_cast<unsigned char>(bytes[1]) & 0xe0) == 0xe0) ||
                     bytes.starts_with("OggS") || bytes.starts_with("fLaC") ||
                     (bytes.size() >= 8 && bytes.substr(4, 4) == "ftyp") ||
                     bytes.starts_with("\x1a\x45\xdf\xa3");
  if (!known) return std::nullopt;
  return static_cast<double>(bytes.size()) / 16'000.0;
}

void hear(std::string_view file, Heard& heard) {
  if (file.empty()) bad("The audio file is empty.", "file");
  if (const auto wav = read_wav(file)) {
    heard.seconds = wav->seconds;
    if (wav->text) {
      heard.text = *wav->text;
      return;
    }
  } else if (const auto mp3 = read_mp3(file)) {  // the mock's own mp3: its text, heard back
    heard.seconds = mp3->seconds;
    heard.text = *mp3->text;
    return;
  } else if (const auto seconds = other_audio_seconds(file)) {
    heard.seconds = *seconds;
  } else {
    bad("Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', "
        "'wav', 'webm']",
        "file");
  }
  Prng prng(hash64(file));
  const auto words = static_cast<std::size_t>(std::clamp(heard.seconds * 2.5, 1.0, 2000.0));
  for (const auto& token : generate_tokens(prng, words))
    heard.text += token;
}

void read_field(const core::FormPart& part, Heard& heard, bool translation) {
  const std::string value(part.data);
  if (part.name == "model") heard.model = value;
  if (part.name == "response_format") heard.format = value;
  if (part.name == "timestamp_granularities[]") {
    if (value != "word" && value != "segment")
      bad("Invalid value: '" + value + "'. Supported values are: 'word' and 'segment'.",
          "timestamp_granularities");
    (value == "word" ? heard.words : heard.segments) = true;
  }
  if (part.name == "stream" && !translation) heard.stream = value == "true";
  if (part.name == "temperature") {
    char* end = nullptr;
    const double t = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0' || !(t >= 0 && t <= 1))
      bad("Invalid 'temperature': expected a number from 0 to 1, got '" + value + "'.", "temperature");
  }
}

Heard read_upload(const CallContext& context, bool translation) {
  std::string error;
  const auto form = core::parse_multipart(context.request.body,
                                          context.request.header("content-type").value_or(""), error, 64);
  if (!form) bad("Could not read the multipart/form-data body: " + error + ".", "file", "invalid_multipart");
  Heard heard;
  const core::FormPart* file = nullptr;
  for (const auto& part : *form) {
    const bool known = std::find(std::begin(kFields), std::end(kFields), part.name) != std::end(kFields) &&
                       !(translation && (part.name == "stream" || part.name == "language"));
    if (!known && context.profile().strict_parameters)
      throw Rejected{ApiError::invalid("Unrecognized request argument supplied: " + part.name, part.name,
                                       "unknown_parameter")};
    if (part.name == "file") file = &part;
    // The multipart-fields-dropped fault: a relay that re-encodes the form and keeps only what it knows.
    if (context.faults().has(Fault::multipart_fields_dropped) && part.name != "model") continue;
    read_field(part, heard, translation);
  }
  if (file == nullptr) bad("Missing required parameter: 'file'.", "file", "missing_required_parameter");
  if (heard.model.empty()) bad("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  hear(file->data, heard);
  return heard;
}

std::string timestamp(double seconds, char separator) {
  const auto ms = static_cast<std::int64_t>(std::llround(seconds * 1000));
  char out[32];
  std::snprintf(out, sizeof out, "%02lld:%02lld:%02lld%c%03lld", static_cast<long long>(ms / 3'600'000),
                static_cast<long long>(ms / 60'000 % 60), static_cast<long long>(ms / 1000 % 60), separator,
                static_cast<long long>(ms % 1000));
  return out;
}

// The text cut into segments of about a dozen words, each timed by its share of the characters.
struct Span {
  std::string text;
  double start;
  double end;
};
std::vector<Span> spans(const Heard& heard, std::size_t words_per_span) {
  std::vector<Span> out;
  const double per_char = heard.text.empty() ? 0 : heard.seconds / static_cast<double>(heard.text.size());
  std::size_t at = 0, words = 0, begin = 0;
  while (at <= heard.text.size()) {
    const bool boundary = at == heard.text.size() || heard.text[at] == ' ';
    if (boundary && at > begin && (++words == words_per_span || at == heard.text.size())) {
      std::string text = heard.text.substr(begin, at - begin);
      const std::size_t lead = text.find_first_not_of(' ');
      // Times in milliseconds, as transcripts give them.
      const auto at_ms = [&](std::size_t offset) {
        return std::round(static_cast<double>(offset) * per_char * 1000) / 1000;
      };
      out.push_back({lead == std::string::npos ? "" : text.substr(lead), at_ms(begin), at_ms(at)});
      begin = at;
      words = 0;
    }
    ++at;
  }
  return out;
}

// SRT (numbered cues, HH:MM:SS,mmm) or WebVTT (a WEBVTT header, HH:MM:SS.mmm). The transcription-srt-broken
// fault writes SRT with WebVTT's dots and without cue numbers, as a careless converter does.
std::string subtitles(const Heard& heard, bool vtt, bool broken) {
  std::string out = vtt ? "WEBVTT\n\n" : "";
  std::size_t number = 0;
  for (const auto& span : spans(heard, 12)) {
    if (!vtt && !broken) out += std::to_string(++number) + "\n";
    const char separator = vtt || broken ? '.' : ',';
    out += timestamp(span.start, separator) + " --> " + timestamp(span.end, separator) + "\n" + span.text +
           "\n\n";
  }
  return out;
}

std::string verbose_json(const Heard& heard, bool translation) {
  std::string out;
  core::JsonWriter w(out);
  w.begin_object()
      .key("task")
      .value(translation ? "translate" : "transcribe")
      .key("language")
      .value("english");
  w.key("duration").value(heard.seconds).key("text").value(heard.text);
  if (heard.segments || !heard.words) {
    w.key("segments").begin_array();
    std::uint64_t id = 0;
    for (const auto& span : spans(heard, 12)) {
      w.begin_object()
          .key("id")
          .value(id++)
          .key("seek")
          .value(std::uint64_t{0})
          .key("start")
          .value(span.start);
      w.key("end").value(span.end).key("text").value(" " + span.text).key("tokens").begin_array().end_array();
      w.key("temperature").value(0.0).key("avg_logprob").value(-0.2).key("compression_ratio").value(1.2);
      w.key("no_speech_prob").value(0.01).end_object();
    }
    w.end_array();
  }
  if (heard.words) {
    w.key("words").begin_array();
    for (const auto& span : spans(heard, 1))
      w.begin_object()
          .key("word")
          .value(span.text)
          .key("start")
          .value(span.start)
          .key("end")
          .value(span.end)
          .end_object();
    w.end_array();
  }
  w.key("usage").begin_object().key("type").value("duration");
  w.key("seconds").value(static_cast<std::uint64_t>(std::ceil(heard.seconds))).end_object().end_object();
  return out;
}

Reply plain(std::string body, const char* type) {
  Reply reply;
  reply.body = std::move(body);
  reply.headers.emplace_back("Content-Type", type);
  return reply;
}

struct TranscriptStep {
  std::size_t word;  // npos: the done event
  bool timed;
};

// transcript.text.delta events, a word each, then transcript.text.done with the whole text.
class TranscriptStream final : public PlannedStream<TranscriptStep> {
 public:
  TranscriptStream(std::string text, StreamTiming timing)
      : PlannedStream(timing), text_(std::move(text)), pieces_(split_words(text_)) {
    for (std::size_t i = 0; i < pieces_.size(); ++i)
      steps_.push_back({i, true});
    steps_.push_back({std::string::npos, false});
  }

 private:
  void render(const TranscriptStep& step, std::string& out) override {
    std::string data;
    core::JsonWriter w(data);
    if (step.word == std::string::npos) {
      const std::uint64_t tokens = count_tokens(text_);
      w.begin_object().key("type").value("transcript.text.done").key("text").value(text_).key("usage");
      w.begin_object()
          .key("type")
          .value("tokens")
          .key("input_tokens")
          .value(tokens)
          .key("output_tokens")
          .value(tokens);
      w.key("total_tokens").value(2 * tokens).end_object().end_object();
    } else {
      w.begin_object()
          .key("type")
          .value("transcript.text.delta")
          .key("delta")
          .value(pieces_[step.word])
          .end_object();
    }
    core::append_sse_event(out, data);
  }

  std::string text_;
  std::vector<std::string> pieces_;
};

Reply answer(CallContext& context, bool translation) {
  Heard heard = read_upload(context, translation);
  require_model(context.profile(), heard.model, "transcription",
                "The model `" + heard.model + "` does not support audio " +
                    (translation ? "translations." : "transcriptions."));
  const bool gpt4o = heard.model.starts_with("gpt-4o");
  const std::string& format = heard.format;
  if (format != "json" && format != "text" && format != "srt" && format != "vtt" && format != "verbose_json")
    bad("Invalid value: '" + format +
            "'. Supported values are: 'json', 'text', 'srt', 'verbose_json', and 'vtt'.",
        "response_format");
  if (gpt4o && format != "json")
    bad("response_format '" + format + "' is not compatible with model '" + heard.model + "'; use json.",
        "response_format", "unsupported_value");
  context.tokens_used = count_tokens(heard.text);
  if (heard.stream && gpt4o)
    return event_stream_reply(std::make_unique<TranscriptStream>(heard.text, context.controls.timing),
                              context.faults());
  const bool broken = context.faults().has(Fault::transcription_srt_broken);
  if (format == "text") return plain(heard.text + "\n", "text/plain; charset=utf-8");
  if (format == "srt") return plain(subtitles(heard, false, broken), "text/plain; charset=utf-8");
  if (format == "vtt") return plain(subtitles(heard, true, false), "text/vtt; charset=utf-8");
  if (format == "verbose_json") return json_reply(200, verbose_json(heard, translation));
  std::string out;
  core::JsonWriter w(out);
  w.begin_object().key("text").value(heard.text);
  if (!translation) {
    w.key("usage").begin_object().key("type").value("duration");
    w.key("seconds").value(static_cast<std::uint64_t>(std::ceil(heard.seconds))).end_object();
  }
  w.end_object();
  return json_reply(200, std::move(out));
}

}  // namespace

Reply transcriptions_endpoint(CallContext& context) {
  return answer(context, false);
}

Reply translations_endpoint(CallContext& context) {
  return answer(context, true);
}

}  // namespace gatecheck::mock
