#include <algorithm>
#include <array>

#include "endpoints.hpp"
#include "request_json.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr std::array<ModelInfo, 6> kModels{{
    {"gpt-4o", "gpt-4o-2024-08-06", 1715367049, "system", 0},
    {"gpt-4o-mini", "gpt-4o-mini-2024-07-18", 1721172741, "system", 0},
    {"gpt-4.1", "gpt-4.1-2025-04-14", 1744316542, "system", 0},
    {"text-embedding-3-small", "text-embedding-3-small", 1705948997, "system", 1536},
    {"text-embedding-3-large", "text-embedding-3-large", 1705953180, "system", 3072},
    {"text-embedding-ada-002", "text-embedding-ada-002", 1671217299, "openai-internal", 1536},
}};

const ModelInfo* find_model(std::string_view id) {
  const auto it =
      std::find_if(kModels.begin(), kModels.end(), [&](const ModelInfo& m) { return m.id == id; });
  return it == kModels.end() ? nullptr : &*it;
}

json model_json(const ModelInfo& model) {
  return {{"id", model.id}, {"object", "model"}, {"created", model.created}, {"owned_by", model.owned_by}};
}

}  // namespace

const ModelInfo& require_model(const json& body, bool embedding) {
  const json* model = member(body, "model");
  if (!model || model->is_null()) missing("model");
  if (!model->is_string()) invalid_type("model", "a string", *model);
  const ModelInfo* info = find_model(model->get<std::string>());
  if (!info || (info->dimensions > 0) != embedding)
    throw ApiError(
        404, "The model `" + model->get<std::string>() + "` does not exist or you do not have access to it.",
        "model", "model_not_found");
  return *info;
}

Response models_response(std::string_view path) {
  if (path == "/v1/models") {
    json data = json::array();
    for (const ModelInfo& model : kModels)
      data.push_back(model_json(model));
    return json_response(200, {{"object", "list"}, {"data", data}});
  }
  const std::string id(path.substr(std::string_view("/v1/models/").size()));
  const ModelInfo* model = find_model(id);
  if (!model) throw ApiError(404, "The model '" + id + "' does not exist", "model", "model_not_found");
  return json_response(200, model_json(*model));
}

}  // namespace gatecheck::testing::reference
