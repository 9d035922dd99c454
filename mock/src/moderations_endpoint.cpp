// POST {base}/moderations: every category scored for each input, deterministically from its text; a marker in
// the text flags a category on purpose (`gatecheck:flag:violence`, docs/mock.md), so a suite can see both
// answers.
#include <gatecheck/core/json_writer.hpp>

#include "call_context.hpp"
#include "generator.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

const std::vector<std::string_view> kModerationParameters = {"model", "input"};
constexpr std::string_view kDefaultModel = "omni-moderation-latest";
constexpr std::size_t kMaxInputs = 2048;
constexpr std::string_view kFlagMarker = "gatecheck:flag";

// The categories of the OpenAI moderation object, and whether omni models score images for them.
struct Category {
  std::string_view name;
  bool images;
};
constexpr Category kCategories[] = {{"harassment", false},
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
                                    {"violence/graphic", true}};

// What one result classifies: the text of a string input, or the text and images of a multimodal array.
struct Subject {
  std::string text;
  bool has_text = false;
  bool has_image = false;
};

void read_part(const JsonValue& part, std::size_t index, Subject& subject) {
  const std::string path = "input[" + std::to_string(index) + "]";
  if (!part.is(JsonValue::Kind::object)) invalid_item_type(path, "an object", part);
  const ParamReader reader(part, path);
  const std::string type = *reader.string("type", true);
  if (type == "text") {
    subject.text += (subject.text.empty() ? "" : "\n") + *reader.string("text", true);
    subject.has_text = true;
  } else if (type == "image_url") {
    const JsonValue image = reader.required("image_url");
    if (!image.is(JsonValue::Kind::object)) invalid_item_type(path + ".image_url", "an object", image);
    static_cast<void>(ParamReader(image, path + ".image_url").string("url", true));
    subject.has_image = true;
  } else {
    reader.invalid_value("type",
                         "Invalid value: '" + type + "'. Supported values are: 'text' and 'image_url'.");
  }
}

std::vector<Subject> read_subjects(const JsonValue& input) {
  if (input.is(JsonValue::Kind::string)) return {Subject{std::string(input.text()), true, false}};
  if (!input.is(JsonValue::Kind::array)) invalid_item_type("input", "a string or an array", input);
  const auto items = input.items();
  if (items.empty() || items.size() > kMaxInputs)
    throw Rejected{ApiError::invalid("'input' must hold from 1 to " + std::to_string(kMaxInputs) + " items.",
                                     "input", "invalid_value")};
  std::vector<Subject> subjects;
  if (items.front().is(JsonValue::Kind::string)) {  // an array of strings: one result each
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!items[i].is(JsonValue::Kind::string))
        invalid_item_type("input[" + std::to_string(i) + "]", "a string", items[i]);
      subjects.push_back({std::string(items[i].text()), true, false});
    }
    return subjects;
  }
  Subject whole;  // multimodal parts: one result for them all
  for (std::size_t i = 0; i < items.size(); ++i)
    read_part(items[i], i, whole);
  return {whole};
}

// The score of a category: small and deterministic, unless the text carries the flag marker for it
// (`gatecheck:flag:violence`; a bare `gatecheck:flag` flags harassment).
double score(const Subject& subject, std::string_view category, std::uint64_t seed) {
  const std::string marker = std::string(kFlagMarker) + ":" + std::string(category);
  const bool marked = subject.text.find(marker) != std::string::npos ||
                      (category == "harassment" && subject.text.find(kFlagMarker) != std::string::npos &&
                       subject.text.find(std::string(kFlagMarker) + ":") == std::string::npos);
  if (marked) return 0.98;
  Prng prng(hash64(subject.text, hash64(category, seed)));
  return prng.unit() * 0.01;
}

void write_result(core::JsonWriter& w, const Subject& subject, std::uint64_t seed, bool inconsistent) {
  double scores[std::size(kCategories)];
  bool flagged = false;
  for (std::size_t c = 0; c < std::size(kCategories); ++c) {
    scores[c] = score(subject, kCategories[c].name, seed);
    flagged = flagged || scores[c] > 0.5;
  }
  w.begin_object().key("flagged").value(inconsistent ? false : flagged);
  w.key("categories").begin_object();
  for (std::size_t c = 0; c < std::size(kCategories); ++c)
    w.key(kCategories[c].name).value(scores[c] > 0.5);
  w.end_object().key("category_scores").begin_object();
  for (std::size_t c = 0; c < std::size(kCategories); ++c)
    w.key(kCategories[c].name).value(scores[c]);
  w.end_object().key("category_applied_input_types").begin_object();
  for (const auto& category : kCategories) {
    w.key(category.name).begin_array();
    if (subject.has_text) w.value("text");
    if (subject.has_image && category.images) w.value("image");
    w.end_array();
  }
  w.end_object().end_object();
}

}  // namespace

Reply moderations_endpoint(CallContext& context) {
  const auto& profile = context.profile();
  const RequestJson document(context.request.body);
  const ParamReader reader(document.root(), "");
  if (profile.strict_parameters) reader.only(kModerationParameters);
  const auto subjects = read_subjects(reader.required("input"));
  const std::string model_id = reader.string("model").value_or(std::string(kDefaultModel));
  require_model(profile, model_id, "moderation", "The model `" + model_id + "` does not support moderation.");
  const std::uint64_t seed = hash64(model_id, context.options.seed);
  std::string out;
  core::JsonWriter w(out);
  w.begin_object().key("id").value(make_id("modr-", hash64(context.request.body, seed)));
  w.key("model").value(model_id).key("results").begin_array();
  std::uint32_t tokens = 0;
  for (const auto& subject : subjects) {
    write_result(w, subject, seed, context.faults().has(Fault::moderation_inconsistent));
    tokens += count_tokens(subject.text);
  }
  w.end_array().end_object();
  context.tokens_used = tokens;
  return json_reply(200, std::move(out));
}

}  // namespace gatecheck::mock
