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
  static schema::openapi::Document description(const std::string& path);

  // A component name ("CreateChatCompletionResponse") or a JSON pointer ("#/components/schemas/Error").
  // Throws std::runtime_error naming what does not exist.
  schema::CompiledSchema schema(const std::string& reference);
  // The response schema of an operation for a status and content type; nullopt when it declares none.
  std::optional<schema::CompiledSchema> response_schema(const std::string& operation_id, int status,
                                                        const std::string& content_type);
  // The operation a request addressed (its path relative to the description's base path), or nullopt.
  std::optional<std::string> operation_for(std::string_view method, std::string_view path);

 private:
  std::mutex mutex_;
  schema::openapi::Document document_;
};

}  // namespace gatecheck::runner
