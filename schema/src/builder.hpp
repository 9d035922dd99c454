// What a keyword needs while it is being compiled: its schema object, where it sits, and a way to compile the
// subschemas and references it holds.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "program.hpp"

namespace gatecheck::schema::detail {

struct DynamicTarget {
  const Node* node = nullptr;  // the static target
  std::string anchor;  // the plain-name fragment, when the target is a matching $dynamicAnchor ("bookend")
  bool dynamic = false;
};

class Builder {
 public:
  Builder(Program& program, const json& schema, const Location& location, Node& node)
      : program_(program), schema_(schema), location_(location), node_(node) {}

  const json& schema() const { return schema_; }
  const Resource& resource() const { return *location_.resource; }
  Draft draft() const { return location_.resource->draft; }
  bool has_vocabulary(unsigned vocabulary) const {
    return (location_.resource->vocabularies & vocabulary) != 0;
  }
  const Options& options() const { return program_.options; }

  // "<resource uri>#<pointer>/<keyword>[/<more>]", percent-encoded, for absoluteKeywordLocation.
  std::string absolute(std::string_view keyword, std::string_view more = {}) const;

  // Compiles a subschema held by this schema (value of a known applicator keyword).
  const Node* child(const json& subschema);
  // Resolves a $ref against this schema's base URI and compiles the target.
  const Node* reference(std::string_view ref, std::string_view keyword);
  // $dynamicRef: the static target plus whether dynamic resolution applies.
  DynamicTarget dynamic_reference(std::string_view ref, std::string_view keyword);

  [[noreturn]] void fail(std::string_view keyword, const std::string& message) const;

 private:
  Program& program_;
  const json& schema_;
  Location location_;
  Node& node_;
};

using Keywords = std::vector<std::unique_ptr<Keyword>>;

void add_core_keywords(Builder& builder, Keywords& out);
void add_applicator_keywords(Builder& builder, Keywords& out);
void add_unevaluated_keywords(Builder& builder, Keywords& out);
void add_validation_keywords(Builder& builder, Keywords& out);
void add_format_keyword(Builder& builder, Keywords& out);

// Reads a non-negative integer keyword value (2.0 counts as 2); fails with a clear message otherwise.
std::size_t read_count(const Builder& builder, std::string_view keyword);

}  // namespace gatecheck::schema::detail
