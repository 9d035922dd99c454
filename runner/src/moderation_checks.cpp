// moderation.consistent: a moderation answer says what it found the way the reference defines it.
#include "check_evaluation.hpp"
#include "matcher.hpp"

namespace gatecheck::runner {
namespace {

using nlohmann::json;

// How many results the input asks for: one per string of an array of strings, one for a string or for an
// array of multimodal parts.
std::size_t expected_results(const json& input) {
  if (!input.is_array()) return 1;
  return !input.empty() && input.front().is_string() ? input.size() : 1;
}

// One result: the same categories in `categories` and `category_scores`, scores in [0, 1], and `flagged`
// exactly when some category is.
Verdict judge_result(const json& result, std::size_t index) {
  const std::string who = "result " + std::to_string(index);
  if (!result.is_object() || !result.contains("categories") || !result["categories"].is_object() ||
      !result.contains("category_scores") || !result["category_scores"].is_object())
    return Verdict::fail(who + " lacks categories or category_scores", "both objects",
                         describe_value(result));
  const json& categories = result["categories"];
  const json& scores = result["category_scores"];
  bool any = false;
  for (const auto& [name, flag] : categories.items()) {
    if (!scores.contains(name))
      return Verdict::fail(who + ": category '" + name + "' has no score", "a score", "absent");
    const json& value = scores[name];
    if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1)
      return Verdict::fail(who + ": the score of '" + name + "' is not a number in [0, 1]", "0 <= score <= 1",
                           describe_value(value));
    any = any || flag == true;
  }
  if (categories.size() != scores.size())
    return Verdict::fail(who + " scores other categories than it flags", std::to_string(categories.size()),
                         std::to_string(scores.size()));
  if (!result.contains("flagged") || !result["flagged"].is_boolean() || result["flagged"] != any)
    return Verdict::fail(who + ": flagged does not say whether any category is flagged",
                         any ? "flagged: true" : "flagged: false",
                         result.contains("flagged") ? describe_value(result["flagged"]) : "absent");
  return Verdict::pass();
}

Verdict consistent(const Exchange& ex) {
  const bool moderation = ex.request.url.ends_with("/moderations") && ex.request_json.is_object() &&
                          ex.request_json.contains("input");
  if (!moderation) return Verdict::not_applicable("not a moderation request");
  if (ex.response.status < 200 || ex.response.status >= 300)
    return Verdict::not_applicable("not an answer: status " + std::to_string(ex.response.status));
  const json* results = ex.body_json && ex.body_json->is_object() && ex.body_json->contains("results")
                            ? &(*ex.body_json)["results"]
                            : nullptr;
  if (results == nullptr || !results->is_array())
    return Verdict::fail("the answer has no results list", "results: [...]", "absent");
  const std::size_t wanted = expected_results(ex.request_json["input"]);
  if (results->size() != wanted)
    return Verdict::fail("one result per input is expected", std::to_string(wanted) + " results",
                         std::to_string(results->size()));
  for (std::size_t i = 0; i < results->size(); ++i)
    if (Verdict verdict = judge_result((*results)[i], i); verdict.kind == Verdict::Kind::fail) return verdict;
  return Verdict::pass(std::to_string(wanted) + " results");
}

}  // namespace

Verdict moderation_consistent(const CheckContext&, const Exchange* ex) {
  return consistent(*ex);
}

}  // namespace gatecheck::runner
