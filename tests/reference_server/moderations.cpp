// POST /v1/moderations: the reference's 13 categories scored for each input. Scores are seeded by the model,
// the input and the category, and a few ordinary words raise the categories they suggest ("kill" raises
// violence), so realistic text can be flagged. A category is flagged when its score is above 0.5.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "endpoints.hpp"
#include "request_json.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

struct Category {
  std::string_view name;
  bool image;  // omni models also score images for it
};

constexpr std::array<Category, 13> kCategories{{{"harassment", false},
                                                {"harassment/threatening", false},
                                                {"hate", false},
                                                {"hate/threatening", false},
                                                {"illicit", false},
                                                {"illicit/violent", false},
                                                {"self-harm", true},
                                                {"self-harm/intent", true},
                                                {"self-harm/instructions", true},
                                                {"sexual", true},
                                                {"sexual/minors", false},
                                                {"violence", true},
                                                {"violence/graphic", true}}};

// A word that raises a category's score. It matches the word itself and its forms with a common suffix
// ("kill": kills, killed, killing, killer). A weight of 0.5 or more flags the category on its own.
struct Cue {
  std::string_view word;
  std::string_view category;
  double weight;
};

constexpr std::array<Cue, 46> kCues{{
    {"idiot", "harassment", 0.7},
    {"moron", "harassment", 0.7},
    {"stupid", "harassment", 0.55},
    {"loser", "harassment", 0.6},
    {"pathetic", "harassment", 0.55},
    {"worthless", "harassment", 0.6},
    {"kill", "harassment/threatening", 0.6},
    {"threaten", "harassment/threatening", 0.7},
    {"murder", "harassment/threatening", 0.55},
    {"subhuman", "hate", 0.85},
    {"vermin", "hate", 0.6},
    {"exterminate", "hate/threatening", 0.7},
    {"genocide", "hate/threatening", 0.6},
    {"shoplift", "illicit", 0.85},
    {"steal", "illicit", 0.55},
    {"stole", "illicit", 0.55},
    {"counterfeit", "illicit", 0.7},
    {"smuggle", "illicit", 0.65},
    {"bomb", "illicit/violent", 0.6},
    {"explosive", "illicit/violent", 0.6},
    {"weapon", "illicit/violent", 0.45},
    {"suicide", "self-harm", 0.8},
    {"suicidal", "self-harm", 0.85},
    {"suicidal", "self-harm/intent", 0.7},
    {"overdose", "self-harm", 0.6},
    {"overdose", "self-harm/instructions", 0.55},
    {"porn", "sexual", 0.9},
    {"pornography", "sexual", 0.9},
    {"erotic", "sexual", 0.75},
    {"nude", "sexual", 0.7},
    {"kill", "violence", 0.9},
    {"murder", "violence", 0.9},
    {"stab", "violence", 0.85},
    {"stabbed", "violence", 0.85},
    {"stabbing", "violence", 0.85},
    {"shoot", "violence", 0.8},
    {"attack", "violence", 0.45},
    {"bomb", "violence", 0.5},
    {"exterminate", "violence", 0.8},
    {"genocide", "violence", 0.8},
    {"gore", "violence/graphic", 0.8},
    {"gory", "violence/graphic", 0.8},
    {"blood", "violence/graphic", 0.45},
    {"dismember", "violence/graphic", 0.9},
    {"mutilate", "violence/graphic", 0.9},
    {"entrails", "violence/graphic", 0.85},
}};

constexpr std::size_t kMaxInputs = 2048;

// What one result classifies.
struct Item {
  std::string text;  // the words
  std::string seed;  // what the scores are seeded by: the text, or the whole multimodal input
  bool has_text = true;
  bool has_image = false;
};

bool matches(std::string_view word, std::string_view cue) {
  if (!word.starts_with(cue)) return false;
  const std::string_view rest = word.substr(cue.size());
  constexpr std::array<std::string_view, 8> kSuffixes{"", "s", "es", "d", "ed", "ing", "er", "ers"};
  return std::find(kSuffixes.begin(), kSuffixes.end(), rest) != kSuffixes.end();
}

using Factors = std::array<double, kCategories.size()>;

// Multiplies in (1 - weight) for each cue the word matches.
void apply_cues(std::string_view word, Factors& factors) {
  for (const Cue& cue : kCues) {
    if (!matches(word, cue.word)) continue;
    for (std::size_t k = 0; k < kCategories.size(); ++k)
      if (kCategories[k].name == cue.category) factors[k] *= 1 - cue.weight;
  }
}

// Per category, the product of (1 - weight) over the cues that the text's words match. Words are runs of
// ASCII letters and digits, compared in lower case.
Factors cue_factors(std::string_view text) {
  Factors factors{};
  factors.fill(1.0);
  std::string word;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80 && std::isalnum(byte) != 0) {
      word += static_cast<char>(std::tolower(byte));
    } else if (!word.empty()) {
      apply_cues(word, factors);
      word.clear();
    }
  }
  if (!word.empty()) apply_cues(word, factors);
  return factors;
}

json result_json(const Item& item, const ModelInfo& model) {
  const auto factors = cue_factors(item.text);
  const std::uint64_t seed = fnv1a(item.seed, fnv1a(std::string(model.id) + '\n'));
  json categories = json::object();
  json scores = json::object();
  json applied = json::object();
  bool flagged = false;
  for (std::size_t k = 0; k < kCategories.size(); ++k) {
    const std::string name(kCategories[k].name);
    Rng rng(fnv1a(name, seed));
    const double calm = std::pow(10.0, -6 + 4 * rng.unit());  // 1e-6 to 1e-2, as for harmless text
    const double score = 1 - (1 - calm) * factors[k];
    categories[name] = score > 0.5;
    scores[name] = score;
    flagged = flagged || score > 0.5;
    json types = json::array();
    if (item.has_text) types.push_back("text");
    if (item.has_image && kCategories[k].image) types.push_back("image");
    applied[name] = types;
  }
  return {{"flagged", flagged},
          {"categories", categories},
          {"category_scores", scores},
          {"category_applied_input_types", applied}};
}

// One part of a multimodal input, added to the item that classifies them all.
void add_part(const json& part, const std::string& where, bool images, Item& item) {
  if (!part.is_object()) invalid_type(where, "an object", part);
  const json* type = member(part, "type");
  if (!type || type->is_null()) missing(where + ".type");
  if (!type->is_string()) invalid_type(where + ".type", "a string", *type);
  const std::string kind = type->get<std::string>();
  if (kind != "text" && kind != "image_url") invalid_value(where + ".type", kind, "text, image_url");
  for (const auto& [name, value] : part.items())
    if (name != "type" && name != kind)
      throw ApiError(400, "Unrecognized request argument supplied: " + where + "." + name, where + "." + name,
                     "unknown_parameter");
  const std::string field = where + (kind == "text" ? ".text" : ".image_url");
  const json* content = member(part, kind.c_str());
  if (!content || content->is_null()) missing(field);
  if (kind == "text") {
    if (!content->is_string()) invalid_type(field, "a string", *content);
    item.text += (item.has_text ? "\n" : "") + content->get<std::string>();
    item.has_text = true;
    return;
  }
  if (!images)
    throw ApiError(400, "Invalid value for '" + where + ".type': this model classifies text only.",
                   where + ".type", "invalid_value");
  if (!content->is_object()) invalid_type(field, "an object", *content);
  const json* url = member(*content, "url");
  if (!url || url->is_null()) missing(field + ".url");
  if (!url->is_string()) invalid_type(field + ".url", "a string", *url);
  const std::string& link = url->get_ref<const std::string&>();
  if (!link.starts_with("https://") && !link.starts_with("http://") && !link.starts_with("data:image/"))
    throw ApiError(400, "Invalid '" + field + ".url': expected an http(s) URL or a data:image/ URL.",
                   field + ".url", "invalid_value");
  item.has_image = true;
}

// The items to classify: one per string of a list of strings, one for a string or for multimodal parts.
std::vector<Item> moderation_items(const json& body, bool images) {
  const json* input = member(body, "input");
  if (!input || input->is_null()) missing("input");
  if (input->is_string()) return {{input->get<std::string>(), input->get<std::string>()}};
  if (!input->is_array()) invalid_type("input", "a string or an array", *input);
  if (input->empty())
    throw ApiError(400, "Invalid 'input': expected an array with minimum length 1.", "input", "empty_array");
  if (input->size() > kMaxInputs)
    throw ApiError(400, "Invalid 'input': expected an array with maximum length 2048.", "input",
                   "array_above_max_length");
  const auto where = [](std::size_t i) { return "input[" + std::to_string(i) + "]"; };
  std::vector<Item> items;
  if (input->front().is_string()) {
    for (std::size_t i = 0; i < input->size(); ++i) {
      const json& text = (*input)[i];
      if (!text.is_string()) invalid_type(where(i), "a string", text);
      items.push_back({text.get<std::string>(), text.get<std::string>()});
    }
    return items;
  }
  if (!input->front().is_object()) invalid_type(where(0), "a string or an object", input->front());
  Item item{"", to_text(*input), false, false};
  for (std::size_t i = 0; i < input->size(); ++i)
    add_part((*input)[i], where(i), images, item);
  items.push_back(std::move(item));
  return items;
}

}  // namespace

Response moderations_response(const json& body, const std::string& id) {
  reject_unknown(body, "input model");
  const ModelInfo& model = moderation_model(body);
  const bool images = model.id.starts_with("omni-");  // text-moderation models classify text only
  json results = json::array();
  for (const Item& item : moderation_items(body, images))
    results.push_back(result_json(item, model));
  return json_response(200, {{"id", id}, {"model", model.snapshot}, {"results", results}});
}

}  // namespace gatecheck::testing::reference
