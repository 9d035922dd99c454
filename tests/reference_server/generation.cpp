#include "generation.hpp"

#include <cctype>

#include "instances.hpp"
#include "request_json.hpp"

namespace gatecheck::testing::reference {

std::string prose(Rng& rng) {
  std::string text = words(rng, 12 + rng.below(12)) + ".";
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

std::vector<ToolCall> make_calls(const json& functions, const std::string& mode, const std::string& named,
                                 bool parallel, Rng& rng) {
  std::vector<const json*> chosen;
  for (const json& function : functions) {
    const bool is_named = mode == "named" && string_at(function, "name") == named;
    if (is_named || (mode != "named" && parallel)) chosen.push_back(&function);
    if (is_named) break;
  }
  if (chosen.empty()) chosen.push_back(&functions[rng.below(functions.size())]);
  std::vector<ToolCall> calls;
  for (const json* function : chosen) {
    const json* parameters = member(*function, "parameters");
    json arguments = parameters && parameters->is_object() ? instance_of(*parameters, rng) : json::object();
    if (!arguments.is_object()) arguments = json::object();
    calls.push_back({"call_" + alnum(rng, 24), string_at(*function, "name"), to_text(arguments)});
  }
  return calls;
}

}  // namespace gatecheck::testing::reference
