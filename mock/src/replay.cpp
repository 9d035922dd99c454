#include "replay.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/duration.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/core/spelling.hpp>

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using HeaderLookup = std::function<std::string(std::string_view)>;

constexpr std::string_view kKeyParts[] = {"method", "path", "query", "body"};

void check_key(const std::vector<std::string>& key) {
  if (key.empty()) throw std::invalid_argument("--replay-key: name at least one part");
  for (const auto& part : key) {
    const bool header = part.starts_with("header:") && part.size() > 7;
    if (!header && std::find(std::begin(kKeyParts), std::end(kKeyParts), part) == std::end(kKeyParts))
      throw std::invalid_argument("--replay-key: '" + part +
                                  "' is not a key part (method, path, query, body, header:NAME)");
  }
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string_view query_of(std::string_view target) {
  const auto at = target.find('?');
  return at == std::string_view::npos ? std::string_view() : target.substr(at + 1);
}

// The query as a key compares it: a credential's value is masked in a recording, so it is left out on both
// sides ("a=1&api_key=" for "a=1&api_key=sk-...").
std::string comparable_query(std::string_view query) {
  std::string out(query);
  const auto values = cassette::credential_values(query);
  for (auto it = values.rbegin(); it != values.rend(); ++it)  // the last first: offsets stay right
    out.erase(it->first, it->second);
  return out;
}

std::chrono::microseconds scaled(double ms, double speed) {
  if (speed <= 0 || ms <= 0) return std::chrono::microseconds(0);
  // Bounded: a recording cannot make the mock wait longer than an hour for one piece.
  return std::chrono::microseconds(static_cast<std::int64_t>(std::min(ms / speed, 3.6e6) * 1000));
}

// How a recorded body differs from the request's: the first change that turns one into the other.
std::string body_difference(const json& wanted, const json& recorded) {
  if (wanted.is_discarded() || recorded.is_discarded()) return "the body differs (not JSON on both sides)";
  const json patch = json::diff(recorded, wanted);
  if (patch.empty()) return "the body differs";
  const std::string path = patch.front().value("path", std::string("/"));
  const std::string op = patch.front().value("op", std::string());
  if (op == "add") return "the request has " + path + ", the recording does not";
  if (op == "remove") return "the recording has " + path + ", the request does not";
  return "the body differs at " + path;
}

// A recorded pacing announcement, scaled as the replay scales the pace: the replay is the producer now.
std::string scaled_pacing(std::string_view recorded, double speed) {
  const auto number = [&](std::string_view name) -> double {
    const auto at = recorded.find(name);
    if (at == std::string_view::npos) return 0;
    const auto end = recorded.find(',', at);
    const auto digits =
        recorded.substr(at + name.size(), end == std::string_view::npos ? end : end - at - name.size());
    return core::parse_decimal(digits).value_or(0);
  };
  const auto scale = [&](double ms) { return speed <= 0 ? 0 : static_cast<std::int64_t>(ms / speed); };
  return pacing_announcement(scale(number("ttft-ms=")), scale(number("itl-ms=")));
}

// The recording's own origin in what it says (an image URL, a Location) becomes the replaying server's, so a
// client that follows it comes back here rather than to a server that may be gone.
std::string rebased(std::string text, const std::string& from, const std::string& to) {
  if (from.empty() || to.empty() || from == to) return text;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Erasing members in this order never moves one still to go: later array members first (indexes compared as
// numbers), members inside a value before the value.
bool erased_before(const json::json_pointer& a, const json::json_pointer& b) {
  const std::string x = a.to_string();
  const std::string y = b.to_string();
  if (y.starts_with(x + "/")) return false;  // a holds b: b goes first
  if (x.starts_with(y + "/")) return true;
  const auto parent_a = a.parent_pointer();
  if (parent_a == b.parent_pointer() && !a.empty() && !b.empty()) {
    const std::string& i = a.back();
    const std::string& j = b.back();
    const bool numbers = !i.empty() && !j.empty() && i.find_first_not_of("0123456789") == std::string::npos &&
                         j.find_first_not_of("0123456789") == std::string::npos;
    if (numbers && i.size() != j.size()) return i.size() > j.size();
  }
  return x > y;
}

// "authorization=9f86d081;" for each credential header: what tells two recorded keys apart.
std::string credential_marks(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::string> marks;
  for (const auto& [name, value] : headers)
    if (cassette::is_credential(name))
      marks.push_back(core::to_lower(name) + "=" + cassette::credential_mark_of(value));
  std::sort(marks.begin(), marks.end());
  std::string out;
  for (const auto& mark : marks)
    out += mark + ";";
  return out;
}

}  // namespace

namespace {

std::vector<cassette::Recording> load_all(const std::vector<std::string>& paths) {
  std::vector<cassette::Recording> out;
  for (const auto& path : paths) {
    auto loaded = cassette::load(path);
    std::move(loaded.begin(), loaded.end(), std::back_inserter(out));
  }
  return out;
}

}  // namespace

ReplayStore::ReplayStore(const std::vector<std::string>& paths, ReplayOptions options)
    : ReplayStore(load_all(paths), std::move(options)) {
  enabled_ = !paths.empty();
}

ReplayStore::ReplayStore(std::vector<cassette::Recording> recordings, ReplayOptions options)
    : options_(std::move(options)), enabled_(true), recordings_(std::move(recordings)) {
  check_key(options_.key);
  for (const auto& field : options_.ignore) {
    try {
      ignored_.push_back(core::JsonPath::parse(field));
    } catch (const core::JsonPathError& e) {
      throw std::invalid_argument("--replay-ignore '" + field + "' is not JSONPath: " + e.what());
    }
  }
  // A field masked when it was recorded cannot match what a client sends: it is left out of every key.
  std::set<std::string> masked;
  for (const auto& recording : recordings_)
    for (const auto& redaction : recording.redactions)
      if (redaction.starts_with("field ")) masked.insert(redaction.substr(6));
  for (const auto& field : masked) {
    if (std::find(options_.ignore.begin(), options_.ignore.end(), field) != options_.ignore.end()) continue;
    try {
      ignored_.push_back(core::JsonPath::parse(field));
    } catch (const core::JsonPathError& e) {
      throw std::invalid_argument("--replay: a recording says it masked '" + field +
                                  "', which is not JSONPath");
    }
  }
  for (std::size_t i = 0; i < recordings_.size(); ++i) {
    const auto& request = recordings_[i].request;
    std::vector<std::pair<std::string, std::string>> headers(request.headers.begin(), request.headers.end());
    by_key_[key_of(request.method, request.url, request.body, headers)].push_back(i);
    marks_.push_back(credential_marks(headers));
  }
}

std::string ReplayStore::canonical_body(std::string_view body) const {
  json value = core::parse_untrusted_json(body);
  if (value.is_discarded()) return std::string(body);
  for (const auto& path : ignored_) {
    // Pointers in reverse document order: a later sibling goes before an earlier one (indexes stay right),
    // a member before the value holding it.
    std::vector<json::json_pointer> pointers;
    for (const auto& match : path.evaluate(value))
      if (!match.pointer.empty()) pointers.emplace_back(match.pointer);
    std::sort(pointers.begin(), pointers.end(), erased_before);
    pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());
    for (const auto& pointer : pointers) {
      if (!value.contains(pointer)) continue;  // inside something already gone
      json& parent = value[pointer.parent_pointer()];
      if (parent.is_object()) parent.erase(pointer.back());
      if (parent.is_array()) parent.erase(static_cast<std::size_t>(std::stoul(pointer.back())));
    }
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ReplayStore::key_of(std::string_view method, std::string_view target, std::string_view body,
                                const std::vector<std::pair<std::string, std::string>>& headers) const {
  std::string key;
  for (const auto& part : options_.key) {
    if (part == "method") key += core::to_lower(method);
    if (part == "path") key += path_of(target);
    if (part == "query") key += comparable_query(query_of(target));
    if (part == "body") key += canonical_body(body);
    if (part.starts_with("header:")) {
      const std::string_view name = std::string_view(part).substr(7);
      for (const auto& [field, value] : headers)
        if (core::iequals(field, name))
          key += cassette::is_credential(name) ? cassette::credential_mark_of(value) : value;
    }
    key += '\x1f';
  }
  return key;
}

const cassette::Recording* ReplayStore::match(const Request& request) {
  if (recordings_.empty()) return nullptr;
  if (request.body_too_large) {  // a body the server did not read: a recorded 413 to the same method and path
    const auto same = [&](const cassette::Recording& r) {
      return r.response.status == 413 && core::iequals(r.request.method, request.method) &&
             path_of(r.request.url) == request.path;
    };
    const auto found = std::find_if(recordings_.begin(), recordings_.end(), same);
    return found == recordings_.end() ? nullptr : &*found;
  }
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers)
    headers.emplace_back(name, value);
  const std::string key = key_of(request.method, request.target, request.body, headers);
  const auto found = by_key_.find(key);
  if (found == by_key_.end()) return nullptr;
  // Among the recordings of one key, the closest: the same bytes, then the same credentials (by their marks);
  // each narrowing only when it leaves some. Then the recorded order.
  const auto narrowed = [](const std::vector<std::size_t>& pool, auto&& keep) {
    std::vector<std::size_t> out;
    std::copy_if(pool.begin(), pool.end(), std::back_inserter(out), keep);
    return out.empty() ? pool : out;
  };
  auto pool =
      narrowed(found->second, [&](std::size_t i) { return recordings_[i].request.body == request.body; });
  const std::string marks = credential_marks(headers);
  pool = narrowed(pool, [&](std::size_t i) { return marks_[i] == marks; });
  std::string turn_key = key;
  for (const std::size_t i : pool)
    turn_key += '\x1e' + std::to_string(i);
  const std::lock_guard lock(mutex_);
  std::size_t& turn = turns_[turn_key];
  const std::size_t index = pool[std::min(turn, pool.size() - 1)];
  ++turn;
  return &recordings_[index];
}

// How the request differs from a recording, in the key's terms: the first part of the key that differs.
std::string ReplayStore::difference(const Request& request, const cassette::Recording& recording) const {
  const auto& recorded = recording.request;
  for (const auto& part : options_.key) {
    if (part == "method" && !core::iequals(recorded.method, request.method))
      return "the method is " + recorded.method + ", not " + std::string(request.method);
    if (part == "path" && path_of(recorded.url) != request.path)
      return "the path is " + std::string(path_of(recorded.url));
    if (part == "query" && comparable_query(query_of(recorded.url)) != comparable_query(request.query))
      return "the query is '" + comparable_query(query_of(recorded.url)) + "', not '" +
             comparable_query(request.query) + "'";
    if (part.starts_with("header:")) {
      const std::string name = part.substr(7);
      std::string value;
      for (const auto& [field, text] : request.headers)
        if (core::iequals(field, name)) value = std::string(text);
      const std::string had(recorded.headers.get(name).value_or(""));
      if (cassette::is_credential(name)) {  // never quoted: only whether the marks agree
        if (cassette::credential_mark_of(had) != cassette::credential_mark_of(value))
          return "the " + name + " header differs";
      } else if (had != value) {
        return "the " + name + " header is '" + had + "', not '" + value + "'";
      }
    }
    if (part == "body") {
      const std::string had = canonical_body(recorded.body);
      const std::string sent = canonical_body(request.body);
      if (had != sent)
        return body_difference(core::parse_untrusted_json(sent), core::parse_untrusted_json(had));
    }
  }
  return "it matches, but its turn has not come (an earlier recording of the same request answers)";
}

std::optional<ReplayStore::Nearest> ReplayStore::nearest(const Request& request) const {
  // Cheap first: the method and path. Bodies are compared only among recordings to the same method and path,
  // at most a few hundred of them, so an unmatched request costs little whatever the cassettes hold.
  constexpr std::size_t kBodiesCompared = 256;
  const json wanted = core::parse_untrusted_json(request.body);
  const cassette::Recording* best = nullptr;
  std::size_t best_score = std::numeric_limits<std::size_t>::max();
  std::size_t compared = 0;
  for (const auto& recording : recordings_) {
    const auto& recorded = recording.request;
    std::size_t score = core::iequals(recorded.method, request.method) ? 0 : 100'000;
    if (path_of(recorded.url) != request.path)
      score +=
          10'000 + core::edit_distance(path_of(recorded.url).substr(0, 256), request.path.substr(0, 256));
    else if (score == 0 && compared++ < kBodiesCompared) {
      const json body = core::parse_untrusted_json(recorded.body);
      score += !body.is_discarded() && !wanted.is_discarded() ? json::diff(body, wanted).size()
               : recorded.body == request.body                ? 0
                                                              : 100;
    } else {
      score += 1000;
    }
    if (score < best_score) {
      best_score = score;
      best = &recording;
    }
  }
  if (best == nullptr) return std::nullopt;
  return Nearest{best, difference(request, *best)};
}

void ReplayStore::reset() {
  const std::lock_guard lock(mutex_);
  turns_.clear();
}

Reply replay_reply(const cassette::Recording& recording, double speed, const std::string& origin) {
  const std::string from = recording.source.starts_with("http") ? recording.source : std::string();
  const auto& recorded = recording.response;
  Reply reply;
  reply.replayed = true;
  if (recorded.status < 100) {  // no status line ever came: neither does one now
    reply.reset_connection = true;
    return reply;
  }
  reply.status = recorded.status;
  for (const auto& [name, value] : recorded.headers) {
    if (is_framing_header(name) || (speed == 0 && core::iequals(name, kPacingHeader))) continue;
    const bool pacing = core::iequals(name, kPacingHeader) && speed != 1;
    reply.headers.emplace_back(name, pacing ? scaled_pacing(value, speed) : rebased(value, from, origin));
  }
  // Played at once, a stream has no pace to judge, whatever produced it: say so, as the mock does.
  if (speed == 0 && !recorded.arrivals.empty())
    reply.headers.emplace_back(std::string(kPacingHeader), pacing_announcement(0, 0));
  const double head_ms = recorded.headers_ms.value_or(0);
  reply.first_byte_delay = std::chrono::duration_cast<std::chrono::milliseconds>(scaled(head_ms, speed));
  const bool broken = !recorded.error_kind.empty();
  if (recorded.arrivals.empty() && !broken) {
    reply.body = rebased(recorded.body, from, origin);
    return reply;
  }
  std::vector<TimedPiece> pieces;
  double previous = head_ms;
  for (const auto& piece : cassette::pieces_of(recorded)) {
    const double at = recorded.arrivals.empty() ? recorded.duration_ms.value_or(head_ms) : piece.at_ms;
    pieces.push_back({rebased(std::string(piece.bytes), from, origin), scaled(at - previous, speed)});
    previous = std::max(previous, at);
  }
  reply.break_off = broken;
  reply.stream = timed_pieces(std::move(pieces));
  return reply;
}

}  // namespace gatecheck::mock
