// Properties of the one chat reader (read_chat_request over simdjson, request_json.hpp), read under two
// profiles (the bundled openai one and unusual_profile.hpp):
//   - the parser is no more lenient than nlohmann's and reads the same values: whatever RequestJson accepts,
//     nlohmann accepts too, and JsonValue::to_json() equals nlohmann's reading (a repeated key: the last);
//   - the reader throws nothing but Rejected (the API's 400);
//   - the content seed depends on the content, not the layout: the body re-serialised with its keys sorted
//   and
//     its whitespace dropped reads to an equal ChatRequest.
#include "chat_request.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gatecheck/vendor/profile.hpp>

#include "fuzz_common.hpp"
#include "request_checks.hpp"
#include "request_json.hpp"
#include "unusual_profile.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

constexpr std::uint64_t kSeed = 7;

void same_values_as_nlohmann(std::string_view body) {
  nlohmann::json via_simdjson;
  try {
    via_simdjson = mock::RequestJson(body).root().to_json();
  } catch (const mock::Rejected&) {
    return;
  }
  const auto via_nlohmann = nlohmann::json::parse(body, nullptr, false);
  require(!via_nlohmann.is_discarded(), "what simdjson accepts, nlohmann accepts");
  require(via_simdjson == via_nlohmann, "both parsers read the same values");
}

void layout_does_not_matter(std::string_view body, const vendor::Profile& profile) {
  std::optional<mock::ChatRequest> read;
  try {
    read = mock::read_chat_request(body, profile, kSeed);
  } catch (const mock::Rejected&) {
    return;  // the API's 400: the reader's normal answer to a bad request
  }
  const std::string compact = nlohmann::json::parse(body).dump();  // keys sorted, no whitespace
  const auto again = mock::read_chat_request(compact, profile, kSeed);
  require(again == *read, "the same request, laid out differently, reads the same (content seed included)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const vendor::Profile openai = vendor::load_profile("openai");
  static const vendor::Profile odd = gatecheck::testing::unusual_profile();
  const std::string_view body = fuzz::as_text(data, size);
  same_values_as_nlohmann(body);
  layout_does_not_matter(body, openai);
  layout_does_not_matter(body, odd);
  return 0;
}
