// POST /v1/audio/transcriptions and /v1/audio/translations, the answer: seeded prose timed over the audio's
// length (about 2.5 words a second), rendered as json, text, SRT, WebVTT or verbose_json, or streamed as
// transcript.text.delta / transcript.text.done events.
#include <array>
#include <cmath>
#include <cstdio>

#include "generation.hpp"
#include "request_json.hpp"
#include "sse.hpp"
#include "text.hpp"
#include "transcription.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr double kWordsPerSecond = 2.5;

struct Word {
  std::string text;
  double start = 0;
  double end = 0;
};

struct Segment {     // one sentence
  std::string text;  // with the leading space Whisper gives it
  std::vector<Word> words;
  double avg_logprob = 0;
  double compression_ratio = 0;
  double no_speech_prob = 0;
};

double millis(double seconds) {
  return std::round(seconds * 1000) / 1000;
}

std::vector<Segment> make_segments(const TranscriptionPlan& plan) {
  Rng rng(plan.seed);
  const auto target = static_cast<std::size_t>(std::lround(plan.seconds * kWordsPerSecond));
  const double step = target == 0 ? 0 : plan.seconds / static_cast<double>(target);
  std::vector<Segment> segments;
  for (std::size_t count = 0; count < target;) {
    Segment segment;
    const std::vector<std::string> pieces = tokenize(prose(rng));
    for (std::size_t i = 0; i < pieces.size() && count < target; ++i, ++count) {
      const std::string word(trim(pieces[i]));
      segment.text += " " + word;
      // Word timestamps name the word without the sentence's full stop.
      segment.words.push_back({word.ends_with(".") ? word.substr(0, word.size() - 1) : word,
                               millis(step * count), millis(step * (count + 1))});
    }
    if (!segment.text.ends_with(".")) segment.text += ".";  // a sentence cut short by the audio's end
    segment.avg_logprob = -0.1 - 0.3 * rng.unit();
    segment.compression_ratio = 1.1 + 0.5 * rng.unit();
    segment.no_speech_prob = 0.001 + 0.05 * rng.unit();
    segments.push_back(std::move(segment));
  }
  return segments;
}

std::string full_text(const std::vector<Segment>& segments) {
  std::string text;
  for (const Segment& segment : segments)
    text += segment.text;
  return std::string(trim(text));
}

// HH:MM:SS,mmm for SRT (`separator` ','), HH:MM:SS.mmm for WebVTT.
std::string timestamp(double seconds, char separator) {
  const auto ms = static_cast<long long>(std::llround(seconds * 1000));
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%02lld:%02lld:%02lld%c%03lld", ms / 3600000, ms / 60000 % 60,
                ms / 1000 % 60, separator, ms % 1000);
  return buf.data();
}

// SRT with CRLF line ends (as SRT files commonly have); WebVTT with numbered cue identifiers (both legal).
std::string cues(const std::vector<Segment>& segments, bool vtt) {
  std::string out = vtt ? "WEBVTT\n\n" : "";
  const std::string eol = vtt ? "\n" : "\r\n";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = segments[i];
    out += std::to_string(i + 1) + eol + timestamp(s.words.front().start, vtt ? '.' : ',') + " --> " +
           timestamp(s.words.back().end, vtt ? '.' : ',') + eol + std::string(trim(s.text)) + eol + eol;
  }
  return out;
}

json segments_json(const TranscriptionPlan& plan, const std::vector<Segment>& segments) {
  json out = json::array();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = segments[i];
    json tokens = json::array();
    for (const Word& word : s.words)
      tokens.push_back(1000 + fnv1a(word.text) % 40000);
    const double start = s.words.front().start;
    out.push_back({{"id", i},
                   {"seek", static_cast<long long>(start / 30) * 3000},  // 10 ms frames, 30 s windows
                   {"start", start},
                   {"end", s.words.back().end},
                   {"text", s.text},
                   {"tokens", tokens},
                   {"temperature", plan.temperature},
                   {"avg_logprob", s.avg_logprob},
                   {"compression_ratio", s.compression_ratio},
                   {"no_speech_prob", s.no_speech_prob}});
  }
  return out;
}

json verbose_json(const TranscriptionPlan& plan, const std::vector<Segment>& segments) {
  json out = {{"task", plan.translate ? "translate" : "transcribe"},
              {"language", plan.translate ? "english" : plan.language},
              {"duration", millis(plan.seconds)},
              {"text", full_text(segments)}};
  if (plan.segments) out["segments"] = segments_json(plan, segments);
  if (plan.words) {
    out["words"] = json::array();
    for (const Segment& s : segments)
      for (const Word& w : s.words)
        out["words"].push_back({{"word", w.text}, {"start", w.start}, {"end", w.end}});
  }
  if (!plan.translate)
    out["usage"] = {{"type", "duration"}, {"seconds", static_cast<long long>(std::ceil(plan.seconds))}};
  return out;
}

json token_usage(const TranscriptionPlan& plan, std::size_t output_tokens) {
  const auto audio = static_cast<std::size_t>(std::ceil(plan.seconds * 10));  // one audio token per 100 ms
  return {{"type", "tokens"},
          {"input_tokens", audio + plan.prompt_tokens},
          {"input_token_details", {{"text_tokens", plan.prompt_tokens}, {"audio_tokens", audio}}},
          {"output_tokens", output_tokens},
          {"total_tokens", audio + plan.prompt_tokens + output_tokens}};
}

json logprob_json(const std::string& token, Rng& rng) {
  json bytes = json::array();
  for (const unsigned char c : token)
    bytes.push_back(c);
  return {{"token", token}, {"logprob", -0.5 * rng.unit()}, {"bytes", bytes}};
}

Response text_response(std::string body, const char* type) {
  Response res;
  res.headers = {{"content-type", type}};
  res.body = std::move(body);
  return res;
}

// gpt-4o-* streams: one delta per token, then the whole text with the usage.
Response stream_response(const TranscriptionPlan& plan, const std::string& text) {
  Rng rng(plan.seed ^ 0x6c6f6770ULL);  // the same logprobs as the json answer
  Response res;
  res.stream = true;
  res.headers = {{"content-type", "text/event-stream; charset=utf-8"}, {"cache-control", "no-cache"}};
  res.events = {sse_opening()};
  const std::vector<std::string> pieces = tokenize(text);
  json all = json::array();
  for (const std::string& piece : pieces) {
    json delta = {{"type", "transcript.text.delta"}, {"delta", piece}};
    if (plan.logprobs) all.push_back(delta["logprobs"] = json::array({logprob_json(piece, rng)}));
    res.events.push_back(sse_event(to_text(delta), res.events.size()));
  }
  json done = {{"type", "transcript.text.done"}, {"text", text}, {"usage", token_usage(plan, pieces.size())}};
  if (plan.logprobs) {
    done["logprobs"] = json::array();
    for (const json& one : all)
      done["logprobs"].push_back(one.at(0));
  }
  res.events.push_back(sse_event(to_text(done), res.events.size()));
  return res;
}

json plain_json(const TranscriptionPlan& plan, const std::string& text) {
  json out = {{"text", text}};
  if (plan.translate) return out;  // CreateTranslationResponseJson has the text only
  const std::vector<std::string> pieces = tokenize(text);
  if (plan.model->id == "whisper-1") {
    out["usage"] = {{"type", "duration"}, {"seconds", static_cast<long long>(std::ceil(plan.seconds))}};
    return out;
  }
  out["usage"] = token_usage(plan, pieces.size());
  Rng rng(plan.seed ^ 0x6c6f6770ULL);
  if (plan.logprobs)
    for (const std::string& piece : pieces)
      out["logprobs"].push_back(logprob_json(piece, rng));
  return out;
}

}  // namespace

Response transcription_response(const Request& req, bool translate) {
  const TranscriptionPlan plan = parse_transcription(Form(parse_multipart(req)), translate);
  const std::vector<Segment> segments = make_segments(plan);
  const std::string text = full_text(segments);
  if (plan.stream) return stream_response(plan, text);
  if (plan.format == "text") return text_response(text + "\n", "text/plain; charset=utf-8");
  if (plan.format == "srt") return text_response(cues(segments, false), "text/plain; charset=utf-8");
  if (plan.format == "vtt") return text_response(cues(segments, true), "text/vtt; charset=utf-8");
  if (plan.format == "verbose_json") return json_response(200, verbose_json(plan, segments));
  return json_response(200, plain_json(plan, text));
}

}  // namespace gatecheck::testing::reference
