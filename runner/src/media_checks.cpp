// audio.speech-format, audio.transcript-format, images.payload: answers that are not chat text. Speech is
// bytes in the format asked for, labelled so; a transcript follows the syntax of its response_format (SRT,
// WebVTT, JSON); an image decodes to the format and size asked for.
#include <map>
#include <span>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/document.hpp>
#include <gatecheck/core/multipart.hpp>

#include "check_evaluation.hpp"
#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

std::uint32_t be32(std::string_view b, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3]));
}
std::uint32_t le32(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24);
}

// ---------------------------------------------------------------------------------------------- speech

// A WAV file: RIFF/WAVE, its RIFF size the file's (or unknown, as a streamed WAV says), fmt and data chunks.
std::optional<std::string> wav_problem(std::string_view b) {
  if (b.size() < 12 || b.substr(0, 4) != "RIFF" || b.substr(8, 4) != "WAVE") return "no RIFF/WAVE header";
  const std::uint32_t riff = le32(b, 4);
  if (riff != 0xffffffffu && riff != 0 && riff != b.size() - 8)
    return "the RIFF size says " + std::to_string(riff) + " bytes, the file holds " +
           std::to_string(b.size() - 8);
  bool fmt = false;
  for (std::size_t at = 12; at + 8 <= b.size();) {
    const std::string_view id = b.substr(at, 4);
    if (id == "fmt ") fmt = true;
    if (id == "data")
      return fmt ? std::nullopt : std::optional<std::string>("a data chunk before any fmt chunk");
    at += 8 + std::size_t{le32(b, at + 4)} + (le32(b, at + 4) % 2);
  }
  return "no data chunk";
}

struct AudioFormat {
  std::string_view name;
  std::vector<std::string_view> media_types;  // besides application/octet-stream, which the reference lists
  std::optional<std::string> (*problem)(std::string_view bytes);
};
const AudioFormat kAudioFormats[] = {
    {"mp3",
     {"audio/mpeg", "audio/mp3"},
     [](std::string_view b) -> std::optional<std::string> {
       const bool sync = b.size() > 1 && static_cast<unsigned char>(b[0]) == 0xff &&
                         (static_cast<unsigned char>(b[1]) & 0xe0) == 0xe0;
       if (b.starts_with("ID3") || sync) return std::nullopt;
       return "neither an ID3 tag nor an MPEG frame sync";
     }},
    {"opus",
     {"audio/opus", "audio/ogg"},
     [](std::string_view b) -> std::optional<std::string> {
       return b.starts_with("OggS") ? std::nullopt : std::optional<std::string>("no Ogg page (OggS)");
     }},
    {"aac",
     {"audio/aac"},
     [](std::string_view b) -> std::optional<std::string> {
       const bool adts = b.size() > 1 && static_cast<unsigned char>(b[0]) == 0xff &&
                         (static_cast<unsigned char>(b[1]) & 0xf0) == 0xf0;
       return adts || b.starts_with("ADIF") ? std::nullopt
                                            : std::optional<std::string>("no ADTS or ADIF header");
     }},
    {"flac",
     {"audio/flac", "audio/x-flac"},
     [](std::string_view b) -> std::optional<std::string> {
       return b.starts_with("fLaC") ? std::nullopt : std::optional<std::string>("no fLaC marker");
     }},
    {"wav", {"audio/wav", "audio/wave", "audio/x-wav", "audio/vnd.wave"}, &wav_problem},
    {"pcm",
     {"audio/pcm", "audio/l16"},
     [](std::string_view b) -> std::optional<std::string> {
       return b.size() % 2 == 0 ? std::nullopt
                                : std::optional<std::string>("an odd number of bytes (16-bit samples)");
     }},
};

Verdict speech_format(const Exchange& ex) {
  const json& request = ex.request_json;
  if (request.is_object() && request.value("stream_format", "audio") == "sse")
    return Verdict::not_applicable("streamed speech (stream_format sse): its events are judged by sse.*");
  const std::string asked = request.is_object() ? request.value("response_format", "mp3") : "mp3";
  const auto format = std::find_if(std::begin(kAudioFormats), std::end(kAudioFormats),
                                   [&](const AudioFormat& f) { return f.name == asked; });
  if (format == std::end(kAudioFormats))
    return Verdict::not_applicable("an unknown response_format '" + asked + "'");
  const std::string type = media_type(ex.response.headers.get("content-type").value_or(""));
  const auto& types = format->media_types;
  if (type != "application/octet-stream" && std::find(types.begin(), types.end(), type) == types.end())
    return Verdict::fail("the request asked for " + asked + " audio, but the Content-Type says " +
                             (type.empty() ? "nothing" : type),
                         std::string(types.front()), type.empty() ? "no Content-Type" : type);
  const std::string_view bytes = ex.response.body;
  if (bytes.empty())
    return Verdict::fail("the speech answer holds no audio", asked + " bytes", "an empty body");
  if (const auto problem = format->problem(bytes))
    return Verdict::fail("the body is not " + asked + " audio: " + *problem, asked + " bytes",
                         describe_value(json(std::string(bytes.substr(0, 12)))));
  return Verdict::pass(std::to_string(bytes.size()) + " bytes of " + asked);
}

// ------------------------------------------------------------------------------------------ transcripts

// A multipart request's plain fields (a transcription's response_format, stream; an edit's n, size).
std::map<std::string, std::string> form_fields(const Exchange& ex) {
  std::map<std::string, std::string> fields;
  std::string error;
  const auto parts =
      core::parse_multipart(ex.request.body, ex.request.headers.get("content-type").value_or(""), error);
  if (parts)
    for (const auto& part : *parts)
      if (!part.is_file) fields.emplace(part.name, std::string(part.data));
  return fields;
}

// Lines ended by CRLF, LF or a bare CR (WebVTT allows all three), after a leading byte-order mark.
std::vector<std::string_view> lines_of(std::string_view text) {
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t eol = text.find_first_of("\r\n");
    lines.push_back(text.substr(0, eol));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + (text.substr(eol, 2) == "\r\n" ? 2 : 1));
  }
  return lines;
}

// "00:01:02,500" (SRT) or "01:02.500" / "00:01:02.500" (WebVTT) as milliseconds; nullopt when malformed.
std::optional<std::int64_t> cue_time(std::string_view text, char separator, bool hours_optional) {
  const auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  const std::size_t mark = text.find(separator);
  if (mark == std::string_view::npos || !digits(text.substr(mark + 1)) || text.size() - mark - 1 != 3)
    return std::nullopt;
  std::vector<std::string_view> fields;
  for (std::string_view rest = text.substr(0, mark);;) {
    const std::size_t colon = rest.find(':');
    fields.push_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  if (fields.size() != 3 && !(hours_optional && fields.size() == 2)) return std::nullopt;
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!digits(fields[i]) || (i > 0 && fields[i].size() != 2) || fields[i].size() > 4) return std::nullopt;
    ms = ms * 60 + std::stoll(std::string(fields[i]));
  }
  return ms * 1000 + std::stoll(std::string(text.substr(mark + 1)));
}

// "START --> END[ settings]": the two times, start not after end. Spaces or tabs, any number, around the
// arrow and before the settings (WebVTT section 4.3; SRT writers use one space).
std::optional<std::string> timing_problem(std::string_view line, char separator, bool vtt,
                                          std::int64_t& last) {
  const std::size_t arrow = line.find("-->");
  if (arrow == std::string_view::npos) return "no 'start --> end' timing line";
  const auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
      s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
      s.remove_suffix(1);
    return s;
  };
  std::string_view end_text = trim(line.substr(arrow + 3));
  end_text = end_text.substr(0, end_text.find_first_of(" \t"));
  const auto start = cue_time(trim(line.substr(0, arrow)), separator, vtt);
  const auto end = cue_time(end_text, separator, vtt);
  if (!start || !end)
    return "a malformed timestamp in '" + std::string(line) + "' (" +
           (vtt ? "HH:MM:SS.mmm" : "HH:MM:SS,mmm") + ")";
  if (*end < *start) return "a cue ends before it starts: '" + std::string(line) + "'";
  if (*start < last) return "cues out of order at '" + std::string(line) + "'";
  last = *start;
  return std::nullopt;
}

std::optional<std::string> subtitles_problem(std::string_view body, bool vtt) {
  auto lines = lines_of(body);
  std::size_t at = 0;
  if (vtt) {
    if (lines.empty() ||
        !(lines[0] == "WEBVTT" || lines[0].starts_with("WEBVTT ") || lines[0].starts_with("WEBVTT\t")))
      return std::string("no WEBVTT header on the first line");
    at = 1;
  }
  std::int64_t last = 0;
  std::size_t cues = 0;  // numbered from 1 in SRT
  while (at < lines.size()) {
    if (lines[at].empty()) {
      ++at;
      continue;
    }
    std::size_t end = at;
    while (end < lines.size() && !lines[end].empty())
      ++end;
    std::span<const std::string_view> block(lines.data() + at, end - at);
    at = end;
    if (vtt && (block[0].starts_with("NOTE") || block[0] == "STYLE" || block[0] == "REGION")) continue;
    std::size_t timing = 0;
    if (!vtt) {
      if (block[0] != std::to_string(cues + 1))
        return "cue " + std::to_string(cues + 1) + " does not open with its number (its first line is '" +
               std::string(block[0]) + "')";
      timing = 1;
    } else if (block[0].find("-->") == std::string_view::npos) {
      timing = 1;  // a cue identifier
    }
    if (timing >= block.size()) return std::string("a cue without a timing line");
    if (auto problem = timing_problem(block[timing], vtt ? '.' : ',', vtt, last)) return problem;
    if (!vtt && timing + 1 >= block.size()) return std::string("a cue without text");  // WebVTT allows it
    ++cues;
  }
  return std::nullopt;  // no cues at all is a valid (silent) transcript
}

std::optional<std::string> verbose_problem(const json& body) {
  if (!body.is_object() || !body.contains("text") || !body["text"].is_string()) return std::string("no text");
  const json duration = body.value("duration", json(nullptr));
  if (!duration.is_number() || duration.get<double>() < 0) return std::string("no non-negative duration");
  for (const char* list : {"segments", "words"}) {
    double last = 0;
    for (const auto& item : body.value(list, json::array())) {
      const json start = item.value("start", json(nullptr)), end = item.value("end", json(nullptr));
      if (!start.is_number() || !end.is_number() || end.get<double>() < start.get<double>() ||
          start.get<double>() < last || end.get<double>() > duration.get<double>() * 1.1 + 0.5)
        return std::string(list) +
               ": an entry out of order or well past the duration: " + describe_value(item);
      last = start.get<double>();
    }
  }
  return std::nullopt;
}

Verdict streamed_transcript(const Exchange& ex) {
  std::string deltas;
  std::optional<std::string> done;
  for (std::size_t i = 0; i < ex.events.size(); ++i) {
    const auto& data = ex.event_json[i];
    if (!data || !data->is_object()) continue;
    const std::string type = data->value("type", "");
    if (type == "transcript.text.delta") deltas += data->value("delta", "");
    if (type == "transcript.text.done") {
      if (done) return Verdict::fail("two transcript.text.done events", "one", "two");
      done = data->value("text", "");
    }
  }
  if (!done)
    return Verdict::fail("the stream ends without transcript.text.done", "transcript.text.done", "none");
  if (*done != deltas)
    return Verdict::fail("transcript.text.done states another text than its deltas assemble",
                         describe_value(json(deltas)), describe_value(json(*done)));
  return Verdict::pass();
}

Verdict transcript_format(const Exchange& ex) {
  if (ex.is_event_stream()) return streamed_transcript(ex);
  const auto fields = form_fields(ex);
  const std::string format = fields.contains("response_format") ? fields.at("response_format") : "json";
  const std::string_view body = ex.response.body;
  std::optional<std::string> problem;
  if (format == "json" || format == "verbose_json") {
    const json parsed = core::parse_untrusted_json(body);
    if (format == "json" && !(parsed.is_object() && parsed.contains("text") && parsed["text"].is_string()))
      problem = "not a JSON object with a string text";
    if (format == "verbose_json") problem = verbose_problem(parsed);
  } else if (format == "text") {
    if (core::parse_untrusted_json(body).is_object())
      problem = "a JSON object where plain text was asked for";
  } else if (format == "srt" || format == "vtt") {
    problem = subtitles_problem(body, format == "vtt");
  } else {
    return Verdict::not_applicable("an unknown response_format '" + format + "'");
  }
  if (problem)
    return Verdict::fail("the transcript is not valid " + format + ": " + *problem, format,
                         excerpt(body, 80));
  return Verdict::pass(format);
}

// --------------------------------------------------------------------------------------------- images

// A PNG: the signature, IHDR first (its size, when one was asked for), then chunks that fit the bytes up to
// IEND.
std::optional<std::string> png_problem(std::string_view b,
                                       std::optional<std::pair<std::uint32_t, std::uint32_t>> size) {
  if (!b.starts_with("\x89PNG\r\n\x1a\n")) return std::string("no PNG signature");
  if (b.size() < 33 || b.substr(12, 4) != "IHDR") return std::string("no IHDR chunk first");
  const std::uint32_t width = be32(b, 16), height = be32(b, 20);
  if (size && (width != size->first || height != size->second))
    return "the image is " + std::to_string(width) + "x" + std::to_string(height) +
           ", the request asked for " + std::to_string(size->first) + "x" + std::to_string(size->second);
  for (std::size_t at = 8; at + 12 <= b.size();) {
    const std::uint64_t length = be32(b, at);
    if (at + 12 + length > b.size()) break;
    if (b.substr(at + 4, 4) == "IEND") return std::nullopt;
    at += 12 + static_cast<std::size_t>(length);
  }
  return "the PNG ends before its IEND chunk (" + std::to_string(b.size()) + " bytes): cut short";
}

std::optional<std::string> image_problem(std::string_view bytes, const std::string& format,
                                         std::optional<std::pair<std::uint32_t, std::uint32_t>> size) {
  if (format == "jpeg")
    return bytes.starts_with("\xff\xd8\xff") ? std::nullopt
                                             : std::optional<std::string>("no JPEG SOI marker");
  if (format == "webp")
    return bytes.size() >= 12 && bytes.starts_with("RIFF") && bytes.substr(8, 4) == "WEBP"
               ? std::nullopt
               : std::optional<std::string>("no RIFF/WEBP header");
  return png_problem(bytes, size);
}

Verdict images_payload(const Exchange& ex) {
  if (ex.is_event_stream())
    return Verdict::not_applicable(
        "a streamed image answer (partial images): its events are judged by sse.*");
  const json request = ex.request_json.is_object() ? ex.request_json : [&] {
    json fields = json::object();
    for (const auto& [name, value] : form_fields(ex))
      fields[name] = value;
    return fields;
  }();
  const json data =
      ex.body_json && ex.body_json->is_object() ? ex.body_json->value("data", json(nullptr)) : json(nullptr);
  if (!data.is_array() || data.empty())
    return Verdict::fail("the answer has no data list of images", "data: [...]", "none");
  const json n = request.value("n", json(nullptr));
  const std::string n_text = n.is_string() ? n.get<std::string>() : n.is_number_integer() ? n.dump() : "";
  if (!n_text.empty() && n_text != std::to_string(data.size()))
    return Verdict::fail(std::to_string(data.size()) + " images for n " + n_text, n_text + " images",
                         std::to_string(data.size()));
  std::optional<std::pair<std::uint32_t, std::uint32_t>> size;
  const std::string size_text = request.value("size", "");
  if (const auto x = size_text.find('x'); x != std::string::npos && size_text != "auto") {
    try {
      size = std::pair(static_cast<std::uint32_t>(std::stoul(size_text.substr(0, x))),
                       static_cast<std::uint32_t>(std::stoul(size_text.substr(x + 1))));
    } catch (const std::exception&) {
    }
  }
  const std::string format = request.value("output_format", "png");
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::string who = "data[" + std::to_string(i) + "]";
    const json& item = data[i];
    const bool b64 = item.is_object() && item.contains("b64_json") && item["b64_json"].is_string();
    const bool url = item.is_object() && item.contains("url") && item["url"].is_string();
    if (b64 == url)
      return Verdict::fail(who + " carries " + (b64 ? "both b64_json and url" : "neither b64_json nor url"),
                           "one of them", describe_value(item));
    if (url) {
      const auto& link = item["url"].get_ref<const std::string&>();
      if (!link.starts_with("https://") && !link.starts_with("http://"))
        return Verdict::fail(who + ".url is not an absolute http(s) URL", "https://...",
                             describe_value(item["url"]));
      continue;
    }
    const auto bytes = core::base64_decode(item["b64_json"].get_ref<const std::string&>());
    if (!bytes)
      return Verdict::fail(who + ".b64_json is not base64", "base64", describe_value(item["b64_json"]));
    if (const auto problem = image_problem(*bytes, format, size))
      return Verdict::fail(who + ".b64_json is not a whole " + format + " image: " + *problem,
                           "a " + format + " image", std::to_string(bytes->size()) + " bytes");
  }
  return Verdict::pass(std::to_string(data.size()) + (data.size() == 1 ? " image" : " images"));
}

// Each media judge applies to its own API's successful answers.
template <Api api, Verdict (*rule)(const Exchange&)>
Verdict media_rule(const CheckContext&, const Exchange* ex) {
  if (ex->response.status < 200 || ex->response.status >= 300)
    return Verdict::not_applicable("not an answer: status " + std::to_string(ex->response.status));
  if (ex->api() != api) return Verdict::not_applicable("not a request this check judges");
  return rule(*ex);
}

}  // namespace

Verdict audio_speech_format(const CheckContext& c, const Exchange* ex) {
  return media_rule<Api::speech, &speech_format>(c, ex);
}
Verdict audio_transcript_format(const CheckContext& c, const Exchange* ex) {
  return media_rule<Api::transcription, &transcript_format>(c, ex);
}
Verdict images_payload_check(const CheckContext& c, const Exchange* ex) {
  return media_rule<Api::images, &images_payload>(c, ex);
}

}  // namespace gatecheck::runner
