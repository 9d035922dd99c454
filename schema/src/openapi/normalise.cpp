// Rewrites that let a JSON Schema 2020-12 validator read real OpenAPI documents as their authors meant them.
// Real documents mix dialects: the official OpenAI description says `openapi: 3.1.0` yet carries 3.0's
// `nullable: true` and boolean `exclusiveMinimum`, and 2019-09's `$recursiveAnchor`/`$recursiveRef`. Read
// strictly, `finish_reason: null` in a stream chunk would fail; read as meant, it passes. Every rewrite is
// reported, so nothing changes silently.
#include <algorithm>

#include <gatecheck/schema/openapi.hpp>

#include "../subschemas.hpp"
#include "schema_roots.hpp"

namespace gatecheck::schema::openapi {
namespace {

using nlohmann::json;

class Normaliser {
 public:
  Normaliser(bool openapi_30, std::string file) : openapi_30_(openapi_30), file_(std::move(file)) {}

  void schema(json& node, const std::string& pointer) {
    if (!node.is_object()) return;
    const bool anchor = take_recursive_anchor(node, pointer);
    if (anchor) anchors_.push_back(pointer);
    schema::detail::for_each_subschema(node, pointer,
                                       [&](json& sub, const std::string& child) { schema(sub, child); });
    recursive_ref(node, pointer);
    exclusive_bound(node, pointer, "exclusiveMinimum", "minimum");
    exclusive_bound(node, pointer, "exclusiveMaximum", "maximum");
    nullable(node, pointer);
    if (anchor) anchors_.pop_back();
  }

  std::vector<Normalisation> take() { return std::move(changes_); }

 private:
  void record(const std::string& pointer, std::string kind, std::string detail) {
    changes_.push_back({file_, pointer, std::move(kind), std::move(detail)});
  }

  bool take_recursive_anchor(json& node, const std::string& pointer) {
    const auto it = node.find("$recursiveAnchor");
    if (it == node.end()) return false;
    const bool value = it->is_boolean() && it->get<bool>();
    node.erase(it);
    record(pointer, "recursive-anchor",
           "removed 2019-09 $recursiveAnchor (its $recursiveRef becomes a $ref here)");
    return value;
  }

  void recursive_ref(json& node, const std::string& pointer) {
    const auto it = node.find("$recursiveRef");
    if (it == node.end()) return;
    if (it->is_string() && it->get<std::string>() == "#" && !anchors_.empty()) {
      node["$ref"] = "#" + anchors_.back();
      node.erase("$recursiveRef");
      record(pointer, "recursive-ref",
             "2019-09 $recursiveRef \"#\" became $ref \"#" + anchors_.back() + "\"");
    }
  }

  // OpenAPI 3.0 / draft-04: `minimum: x, exclusiveMinimum: true` means `exclusiveMinimum: x`.
  void exclusive_bound(json& node, const std::string& pointer, const char* exclusive, const char* inclusive) {
    const auto it = node.find(exclusive);
    if (it == node.end() || !it->is_boolean()) return;
    const bool on = it->get<bool>();
    node.erase(exclusive);
    const auto bound = node.find(inclusive);
    if (on && bound != node.end()) {
      node[exclusive] = *bound;
      node.erase(inclusive);
      record(pointer, "boolean-exclusive-bound",
             std::string("boolean ") + exclusive + ": true with " + inclusive + " became " + exclusive +
                 ": " + node[exclusive].dump());
    } else {
      record(pointer, "boolean-exclusive-bound",
             std::string("removed boolean ") + exclusive + ": " + (on ? "true" : "false"));
    }
  }

  // OpenAPI 3.0 `nullable: true`: null becomes an allowed value.
  void nullable(json& node, const std::string& pointer) {
    const auto it = node.find("nullable");
    if (it == node.end() || !it->is_boolean()) return;
    const bool on = it->get<bool>();
    node.erase(it);
    if (!on) {
      record(pointer, "nullable", "removed nullable: false");
      return;
    }
    const bool composite = node.contains("$ref") || node.contains("allOf") || node.contains("anyOf") ||
                           node.contains("oneOf") || node.contains("const");
    if (composite) {
      json original = std::move(node);
      node = json{{"anyOf", json::array({std::move(original), json{{"type", "null"}}})}};
      record(pointer, "nullable", "nullable: true became anyOf [the schema, {type: null}]");
      return;
    }
    if (const auto type = node.find("type"); type != node.end()) {
      if (type->is_string()) {
        *type = json::array({*type, "null"});
      } else if (type->is_array() && std::find(type->begin(), type->end(), json("null")) == type->end()) {
        type->push_back("null");
      }
    }
    if (const auto values = node.find("enum"); values != node.end() && values->is_array()) {
      if (std::find(values->begin(), values->end(), json(nullptr)) == values->end())
        values->push_back(nullptr);
    }
    record(pointer, "nullable",
           openapi_30_ ? "nullable: true added null to type (OpenAPI 3.0)"
                       : "nullable: true (an OpenAPI 3.0 keyword in a 3.1 document) added null to type");
  }

  bool openapi_30_;
  std::string file_;
  std::vector<std::string> anchors_;
  std::vector<Normalisation> changes_;
};

bool looks_like_schema(const json& node) {
  static constexpr std::string_view kKeys[] = {"type",  "$ref", "properties", "items",   "allOf", "anyOf",
                                               "oneOf", "enum", "const",      "$schema", "$id",   "not"};
  return node.is_object() && std::any_of(std::begin(kKeys), std::end(kKeys), [&](std::string_view key) {
           return node.contains(std::string(key));
         });
}

}  // namespace

namespace detail {

std::vector<Normalisation> normalise_schema_file(json& document, bool openapi_30, const std::string& file) {
  Normaliser normaliser(openapi_30, file);
  if (looks_like_schema(document)) {
    normaliser.schema(document, "");
  } else if (document.is_object()) {
    for (auto& [name, value] : document.items())
      normaliser.schema(value, core::json_pointer_append("", name));
  }
  return normaliser.take();
}

}  // namespace detail

std::vector<Normalisation> normalise(json& document, bool openapi_30, const std::string& file) {
  Normaliser normaliser(openapi_30, file);
  detail::for_each_schema_root(
      document, "", [&](json& schema, const std::string& pointer) { normaliser.schema(schema, pointer); });
  return normaliser.take();
}

}  // namespace gatecheck::schema::openapi
