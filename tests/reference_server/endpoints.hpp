// The API's endpoints, each from a request to an answer (they throw ApiError to refuse), and the model
// catalog they share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api_errors.hpp"

namespace gatecheck::testing::reference {

struct ModelInfo {
  std::string_view id;
  std::string_view snapshot;  // what a chat answer names: the dated snapshot, as the API does
  std::int64_t created;
  std::string_view owned_by;
  std::size_t dimensions;  // 0: a chat model
};

// The model that body.model names, of the right kind: 400 when missing or not a string, else 404.
const ModelInfo& require_model(const json& body, bool embedding);

Response models_response(std::string_view path);  // /v1/models and /v1/models/{id}
Response embeddings_response(const json& body);
// `id` names the completion; everything else depends only on the body, `stream` and its options aside.
Response chat_response(const json& body, const std::string& id);

}  // namespace gatecheck::testing::reference
