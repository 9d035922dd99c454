#include "stub_play.hpp"

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/uri.hpp>
#include <gatecheck/core/utf8.hpp>

#include "generator.hpp"
#include "journal.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;

json request_root(const RequestView& view, const CallContext& context, const json& path_params) {
  const Request& request = view.request();
  json query = json::object();
  for (auto& [name, value] : core::parse_query(request.query))
    query[core::repair_utf8(name)] = core::repair_utf8(value);
  json headers = json::object();
  for (const auto& [name, value] : request.headers)
    headers[core::repair_utf8(core::to_lower(name))] = core::repair_utf8(value);
  const json& body = view.body();
  return {{"id", context.request_id},
          {"method", core::repair_utf8(request.method)},
          {"path", core::repair_utf8(request.path)},
          {"url", core::repair_utf8(request.target)},
          {"query", std::move(query)},
          {"headers", std::move(headers)},
          {"body", body.is_discarded() ? json(nullptr) : body},
          {"text", core::repair_utf8(request.body)},
          {"path_params", path_params}};
}

// Random values drawn from the stub's seed: the same hit of the same stub on a seeded mock reads the same.
json random_root(std::uint64_t seed) {
  Prng prng(seed);
  const std::string hex = make_id("", prng.next(), 32);
  char uuid[37];
  const std::uint64_t high = prng.next();
  const std::uint64_t low = prng.next();
  std::snprintf(uuid, sizeof uuid, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xfff),
                static_cast<unsigned>(0x8000 | (low >> 48 & 0x3fff)),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return {{"int", prng.below(1u << 31)}, {"float", prng.unit()}, {"uuid", uuid}, {"id", hex}};
}

core::TemplateScope scope_of(const StubHit& hit, const RequestView& view, const CallContext& context,
                             std::uint64_t seed) {
  core::TemplateScope scope([](const std::string&) -> std::optional<std::string> {
    throw core::TemplateError("env is not readable from stub templates");
  });
  const std::int64_t now_ms = context.options.fixed_clock
                                  ? *context.options.fixed_clock * 1000
                                  : std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
  scope.set("request", request_root(view, context, hit.path_params));
  scope.set("random", random_root(seed));
  scope.set("now", {{"unix", now_ms / 1000}, {"unix_ms", now_ms}, {"iso", iso_time(now_ms)}});
  scope.set("stub", {{"id", hit.stub->id}, {"name", hit.stub->name}, {"hit", hit.hit + 1}});
  return scope;
}

void hand_to_endpoint(const StubResponse& response, CallContext& context) {
  for (const auto& fault : response.faults)
    context.controls.faults.add(fault);
  if (response.first_token) context.controls.timing.first_token = *response.first_token;
  if (response.between_tokens) context.controls.timing.between_tokens = *response.between_tokens;
  context.controls.answer = response.answer;
}

}  // namespace

std::optional<Reply> play_stub(const StubHit& hit, const RequestView& view, CallContext& context,
                               ProxyPool& proxies) {
  const StubResponse& response = hit.response();
  const std::uint64_t seed = mix64(context.options.seed ^ hash64(hit.stub->id) ^ mix64(hit.hit));
  context.stub_id = hit.stub->id;
  const auto delay = response.delay.sample(seed);
  try {
    const core::TemplateScope scope =
        response.templated ? scope_of(hit, view, context, seed) : core::TemplateScope();
    if (response.kind == StubResponse::Kind::generated) {
      hand_to_endpoint(response, context);
      context.stub_headers = render_headers(response, scope);
      context.stub_delay = delay;
      return std::nullopt;
    }
    Reply reply =
        response.kind == StubResponse::Kind::scripted
            ? render_scripted(response, scope)
            : proxies.forward(view.request(), response.proxy, context.profile(), context.request_id);
    if (response.kind == StubResponse::Kind::proxied)
      for (auto& [name, value] : render_headers(response, scope))
        reply.set_header(std::move(name), std::move(value));
    reply.scripted = true;
    reply.first_byte_delay = delay;
    return reply;
  } catch (const core::TemplateError& e) {
    throw Rejected{ApiError{500,
                            "Stub " + hit.stub->id + " could not render its response: " + e.what(),
                            "server_error",
                            nullptr,
                            "stub_template_error",
                            {}}};
  }
}

Reply no_stub_matched(const CallContext& context, const std::vector<NearMiss>& nearest,
                      const core::Redactor& redactor) {
  const Request& request = context.request;
  std::string message =
      "No stub matches " + core::repair_utf8(request.method) + " " + core::repair_utf8(request.path) + ".";
  json misses = json::array();
  for (const auto& miss : nearest) {
    std::vector<std::string> lines;
    for (const auto& line : miss.misses)
      lines.push_back(core::repair_utf8(redactor.redact(line)));
    message += (misses.empty() ? " Nearest: " : "; ") + miss.stub_id;
    if (!lines.empty()) message += " (" + lines.front() + ")";
    misses.push_back({{"stub", miss.stub_id}, {"name", miss.name}, {"misses", std::move(lines)}});
  }
  if (nearest.empty()) message += " There are no stubs.";
  json body = json::parse(render_error(
      context.profile(), ApiError{404, message, "invalid_request_error", nullptr, "no_stub_matched", {}},
      context.request_id));
  body["near_misses"] = std::move(misses);
  Reply reply;
  reply.status = 404;
  reply.body = body.dump();
  reply.headers.emplace_back("Content-Type", "application/json");
  return reply;
}

}  // namespace gatecheck::mock
