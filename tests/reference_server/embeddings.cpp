// POST /v1/embeddings: seeded unit vectors, as floats or as base64 of little-endian float32.
#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "endpoints.hpp"
#include "request_json.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

struct EmbeddingInput {
  std::string key;  // what the vector is derived from
  std::size_t tokens;
};

std::vector<EmbeddingInput> embedding_inputs(const json& body) {
  const json* input = member(body, "input");
  if (!input || input->is_null()) missing("input");
  const ApiError invalid(400,
                         "'$.input' is invalid: expected a non-empty string, or at most 2048 non-empty "
                         "strings, integers or integer arrays.",
                         "input", "invalid_value");
  const auto is_int = [](const json& v) { return v.is_number_integer(); };
  const auto is_text = [](const json& v) { return v.is_string() && !v.get<std::string>().empty(); };
  if (is_text(*input))
    return {{input->get<std::string>(), std::max<std::size_t>(1, word_count(input->get<std::string>()))}};
  if (!input->is_array() || input->empty() || input->size() > 2048) throw invalid;
  if (std::all_of(input->begin(), input->end(), is_int)) return {{to_text(*input), input->size()}};
  std::vector<EmbeddingInput> out;
  for (const json& item : *input) {
    if (is_text(item)) {
      out.push_back({item.get<std::string>(), std::max<std::size_t>(1, word_count(item.get<std::string>()))});
    } else if (item.is_array() && !item.empty() && std::all_of(item.begin(), item.end(), is_int)) {
      out.push_back({to_text(item), item.size()});
    } else {
      throw invalid;
    }
  }
  return out;
}

json embedding_json(std::string_view model, std::string_view key, std::size_t dimensions,
                    bool base64_format) {
  Rng rng(fnv1a(key, fnv1a(model)));
  std::vector<float> vector(dimensions);
  double norm = 0;
  for (float& x : vector) {
    x = static_cast<float>(rng.unit() * 2 - 1);
    norm += static_cast<double>(x) * x;
  }
  for (float& x : vector)
    x = static_cast<float>(x / std::sqrt(norm));
  if (!base64_format) return vector;
  std::string bytes;
  for (const float x : vector) {
    const auto bits = std::bit_cast<std::uint32_t>(x);
    for (int shift = 0; shift < 32; shift += 8)
      bytes += static_cast<char>((bits >> shift) & 0xFF);
  }
  return base64(bytes);
}

}  // namespace

Response embeddings_response(const json& body) {
  reject_unknown(body, "input model encoding_format dimensions user");
  const ModelInfo& model = require_model(body, ModelKind::embedding);
  const auto inputs = embedding_inputs(body);
  const json* format = member(body, "encoding_format");
  if (format && !format->is_null() && *format != "float" && *format != "base64")
    throw ApiError(400, "Invalid value for 'encoding_format': expected 'float' or 'base64'.",
                   "encoding_format", "invalid_value");
  std::size_t dimensions = model.dimensions;
  if (const json* asked = member(body, "dimensions"); asked && !asked->is_null()) {
    if (model.id == "text-embedding-ada-002")
      throw ApiError(400, "This model does not support specifying dimensions.", "dimensions",
                     "invalid_value");
    check_number(body, "dimensions", 1, static_cast<double>(model.dimensions), true);
    dimensions = asked->get<std::size_t>();
  }
  json data = json::array();
  std::size_t tokens = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    data.push_back(
        {{"object", "embedding"},
         {"index", i},
         {"embedding", embedding_json(model.id, inputs[i].key, dimensions, format && *format == "base64")}});
    tokens += inputs[i].tokens;
  }
  return json_response(200, {{"object", "list"},
                             {"data", data},
                             {"model", model.id},
                             {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
}

}  // namespace gatecheck::testing::reference
