// POST {base}/embeddings: deterministic unit-norm vectors derived from each input, as floats or as base64 of
// little-endian float32 (what the official SDKs ask for by default).
#include <cmath>
#include <cstring>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/json_writer.hpp>

#include "call_context.hpp"
#include "generator.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

const std::vector<std::string_view> kEmbeddingParameters = {"model", "input", "encoding_format", "dimensions",
                                                            "user"};
constexpr std::uint32_t kDefaultDimensions = 1536;
constexpr std::size_t kMaxInputs = 2048;

// The vector for one input: seeded from the model and the input, truncated to `dimensions`, then normalised
// (the way shortened embeddings work: a shorter vector is a prefix of the longer one, renormalised).
std::vector<float> embed(std::uint64_t seed, std::uint32_t native, std::uint32_t dimensions) {
  Prng prng(seed);
  std::vector<double> values(native);
  for (auto& value : values)
    value = prng.normal();
  values.resize(dimensions);
  double norm = 0;
  for (const double value : values)
    norm += value * value;
  norm = std::sqrt(norm);
  std::vector<float> out(dimensions);
  for (std::size_t i = 0; i < dimensions; ++i)
    out[i] = static_cast<float>(values[i] / norm);
  return out;
}

std::string base64_floats(const std::vector<float>& values) {
  std::string bytes(values.size() * 4, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &values[i], 4);
    // Little-endian regardless of the host, as the SDKs decode it.
    bytes[i * 4] = static_cast<char>(bits & 0xFF);
    bytes[i * 4 + 1] = static_cast<char>((bits >> 8) & 0xFF);
    bytes[i * 4 + 2] = static_cast<char>((bits >> 16) & 0xFF);
    bytes[i * 4 + 3] = static_cast<char>((bits >> 24) & 0xFF);
  }
  return core::base64_encode(bytes);
}

struct Input {
  std::string canonical;  // what the vector is derived from
  std::uint32_t tokens;
};

Rejected invalid_input() {
  return Rejected{ApiError::invalid(
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      "input", "invalid_value")};
}

// An array of token ids: what it is derived from is its JSON text.
Input token_array(const JsonValue& tokens) {
  const auto items = tokens.items();
  if (items.empty()) throw invalid_input();
  for (const auto& token : items)
    if (!token.is(JsonValue::Kind::integer) || token.integer().value_or(0) < 0) throw invalid_input();
  return {tokens.literal(), static_cast<std::uint32_t>(items.size())};
}

std::vector<Input> read_inputs(const JsonValue& input) {
  std::vector<Input> inputs;
  if (input.is(JsonValue::Kind::string)) {
    if (input.text().empty()) throw invalid_input();
    inputs.push_back({std::string(input.text()), count_tokens(input.text())});
    return inputs;
  }
  if (!input.is(JsonValue::Kind::array)) invalid_item_type("input", "a string or an array", input);
  const auto items = input.items();
  if (items.empty() || items.size() > kMaxInputs) throw invalid_input();
  if (items[0].is_number()) return {token_array(input)};
  for (const auto& item : items) {
    if (item.is(JsonValue::Kind::string) && !item.text().empty()) {
      inputs.push_back({std::string(item.text()), count_tokens(item.text())});
    } else if (item.is(JsonValue::Kind::array)) {
      inputs.push_back(token_array(item));
    } else {
      throw invalid_input();
    }
  }
  return inputs;
}

}  // namespace

Reply embeddings_endpoint(CallContext& context) {
  const auto& profile = context.profile();
  const RequestJson document(context.request.body);
  const ParamReader reader(document.root(), "");
  if (profile.strict_parameters) reader.only(kEmbeddingParameters);
  const std::string model_id = *reader.string("model", true);
  const auto inputs = read_inputs(reader.required("input"));
  const std::string format = reader.string("encoding_format").value_or("float");
  if (format != "float" && format != "base64") {
    reader.invalid_value("encoding_format",
                         "Invalid value: '" + format + "'. Supported values are: 'float' and 'base64'.");
  }
  const vendor::ModelClaim* model = &require_model(
      profile, model_id, "embedding", "The model `" + model_id + "` does not support embeddings.");
  context.served_model = model;  // routing is for chat models; the headers still name this one
  const std::uint32_t native = model->dimensions > 0 ? model->dimensions : kDefaultDimensions;
  std::uint32_t dimensions = native;
  if (const auto asked = reader.integer("dimensions", 1, 1'000'000)) {
    if (model->fixed_dimensions) {
      throw Rejected{
          ApiError::invalid("This model does not support specifying dimensions.", "dimensions", nullptr)};
    }
    if (*asked > native) {
      throw Rejected{ApiError::invalid(
          "Invalid 'dimensions': this model produces at most " + std::to_string(native) + " dimensions.",
          "dimensions", "invalid_value")};
    }
    dimensions = static_cast<std::uint32_t>(*asked);
  }

  std::string out;
  out.reserve(inputs.size() * dimensions * (format == "base64" ? 6 : 12) + 256);
  core::JsonWriter w(out);
  w.begin_object().key("object").value("list").key("data").begin_array();
  std::uint32_t tokens = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto vector =
        embed(hash64(inputs[i].canonical, hash64(model_id, context.options.seed)), native, dimensions);
    tokens += inputs[i].tokens;
    w.begin_object().key("object").value("embedding").key("index").value(static_cast<std::uint64_t>(i));
    w.key("embedding");
    if (format == "base64") {
      w.value(base64_floats(vector));
    } else {
      w.begin_array();
      for (const float value : vector)
        w.value(value);
      w.end_array();
    }
    w.end_object();
  }
  w.end_array().key("model").value(model_id);
  w.key("usage")
      .begin_object()
      .key("prompt_tokens")
      .value(tokens)
      .key("total_tokens")
      .value(tokens)
      .end_object();
  w.end_object();
  context.tokens_used = tokens;
  return json_reply(200, std::move(out));
}

}  // namespace gatecheck::mock
