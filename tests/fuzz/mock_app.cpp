// Property: mock::App::handle answers any request (faults and x-gatecheck-* controls included) without
// throwing, never through its internal-error 500, with header values a server can write as they are; its
// stream drains without waiting once hurried, and a stream without faults ends on an event boundary.
//
// Input (text):  [@simosphere|@anthropic|@simplio] optional first line: the profile (default openai); under
//                simplio the keys are sk_simplio_fuzz_free (plan free) and sk_simplio_fuzz_pro (plan pro)
//                METHOD TARGET [...]     e.g. "POST /v1/chat/completions HTTP/1.1"
//                Name: value             headers; x-fuzz-repeat: N (send N times, 1..70) and
//                ...                     x-fuzz-hurry-after: N (hurry the stream after N events) are
//                <blank line>            harness controls and are not sent
//                body
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/sse.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "app.hpp"
#include "exchange.hpp"
#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

constexpr std::size_t kMaxEvents = 200'000;  // a stream longer than this does not end

mock::ServerOptions make_options(const char* profile) {
  mock::ServerOptions options;
  options.profile = vendor::load_profile(profile);
  options.log_format = mock::LogFormat::none;  // also: no journal flusher thread
  options.fixed_clock = 1700000000;
  options.seed = 7;
  options.max_generated_tokens =
      4'000;  // keeps one input cheap (x-fuzz-repeat: 70); the 400 beyond stays reachable
  // admin_token stays empty: /admin is off, so no webhook can be registered and nothing is ever delivered.
  options.stubs.push_back(nlohmann::json::parse(R"({
    "request": {"method": "POST", "path": "/v1/stubbed", "json": {"$.kind": "ping"}},
    "responses": [{"json": {"pong": true}},
                  {"status": 503, "headers": {"Retry-After": "1"}, "json": {"error": {"message": "busy"}}}]})"));
  return options;
}

// What Beast's parser lets through: no control characters (a tab only inside field values), no DEL.
bool beast_reads(std::string_view text, bool tab_allowed) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && !(tab_allowed && c == '\t')) || byte == 0x7F) return false;
  }
  return true;
}

std::size_t number_or(std::string_view text, std::size_t fallback) {
  std::size_t value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc{} ? value : fallback;
}

// Whether the reply is App::handle's catch-all: "internal error in gatecheck mock: <what()>".
bool internal_error(const mock::Reply& reply) {
  if (reply.status != 500 || reply.stream) return false;
  const nlohmann::json body = core::parse_untrusted_json(reply.body);
  if (!body.is_object()) return false;
  const nlohmann::json* holder = &body;  // the envelope, or the error_not_envelope fault's bare object
  if (const auto error = body.find("error"); error != body.end() && error->is_object()) holder = &*error;
  const auto message = holder->find("message");
  return message != holder->end() && message->is_string() &&
         message->get<std::string>().starts_with("internal error in gatecheck mock");
}

void drain(mock::Reply& reply, std::size_t hurry_after) {
  std::string bytes;
  std::string event;
  std::chrono::microseconds delay{0};
  bool hurried = false;
  for (std::size_t count = 0;; ++count) {
    if (!hurried && count >= hurry_after) {
      reply.stream->hurry();
      hurried = true;
    }
    event.clear();
    if (!reply.stream->next(event, delay)) break;  // composed only: the delay is read, never waited
    require(!hurried || delay.count() == 0, "a hurried stream asks for no more waits");
    require(count < kMaxEvents, "a stream ends");
    bytes += event;
  }
  core::SseParser parser([](core::SseEvent&&) {});
  parser.feed(bytes);
  parser.finish();
  if (reply.fault_names.empty())
    require(parser.stats().unterminated_tail_bytes == 0, "a stream without faults ends on an event boundary");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const mock::ServerOptions openai = make_options("openai");
  static const mock::ServerOptions simosphere = make_options("simosphere");
  static const mock::ServerOptions anthropic = make_options("anthropic");
  static const mock::ServerOptions simplio = [] {  // routing, idempotency and quotas need keys on plans
    auto options = make_options("simplio");
    options.keys = {{"sk_simplio_fuzz_free", "free"}, {"sk_simplio_fuzz_pro", "pro"}};
    return options;
  }();

  std::string_view rest = fuzz::as_text(data, size);
  std::string_view line = fuzz::take_line(rest);
  const mock::ServerOptions* options = &openai;
  if (line.starts_with('@')) {
    if (line == "@simosphere") options = &simosphere;
    if (line == "@anthropic") options = &anthropic;
    if (line == "@simplio") options = &simplio;
    line = fuzz::take_line(rest);
  }
  // As Beast hands them over: a method token, then a request-target without spaces or control characters.
  const auto space = line.find(' ');
  const std::string method(line.substr(0, space));
  std::string target;
  if (space != std::string_view::npos) {
    const std::string_view after = line.substr(space + 1);
    target = std::string(after.substr(0, after.find(' ')));
  }
  if (!beast_reads(method, false) || !beast_reads(target, false)) return 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t repeat = 1;
  std::size_t hurry_after = kMaxEvents / 2;
  while (!rest.empty()) {
    const std::string_view header = fuzz::take_line(rest);
    if (header.empty()) break;
    if (!beast_reads(header, true)) continue;  // a field Beast would refuse: left out
    const auto [name, value] = fuzz::split_header(header);
    if (core::iequals(name, "x-fuzz-repeat")) {
      repeat = std::min<std::size_t>(std::max<std::size_t>(number_or(value, 1), 1), 70);
    } else if (core::iequals(name, "x-fuzz-hurry-after")) {
      hurry_after = number_or(value, hurry_after);
    } else {
      headers.emplace_back(name, value);
    }
  }
  const std::string body(rest);

  // As server.cpp builds it.
  mock::Request request;
  request.method = method;
  request.target = target;
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  request.query =
      question == std::string_view::npos ? std::string_view{} : request.target.substr(question + 1);
  for (const auto& [name, value] : headers)
    request.headers.emplace_back(name, value);
  request.body_too_large = body.size() > options->profile.max_body_bytes;
  request.body = request.body_too_large ? std::string_view{} : std::string_view(body);
  request.remote = "fuzz";

  mock::App app(*options);  // one per input: rate limits, stub hits and key usage start afresh
  for (std::size_t i = 0; i < repeat; ++i) {
    mock::Reply reply = app.handle(request);
    require(reply.status >= 100 && reply.status <= 599, "the status is an HTTP status");
    require(!internal_error(reply), "no request ends in the mock's internal-error 500");
    for (const auto& [name, value] : reply.headers) {
      require(!name.empty() && name.find_first_of(":\r\n") == std::string::npos, "header names are tokens");
      require(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
              "header values hold no CR, LF or NUL (server.cpp writes them as they are)");
    }
    if (reply.stream) drain(reply, hurry_after);
  }
  return 0;
}
