// Before a run against a target: one request that tells a target the run cannot talk to, or a run set up in
// a way that would fail every scenario for one reason (the base path twice, no key), from a real gateway.
#include <algorithm>

#include <gatecheck/core/url.hpp>
#include <gatecheck/net/http_client.hpp>
#include <gatecheck/runner/runner.hpp>

#include "request_builder.hpp"

namespace gatecheck::runner {
namespace {

using Seen = Preflight::Verdict;

// No HTTP answer: what was seen, in the words of the phase that failed.
Preflight transport_problem(const net::TransportError& error, const core::Url& url) {
  const std::string kind(net::to_string(error.kind));
  switch (error.kind) {
    case net::TransportErrorKind::tls:
      return {Seen::unreachable,
              kind + ": " + error.message +
                  (url.tls() ? " (is it a plain http:// port? then give --target http://...)" : "")};
    case net::TransportErrorKind::read_timeout:
    case net::TransportErrorKind::total_timeout:
    case net::TransportErrorKind::deadline:
      return {Seen::unreachable,
              kind + ": the connection was accepted and the request sent, but no status line came (" +
                  error.message + ")"};
    case net::TransportErrorKind::closed:
      return {Seen::unreachable, kind + ": the connection was accepted, then closed without a status line (" +
                                     error.message + ")"};
    case net::TransportErrorKind::protocol:
      return {Seen::unreachable, "it answered, but not in HTTP/1.1 (" + error.message + ")" +
                                     (url.tls() ? "" : "; an https:// port, or not a web server?")};
    default:  // resolve, connect, connect_timeout (TCP or the TLS handshake: the message says which)
      return {Seen::unreachable, kind + ": " + error.message};
  }
}

// "http://host:8080/v1" with a profile under "/v1": the target named without its base path.
std::string without_base_path(std::string target, const std::string& base_path) {
  target.resize(target.size() - base_path.size());
  return target.empty() ? "/" : target;
}

}  // namespace

Preflight preflight(const RunOptions& options) {
  std::string target = options.target;
  while (target.ends_with('/'))
    target.pop_back();
  const std::string url = target + options.profile.base_path + "/models";
  net::HttpClientOptions client;
  client.connect_timeout = std::min(options.timeout, std::chrono::milliseconds(10'000));
  client.read_timeout = std::min(options.timeout, std::chrono::milliseconds(15'000));
  // Longer than both phases, so the phase that stalled is the one reported, never the total.
  client.total_timeout = client.connect_timeout + client.read_timeout + std::chrono::seconds(1);
  client.verify_tls = options.verify_tls;
  client.keep_alive = false;
  client.max_body_bytes = 64 * 1024;
  net::HttpRequest request{"GET", url, {}, {}};
  for (const auto& [name, value] : options.extra_headers)
    request.headers.set(name, value);
  add_credentials(request.headers, options.profile, options.api_key);
  const auto response = net::HttpClient(client).send(request);
  if (response.status == 0 && response.error)
    return transport_problem(*response.error, core::Url::parse(url));
  const std::string& base = options.profile.base_path;
  if (response.status == 404 && !base.empty() && target.ends_with(base))
    return {Seen::misconfigured,
            "GET " + core::redact_userinfo(url) + " answered 404: the target already ends in " + base +
                " and the profile '" + options.profile.id + "' puts its paths under " + base +
                ", so every request would name it twice. Give the target without it: --target " +
                core::redact_userinfo(without_base_path(target, base))};
  // A key given as a header of its own (--header "Authorization: ...") is a key too.
  const bool key_given = !options.api_key.empty() || request.headers.contains("authorization") ||
                         (!options.profile.auth.empty() && !options.profile.auth.front().header.empty() &&
                          request.headers.contains(options.profile.auth.front().header));
  if (response.status == 401 && !key_given)
    return {Seen::misconfigured, "GET " + core::redact_userinfo(url) +
                                     " answered 401 and no API key was given: every scenario would fail "
                                     "the same way. Give the target's key with --api-key-env NAME (or "
                                     "--api-key KEY)"};
  if (response.status == 401)
    return {Seen::misconfigured, "GET " + core::redact_userinfo(url) +
                                     " answered 401 to the credentials given: every scenario would fail the "
                                     "same way. Check the key (--api-key / --api-key-env) and --profile (" +
                                     options.profile.id + " sends it its own way)"};
  return {};
}

}  // namespace gatecheck::runner
