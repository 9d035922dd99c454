// The API's endpoints, each from a request to an answer (they throw ApiError to refuse), and the model
// catalog they share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api_errors.hpp"

namespace gatecheck::testing::reference {

class ImageStore;
class ResponseStore;

enum class ModelKind { chat, completion, embedding, moderation, speech, transcription, image };

struct ModelInfo {
  std::string_view id;
  std::string_view snapshot;  // what an answer names (for chat, the dated snapshot, as the API does)
  std::int64_t created;
  std::string_view owned_by;
  ModelKind kind;
  std::size_t dimensions;  // an embedding model's; 0 for the others
};

// The model that body.model names, of that kind: 400 when missing or not a string, else 404 (a chat model on
// the legacy completions endpoint and the other way round get the API's "Did you mean" messages).
const ModelInfo& require_model(const json& body, ModelKind kind);
// The moderation model that body.model names, omni-moderation-latest when absent: 400 when not a string or a
// model of another kind, 404 when unknown.
const ModelInfo& moderation_model(const json& body);

Response models_response(std::string_view path);  // /v1/models and /v1/models/{id}
Response embeddings_response(const json& body);
// `id` names the completion; everything else depends only on the body, `stream` and its options aside.
Response chat_response(const json& body, const std::string& id);
// POST /v1/completions (legacy): `id` names the completion; the rest depends only on the body, `stream` and
// its options aside.
Response completions_response(const json& body, const std::string& id);
// POST /v1/audio/speech: WAV or PCM audio, chunked or as server-sent events; depends only on the body.
Response speech_response(const json& body);
// POST /v1/audio/transcriptions (translate false) and /v1/audio/translations: a multipart form; the
// transcript depends only on the file's bytes and the task.
Response transcription_response(const Request& req, bool translate);
// POST /v1/images/generations (`body` is the JSON body) and /v1/images/edits (`body` null: a multipart form).
// Images answered by URL are kept in `store` for GET /blob/images/{name}.
Response images_response(const Request& req, const json* body, ImageStore& store);
Response stored_image(const std::string& name, const ImageStore& store);  // GET /blob/images/{name}
// `id` names the moderation; the results depend only on the model and the input.
Response moderations_response(const json& body, const std::string& id);
// POST /v1/responses: everything, ids included, depends only on the body (`stream` and its options aside) and
// the stored turns it continues; kept in `store` unless the body says store: false.
Response responses_response(const json& body, ResponseStore& store);
// GET and DELETE /v1/responses/{id}.
Response stored_response(const std::string& method, const std::string& id, ResponseStore& store);

}  // namespace gatecheck::testing::reference
