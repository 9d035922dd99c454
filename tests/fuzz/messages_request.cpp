// Properties of the Messages API reader (read_messages_request, the anthropic profile): it throws nothing but
// Rejected (the API's 400), and the content seed depends on the content, not the layout: the body
// re-serialised with its keys sorted and its whitespace dropped reads to an equal request.
#include "messages_request.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gatecheck/vendor/profile.hpp>

#include "api_error.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatecheck;
  static const vendor::Profile anthropic = vendor::load_profile("anthropic");
  const std::string_view body = fuzz::as_text(data, size);
  std::optional<mock::ChatRequest> read;
  try {
    read = mock::read_messages_request(body, anthropic, 7);
  } catch (const mock::Rejected&) {
    return 0;  // the API's 400
  }
  const auto again = mock::read_messages_request(nlohmann::json::parse(body).dump(), anthropic, 7);
  fuzz::require(again == *read, "the same request, laid out differently, reads the same");
  return 0;
}
