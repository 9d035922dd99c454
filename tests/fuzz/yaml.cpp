// Property: parse_yaml loads any bytes or throws LoadError, its one documented error (yaml-cpp's own
// exceptions included, which it converts); no crash, no other exception type. Limits are LoadOptions'
// defaults. yaml-cpp 0.7's endless LoadAll loop on a stray ',' is refused since 43d09c8 (a seed keeps it so).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <gatecheck/core/document.hpp>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatecheck;
  try {
    const core::Document document = core::parse_yaml(fuzz::as_text(data, size), "fuzz.yaml");
    (void)document.describe("");
  } catch (const core::LoadError&) {
    // Malformed YAML, several documents, duplicate keys, bad tags or merges, limits: the loader's answer.
  }
  return 0;
}
