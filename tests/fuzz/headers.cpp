// Property: the readers of untrusted header values never throw and return sane values: the runner's
// Retry-After, retry-after-ms and Go-duration readers (never negative, never NaN), media_type(), the mock's
// fault lists (std::invalid_argument only; what parses re-serialises to the same list), hex and base64
// (round-trip), and webhook signatures: verify_signature() reads any headers, and passes what the mock's
// signature_headers() signs. Input: lines, each tried as every header value; line 1 is also a webhook secret,
// line 2 an event id, and the whole input the delivery's body.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/duration.hpp>
#include <gatecheck/core/headers.hpp>
#include <gatecheck/mock/faults.hpp>
#include <gatecheck/net/http_receiver.hpp>
#include <gatecheck/vendor/profile.hpp>

#include "check_evaluation.hpp"  // runner/src
#include "fuzz_common.hpp"
#include "webhook_checks.hpp"  // runner/src
#include "webhook_hub.hpp"     // mock/src

namespace {

using namespace gatecheck;
using fuzz::require;

void sane(std::optional<double> value, const char* property) {
  if (value) require(!std::isnan(*value) && *value >= 0, property);
}

void check_value(std::string_view value) {
  sane(core::parse_go_duration(value), "a Go duration is a non-negative number of seconds");
  sane(core::retry_after_ms(core::Headers{{"Retry-After", std::string(value)}}),
       "Retry-After reads as a non-negative wait");
  sane(core::retry_after_ms(core::Headers{{"retry-after-ms", std::string(value)}}),
       "retry-after-ms reads as a non-negative wait");
  const std::string type = runner::media_type(value);
  require(type.find(';') == std::string::npos && type == core::to_lower(type),
          "a media type is bare and lower");

  try {
    const std::vector<mock::FaultSpec> specs = mock::parse_fault_list(value);
    std::string listed;
    for (const auto& spec : specs) {
      require(mock::parse_fault_name(mock::fault_name(spec.fault)) == spec.fault, "fault names round-trip");
      listed += (listed.empty() ? "" : ",") + std::string(mock::fault_name(spec.fault));
      if (spec.parameter) listed += "=" + std::to_string(*spec.parameter);
    }
    const std::vector<mock::FaultSpec> again = mock::parse_fault_list(listed);
    require(again.size() == specs.size(), "a fault list re-serialises to as many faults");
    for (std::size_t i = 0; i < specs.size(); ++i)
      require(again[i].fault == specs[i].fault && again[i].parameter == specs[i].parameter,
              "a fault list re-serialises to the same faults");
  } catch (const std::invalid_argument&) {
    // An unknown fault or a parameter out of range: the mock answers 400 naming the header.
  }

  require(core::from_hex(core::to_hex(value)) == std::string(value), "hex round-trips");
  require(core::base64_decode(core::base64_encode(value)) == std::string(value), "base64 round-trips");
  (void)core::from_hex(value);
  (void)core::base64_decode(value);
}

vendor::WebhookClaims claims(vendor::SignatureScheme scheme) {
  vendor::WebhookClaims out;
  out.scheme = scheme;
  out.header = "X-Signature";
  out.prefix = "sha256=";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  std::string_view rest = input;
  std::vector<std::string_view> lines;
  while (!rest.empty() && lines.size() < 64)
    lines.push_back(fuzz::take_line(rest));
  for (const auto line : lines)
    check_value(line);

  const std::string secret(lines.empty() ? std::string_view{} : lines[0]);
  const std::string event_id(lines.size() < 2 ? std::string_view{} : lines[1]);
  const std::string body(input);
  constexpr std::int64_t kNow = 1'700'000'000;
  net::ReceivedRequest received;  // any headers: "Name: value" lines
  received.method = "POST";
  received.target = "/hooks";
  received.body = body;
  for (const auto line : lines) {
    const auto [name, value] = fuzz::split_header(line);
    received.headers.add(std::string(name), std::string(value));
  }
  for (const auto scheme :
       {vendor::SignatureScheme::hmac_sha256_hex, vendor::SignatureScheme::standard_webhooks}) {
    const vendor::WebhookClaims webhook = claims(scheme);
    (void)runner::verify_signature(received, webhook, secret, kNow);
    net::ReceivedRequest signed_by_mock;
    signed_by_mock.method = "POST";
    signed_by_mock.body = body;
    for (const auto& [name, value] : mock::signature_headers(webhook, secret, event_id, kNow, body))
      signed_by_mock.headers.add(name, value);
    require(
        runner::verify_signature(signed_by_mock, webhook, secret, kNow).kind == runner::Verdict::Kind::pass,
        "the runner verifies what the mock signs");
  }
  (void)runner::deliveries_of({received}, "usage.threshold_reached");
  return 0;
}
