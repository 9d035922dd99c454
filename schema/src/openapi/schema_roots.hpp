// Where an OpenAPI document holds schemas: every `schema` member (parameters, headers, media types) and every
// entry of components/schemas. Examples and x- extensions are data, never schemas.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include <gatecheck/core/document.hpp>
#include <gatecheck/schema/openapi.hpp>

namespace gatecheck::schema::openapi::detail {

template <class Json, class Visit>
void for_each_schema_root(Json& node, const std::string& pointer, Visit&& visit) {
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      for_each_schema_root(node[i], core::json_pointer_append(pointer, i), visit);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) {
    if (key == "example" || key == "examples" || key.starts_with("x-")) continue;
    const std::string child = core::json_pointer_append(pointer, key);
    if (key == "schema" && (value.is_object() || value.is_boolean())) {
      visit(value, child);
    } else if (key == "schemas" && pointer == "/components" && value.is_object()) {
      for (auto& [name, component] : value.items())
        visit(component, core::json_pointer_append(child, name));
    } else {
      for_each_schema_root(value, child, visit);
    }
  }
}

// A file that a document's $refs reach but that is not itself an OpenAPI document: one schema, or an object
// whose members are schemas.
std::vector<Normalisation> normalise_schema_file(nlohmann::json& document, bool openapi_30,
                                                 const std::string& file);

}  // namespace gatecheck::schema::openapi::detail
