// Property: JsonPath::parse accepts or throws JsonPathError only; every match's pointer leads to the matched
// node; find() returns the first match; json_path_from_pointer renders each match as a path that finds that
// node again. Input: a JSONPath ("$.choices[0].message"), evaluated against a fixed document with awkward
// keys.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <gatecheck/core/json_path.hpp>

#include "fuzz_common.hpp"

namespace {

const nlohmann::json& document() {
  static const nlohmann::json value = nlohmann::json::parse(R"({
    "choices": [{"index": 0, "finish_reason": "stop",
                 "message": {"role": "assistant", "content": "hi", "tool_calls": [
                   {"id": "call_1", "function": {"name": "f", "arguments": "{}"}}]}}],
    "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
    "responses": {"200": {"description": "ok"}, "default": {}},
    "odd keys": {"a b": 1, "": 2, "it's": 3, "~/": 4, "back\\slash": 5, "caf\u00e9": 6, "-1": 7, "0": 8},
    "nested": [[1, [2, [3]]], [], {}, null, "text"],
    "null": null
  })");
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatecheck;
  using fuzz::require;
  const std::string_view text = fuzz::as_text(data, size);
  const nlohmann::json& root = document();
  (void)core::json_path_from_pointer(text);  // any bytes as a pointer
  (void)core::json_path_from_pointer(text, &root);
  core::JsonPath path;
  try {
    path = core::JsonPath::parse(text);
  } catch (const core::JsonPathError& e) {
    require(e.offset() <= size, "the error offset lies within the text");
    return 0;
  }
  std::vector<core::JsonPath::Match> matches;
  try {
    matches = path.evaluate(root);
  } catch (const core::JsonPathError&) {
    return 0;  // over the evaluation's bound: the documented refusal
  }
  require(path.find(root) == (matches.empty() ? nullptr : matches.front().value),
          "find() is the first match");
  require(!path.is_singular() || matches.size() <= 1, "a singular path matches at most one node");
  for (const auto& match : matches) {
    require(&root.at(nlohmann::json::json_pointer(match.pointer)) == match.value,
            "the pointer leads to the match");
    const std::string rendered = core::json_path_from_pointer(match.pointer, &root);
    require(core::JsonPath::parse(rendered).find(root) == match.value,
            "the rendered path finds the match again");
  }
  return 0;
}
