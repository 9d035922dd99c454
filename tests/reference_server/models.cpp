// The model catalog (GET /v1/models and /v1/models/{id}) and the model lookups the endpoints share.
#include <algorithm>
#include <array>

#include "endpoints.hpp"
#include "request_json.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr std::array<ModelInfo, 9> kModels{{
    {"gpt-4o", "gpt-4o-2024-08-06", 1715367049, "system", ModelKind::chat, 0},
    {"gpt-4o-mini", "gpt-4o-mini-2024-07-18", 1721172741, "system", ModelKind::chat, 0},
    {"gpt-4.1", "gpt-4.1-2025-04-14", 1744316542, "system", ModelKind::chat, 0},
    {"text-embedding-3-small", "text-embedding-3-small", 1705948997, "system", ModelKind::embedding, 1536},
    {"text-embedding-3-large", "text-embedding-3-large", 1705953180, "system", ModelKind::embedding, 3072},
    {"text-embedding-ada-002", "text-embedding-ada-002", 1671217299, "openai-internal", ModelKind::embedding,
     1536},
    // A moderation answer names omni-moderation-latest as asked (the reference's example does) and
    // text-moderation-latest by its snapshot, as the reference's other example does.
    {"omni-moderation-latest", "omni-moderation-latest", 1731689265, "system", ModelKind::moderation, 0},
    {"omni-moderation-2024-09-26", "omni-moderation-2024-09-26", 1732734466, "system", ModelKind::moderation,
     0},
    {"text-moderation-latest", "text-moderation-007", 1677649963, "openai", ModelKind::moderation, 0},
}};

const ModelInfo* find_model(std::string_view id) {
  const auto it =
      std::find_if(kModels.begin(), kModels.end(), [&](const ModelInfo& m) { return m.id == id; });
  return it == kModels.end() ? nullptr : &*it;
}

json model_json(const ModelInfo& model) {
  return {{"id", model.id}, {"object", "model"}, {"created", model.created}, {"owned_by", model.owned_by}};
}

[[noreturn]] void unknown_model(const std::string& id) {
  throw ApiError(404, "The model `" + id + "` does not exist or you do not have access to it.", "model",
                 "model_not_found");
}

}  // namespace

const ModelInfo& require_model(const json& body, ModelKind kind) {
  const json* model = member(body, "model");
  if (!model || model->is_null()) missing("model");
  if (!model->is_string()) invalid_type("model", "a string", *model);
  const ModelInfo* info = find_model(model->get<std::string>());
  if (!info || info->kind != kind) unknown_model(model->get<std::string>());
  return *info;
}

const ModelInfo& moderation_model(const json& body) {
  const json* model = member(body, "model");
  if (!model) return *find_model("omni-moderation-latest");            // the reference's default
  if (!model->is_string()) invalid_type("model", "a string", *model);  // not nullable
  const ModelInfo* info = find_model(model->get<std::string>());
  if (!info) unknown_model(model->get<std::string>());
  if (info->kind != ModelKind::moderation)
    throw ApiError(400,
                   "Invalid value for 'model': `" + std::string(info->id) +
                       "` is not a moderation model. Supported values are: omni-moderation-latest, "
                       "omni-moderation-2024-09-26, text-moderation-latest.",
                   "model", "invalid_value");
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
