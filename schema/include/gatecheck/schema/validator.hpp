// JSON Schema draft 2020-12 (the dialect of OpenAPI 3.1). A schema is compiled once into an evaluation graph
// and then validates any number of instances, from any number of threads.
//
//   schema::Registry registry;                           // knows the 2020-12 meta-schemas already
//   registry.add("https://example.com/openapi.json", document);
//   schema::Compiler compiler(registry);
//   auto chat = compiler.compile("https://example.com/openapi.json#/components/schemas/ChatCompletion");
//   schema::Result result = chat.validate(instance);     // errors in the "basic" output shape
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>

namespace gatecheck::schema {

// A schema that cannot be compiled: an unresolvable $ref, an invalid pattern, a keyword with a value of the
// wrong type. The message names the schema location.
class SchemaError : public std::runtime_error {
 public:
  SchemaError(std::string location, const std::string& message);
  const std::string& location() const { return location_; }

 private:
  std::string location_;
};

// One output unit of the "basic" structure (JSON Schema 2020-12 core, section 12.4.2).
struct Error {
  std::string instance_location;          // JSON Pointer into the instance
  std::string keyword_location;           // JSON Pointer along the evaluation path, through $ref
  std::string absolute_keyword_location;  // resource URI # pointer to the keyword
  std::string message;

  // "$.choices[0].finish_reason: 'done' is not one of stop, length, ..."
  std::string describe() const;
};

struct Result {
  bool valid = true;
  std::vector<Error> errors;
  bool truncated = false;  // more errors than Options::max_errors

  nlohmann::json to_basic_output() const;  // {"valid": ..., "errors": [{...}]}
};

struct Options {
  bool format_assertion = false;  // `format` as an assertion rather than an annotation
  std::size_t max_errors = 100;
  std::size_t max_depth = 1000;  // evaluation nesting, bounds runaway $ref recursion
};

// Documents addressable by URI, against which $ref resolves. gatecheck never fetches over the network: every
// document a schema refers to must be added here first.
class Registry {
 public:
  Registry();  // with the JSON Schema 2020-12 meta-schemas

  void add(const std::string& uri, nlohmann::json document);
  // Adds every .json/.yaml/.yml file under `directory` as base_uri + relative path (for --remote).
  void add_directory(const std::string& base_uri, const std::filesystem::path& directory);
  // Adds a local file (as a file:// URI) and every local file its $refs reach. `visit` sees each document,
  // with its source positions, before it is added (and may rewrite it). Returns the file's URI. Throws
  // LoadError.
  using Visitor = std::function<void(const std::string& uri, core::Document& document)>;
  std::string add_file(const std::filesystem::path& path, const Visitor& visit = {});
  bool contains(const std::string& uri) const;

  const std::map<std::string, std::shared_ptr<const nlohmann::json>>& documents() const { return documents_; }

 private:
  std::map<std::string, std::shared_ptr<const nlohmann::json>> documents_;
};

namespace detail {
struct Program;
struct Node;
}  // namespace detail

class CompiledSchema {
 public:
  Result validate(const nlohmann::json& instance) const;
  // Stops at the first failure; the fast path for pass/fail questions.
  bool is_valid(const nlohmann::json& instance) const;
  const std::string& uri() const { return uri_; }

 private:
  friend class Compiler;
  std::shared_ptr<const detail::Program> program_;
  const detail::Node* root_ = nullptr;
  std::string uri_;
};

// Compiles schemas out of a registry. Schemas compiled by one Compiler share their evaluation graph, so
// compiling many components of one large document costs one pass over it.
class Compiler {
 public:
  explicit Compiler(Registry registry, Options options = {});
  ~Compiler();
  Compiler(Compiler&&) noexcept;
  Compiler& operator=(Compiler&&) noexcept;

  // `uri` may carry a fragment: a JSON Pointer or an anchor name. Throws SchemaError.
  CompiledSchema compile(const std::string& uri);

 private:
  std::shared_ptr<detail::Program> program_;
};

// Compiles a standalone schema (refs may point only inside it or at the meta-schemas).
CompiledSchema compile(const nlohmann::json& schema, const Options& options = {});

// Deep equality as JSON Schema defines it: 1 == 1.0, true != 1, object key order is irrelevant.
// The JSON Schema type of a value: null, boolean, string, array, object, integer (any integral number, 1.0
// too) or number. Suite matchers (`type: integer`) use the same names.
std::string json_type_name(const nlohmann::json& value);
bool json_equal(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace gatecheck::schema
