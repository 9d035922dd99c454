// The model catalog (GET /v1/models and /v1/models/{id}) and the model lookups the endpoints share.
#include <algorithm>
#include <array>

#include "endpoints.hpp"
#include "request_json.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr std::array<ModelInfo, 21> kModels{{
    {"gpt-4o", "gpt-4o-2024-08-06", 1715367049, "system", ModelKind::chat, 0},
    {"gpt-4o-mini", "gpt-4o-mini-2024-07-18", 1721172741, "system", ModelKind::chat, 0},
    {"gpt-4.1", "gpt-4.1-2025-04-14", 1744316542, "system", ModelKind::chat, 0},
    // Legacy completion models answer under the name asked for, with no dated snapshot.
    {"gpt-3.5-turbo-instruct", "gpt-3.5-turbo-instruct", 1692901427, "system", ModelKind::completion, 0},
    {"davinci-002", "davinci-002", 1692634301, "system", ModelKind::completion, 0},
    {"babbage-002", "babbage-002", 1692634615, "system", ModelKind::completion, 0},
    {"tts-1", "tts-1", 1681940951, "openai-internal", ModelKind::speech, 0},
    {"tts-1-hd", "tts-1-hd", 1699046015, "system", ModelKind::speech, 0},
    {"gpt-4o-mini-tts", "gpt-4o-mini-tts", 1742403959, "system", ModelKind::speech, 0},
    {"whisper-1", "whisper-1", 1677532384, "openai-internal", ModelKind::transcription, 0},
    {"gpt-4o-transcribe", "gpt-4o-transcribe", 1742068463, "system", ModelKind::transcription, 0},
    {"gpt-4o-mini-transcribe", "gpt-4o-mini-transcribe", 1742068596, "system", ModelKind::transcription, 0},
    {"dall-e-2", "dall-e-2", 1698798177, "system", ModelKind::image, 0},
    {"dall-e-3", "dall-e-3", 1698785189, "system", ModelKind::image, 0},
    {"gpt-image-1", "gpt-image-1", 1745517030, "system", ModelKind::image, 0},
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
  if (info && info->kind == ModelKind::chat && kind == ModelKind::completion)
    throw ApiError(
        404,
        "This is a chat model and not supported in the v1/completions endpoint. Did you mean to use "
        "v1/chat/completions?",
        "model");
  if (info && info->kind == ModelKind::completion && kind == ModelKind::chat)
    throw ApiError(404,
                   "The model `" + std::string(info->id) +
                       "` is a legacy completion model and not supported on this endpoint. Did you mean to "
                       "use v1/completions?",
                   "model");
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
