// Property (differential): whatever read_simple_chat_request accepts is JSON, and read_chat_request accepts
// it too and reads it to an equal ChatRequest, content seed included; neither reader throws anything but
// Rejected. Input: a chat/completions request body, read under two profiles (as simple_chat_request_test.cpp
// does).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gatecheck/vendor/profile.hpp>

#include "chat_request.hpp"
#include "fuzz_common.hpp"
#include "request_checks.hpp"
#include "simple_chat_request.hpp"
#include "unusual_profile.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

constexpr std::uint64_t kSeed = 7;

vendor::Profile unusual() {
  return gatecheck::testing::unusual_profile();
}

void compare(std::string_view body, const vendor::Profile& profile) {
  const std::optional<mock::ChatRequest> fast = mock::read_simple_chat_request(body, profile, kSeed);
  std::optional<mock::ChatRequest> full;
  try {
    full = mock::read_chat_request(body, profile, kSeed);
  } catch (const mock::Rejected&) {
    // The API's 400: the full reader's normal answer to a bad request.
  }
  if (!fast) return;
  require(!nlohmann::json::parse(body, nullptr, false).is_discarded(), "the simple reader accepts only JSON");
  require(full.has_value(), "the full reader accepts what the simple reader accepts");
  require(*fast == *full, "both readers read the same ChatRequest (content seed included)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const vendor::Profile openai = vendor::load_profile("openai");
  static const vendor::Profile odd = unusual();
  const std::string_view body = fuzz::as_text(data, size);
  compare(body, openai);
  compare(body, odd);
  return 0;
}
