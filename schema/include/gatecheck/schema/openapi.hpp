// OpenAPI 3.1 documents (and 3.0 ones, in a compatibility mode): loading across files, normalising what real
// documents mix in from 3.0 and 2019-09, and finding the schema for an operation's request or response.
//
//   auto api = openapi::Document::load("schemas/openapi.yaml");
//   const auto* op = api.match("POST", "/chat/completions");
//   auto schema = api.response_schema(*op, 200, "application/json");   // a CompiledSchema, cached
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>
#include <gatecheck/schema/validator.hpp>

namespace gatecheck::schema::openapi {

// One rewrite the loader made so that a 2020-12 validator reads the document as its authors meant it.
struct Normalisation {
  std::string file;     // the document's URI
  std::string pointer;  // where in that document
  std::string kind;     // "nullable", "boolean-exclusive-bound", "recursive-ref", ...
  std::string detail;
};

struct Operation {
  std::string operation_id;
  std::string method;  // upper case
  std::string
      path_template;    // as in the document, without any query part ("/responses?beta=true" -> "/responses")
  std::string pointer;  // "/paths/~1chat~1completions/post"
};

class Document {
 public:
  // Loads a YAML or JSON document and every file its relative $refs reach. Throws LoadError for unreadable or
  // malformed files and for documents that are not OpenAPI 3.x.
  static Document load(const std::filesystem::path& path);
  // From memory (tests, documents fetched by the runner); `uri` names it for $ref resolution.
  static Document from_json(nlohmann::json document, const std::string& uri);

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  const nlohmann::json& root() const;
  const std::string& uri() const;
  const std::string& version() const;  // the `openapi` field
  bool compatibility_mode() const;     // an OpenAPI 3.0 document
  const std::vector<Normalisation>& normalisations() const;
  // file:line:column for a pointer into the main document, when it came from a file.
  std::string describe(std::string_view pointer) const;
  // file:line:column for a schema URI (file URI + "#" + pointer) into any loaded file.
  std::string describe_uri(const std::string& schema_uri) const;
  // Every document this load brought in (the main one first), by URI.
  const std::vector<std::string>& loaded_documents() const;
  const nlohmann::json* loaded_document(const std::string& uri) const;
  // The path part of servers[0].url ("/v1"), or "".
  std::string server_base_path() const;

  const std::vector<Operation>& operations() const;
  const Operation* find_operation(std::string_view operation_id) const;
  // Matches a request path (relative to the server base path, query ignored) against the path templates; the
  // template with the most literal segments wins ("/models/search" beats "/models/{model}").
  const Operation* match(std::string_view method, std::string_view path) const;

  // Schema URIs (document URI + "#" + pointer), or nullopt when the document has no such schema. Status
  // lookup: exact code, then the range ("2XX"), then "default"; content type: exact, then "type/*", then
  // "*/*".
  std::optional<std::string> response_schema_uri(const Operation& operation, int status,
                                                 std::string_view content_type) const;
  std::optional<std::string> request_schema_uri(const Operation& operation,
                                                std::string_view content_type) const;
  std::string component_schema_uri(std::string_view name) const;  // #/components/schemas/<name>

  // Compiled once per URI and cached; throws schema::SchemaError for schemas that cannot be compiled.
  schema::CompiledSchema compile(const std::string& schema_uri);
  std::optional<schema::CompiledSchema> response_schema(const Operation& operation, int status,
                                                        std::string_view content_type);
  std::optional<schema::CompiledSchema> request_schema(const Operation& operation,
                                                       std::string_view content_type);

 private:
  struct State;
  explicit Document(std::unique_ptr<State> state);
  void index_operations();
  std::unique_ptr<State> state_;
};

// Applies the normalisations to one document in place and returns what it changed (also used for profiles and
// other 3.0-flavoured schemas). `pointer_base` prefixes the reported pointers.
std::vector<Normalisation> normalise(nlohmann::json& document, bool openapi_30, const std::string& file);

struct LintFinding {
  std::string severity;  // "error" or "warning"
  std::string location;  // file:line:column when known
  std::string message;
};

// Unresolvable $refs, schemas that do not compile or break the 2020-12 meta-schema, duplicate operationIds,
// duplicate `required` entries; plus the normalisations, as warnings.
std::vector<LintFinding> lint(Document& document);

}  // namespace gatecheck::schema::openapi
