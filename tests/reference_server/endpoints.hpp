// The API's endpoints, each from a request to an answer (they throw ApiError to refuse), and the model
// catalog they share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api_errors.hpp"

namespace gatecheck::testing::reference {

class ResponseStore;

enum class ModelKind { chat, embedding, moderation };

struct ModelInfo {
  std::string_view id;
  std::string_view snapshot;  // what an answer names (for chat, the dated snapshot, as the API does)
  std::int64_t created;
  std::string_view owned_by;
  ModelKind kind;
  std::size_t dimensions;  // an embedding model's; 0 for the others
};

// The model that body.model names, of that kind: 400 when missing or not a string, else 404.
const ModelInfo& require_model(const json& body, ModelKind kind);
// The moderation model that body.model names, omni-moderation-latest when absent: 400 when not a string or a
// model of another kind, 404 when unknown.
const ModelInfo& moderation_model(const json& body);

Response models_response(std::string_view path);  // /v1/models and /v1/models/{id}
Response embeddings_response(const json& body);
// `id` names the completion; everything else depends only on the body, `stream` and its options aside.
Response chat_response(const json& body, const std::string& id);
// `id` names the moderation; the results depend only on the model and the input.
Response moderations_response(const json& body, const std::string& id);
// POST /v1/responses: everything, ids included, depends only on the body (`stream` and its options aside) and
// the stored turns it continues; kept in `store` unless the body says store: false.
Response responses_response(const json& body, ResponseStore& store);
// GET and DELETE /v1/responses/{id}.
Response stored_response(const std::string& method, const std::string& id, ResponseStore& store);

}  // namespace gatecheck::testing::reference
