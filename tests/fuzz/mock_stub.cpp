// Property: a stub definition from anywhere (a config file, POST /admin/stubs) is refused with
// std::invalid_argument or compiled; a compiled stub, matched against any request, never throws (near misses
// included), plays its answer throwing only Rejected, and a scripted answer's header values hold no CR, LF or
// NUL (the server writes them as they are) and its events end on SSE event boundaries, each line one of
// the fields the stub wrote.
//
// Input (text):  a stub as JSON, on one line
//                METHOD TARGET           the request the stub is tried on
//                Name: value ...         headers
//                <blank line>
//                body
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/redact.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/schema/format_check.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "fuzz_common.hpp"
#include "stub_play.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

bool writable(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void check_reply(mock::Reply& reply) {
  require(reply.status >= 100 && reply.status <= 599, "a status a server can send");
  for (const auto& [name, value] : reply.headers)
    require(writable(name) && writable(value), "header fields a server can write as they are");
  if (!reply.stream) return;
  std::string events;
  std::chrono::microseconds delay{0};
  for (std::size_t i = 0; i < 20'000 && reply.stream->next(events, delay); ++i) {
  }
  require(events.empty() || events.ends_with("\n\n"), "scripted events end on an event boundary");
  // Every line is a field the stub wrote: what a request sent cannot start another one (no CR inside).
  require(events.find('\r') == std::string::npos, "no CR in scripted events");
  std::string_view lines(events);
  while (!lines.empty()) {
    const std::string_view line = fuzz::take_line(lines);
    require(
        line.empty() || line.starts_with("data: ") || line.starts_with("event: ") || line.starts_with("id: "),
        "each line of a scripted event is one of its fields");
  }
}

const mock::ServerOptions& options() {
  static const mock::ServerOptions options = [] {
    mock::ServerOptions o;
    o.profile = vendor::load_profile("openai");
    o.log_format = mock::LogFormat::none;
    o.fixed_clock = 1700000000;
    return o;
  }();
  return options;
}

mock::CallContext context_for(const mock::Request& request) {
  return {.request = request, .options = options(), .request_id = "req_fuzz", .created = 1};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto format = schema::compile_format("schemas/stub.schema.json");
  std::string_view rest = fuzz::as_text(data, size);
  const nlohmann::json definition = core::parse_untrusted_json(fuzz::take_line(rest), 64);
  if (definition.is_discarded()) return 0;
  std::shared_ptr<const mock::CompiledStub> stub;
  try {
    stub = mock::read_stub(definition, format, "");
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const std::string_view line = fuzz::take_line(rest);
  const auto space = line.find(' ');
  mock::Request request;
  request.method = line.substr(0, space);
  request.target = space == std::string_view::npos ? "/" : line.substr(space + 1);
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string_view::npos) request.query = request.target.substr(question + 1);
  for (std::string_view header = fuzz::take_line(rest); !header.empty(); header = fuzz::take_line(rest))
    request.headers.push_back(fuzz::split_header(header));
  request.body = rest;

  mock::StubStore store({stub});
  const mock::RequestView view(request);
  // The strict mode's 404 quotes what arrived: it must stay JSON whatever the bytes were.
  const mock::Reply missed =
      mock::no_stub_matched(context_for(request), store.near_misses(view, 3), core::Redactor());
  require(nlohmann::json::accept(missed.body), "the near-miss report is JSON");
  mock::CallContext context = context_for(request);
  mock::ProxyPool proxies;
  if (const auto hit = store.match(view)) {
    if (hit->response().kind == mock::StubResponse::Kind::proxied) return 0;  // no network in a fuzzer
    try {
      if (auto reply = mock::play_stub(*hit, view, context, proxies)) check_reply(*reply);
    } catch (const mock::Rejected& rejected) {
      require(rejected.error.status >= 400, "a refusal is an error status");
    }
  }
  (void)store.list();
  return 0;
}
