// The OpenAPI description the suites validate against (schemas/openapi.yaml unless told otherwise), shared by
// the scenario threads: schemas compile once, on first use, under a lock; validation itself runs in parallel.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include <gatecheck/schema/openapi.hpp>

namespace gatecheck::runner {

class SchemaBook {
 public:
  explicit SchemaBook(schema::openapi::Document document) : document_(std::move(document)) {}
  // The bundled description, or a file.
  static SchemaBook load(const std::string& path);

  // A component name ("CreateChatCompletionResponse") or a JSON pointer ("#/components/schemas/Error").
  // Throws std::runtime_error naming what does not exist.
  schema::CompiledSchema schema(const std::string& reference);
  // The response schema of an operation for a status and content type; nullopt when it declares none.
  std::optional<schema::CompiledSchema> response_schema(const std::string& operation_id, int status,
                                                        const std::string& content_type);

 private:
  std::mutex mutex_;
  schema::openapi::Document document_;
};

}  // namespace gatecheck::runner
