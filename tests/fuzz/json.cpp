// Property (differential): what parse_json (strict, with positions) accepts, parse_untrusted_json (nlohmann)
// accepts with an equal value when the nesting allows it; the source map holds one entry per node; a
// LoadError always names a position; parse_untrusted_json never throws.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

std::size_t count_nodes(const nlohmann::json& value) {
  std::size_t count = 1;
  if (value.is_structured())
    for (const auto& child : value)
      count += count_nodes(child);
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const nlohmann::json untrusted = core::parse_untrusted_json(text);
  try {
    const core::Document document = core::parse_json(text, "fuzz.json");
    require(document.source.size() == count_nodes(document.value), "one source-map entry per node");
    require(document.source.value_at("").known(), "the root has a position");
    (void)document.describe("");
    if (core::json_nesting_within(text)) {
      require(!untrusted.is_discarded(), "nlohmann accepts what parse_json accepts");
      require(untrusted == document.value, "both parsers read the same value");
    }
  } catch (const core::LoadError& e) {
    require(e.position().known(), "a JSON LoadError names a line and column");
  }
  return 0;
}
