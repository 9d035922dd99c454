// Where subschemas sit inside a JSON Schema (2020-12, plus the draft-04..2019-09 spellings the OpenAPI
// descriptions in the wild still use): one table, walked by the compiler (resources, anchors) and the OpenAPI
// normaliser alike, so the two can never disagree about what is a schema.
#pragma once

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

#include <gatecheck/core/document.hpp>

namespace gatecheck::schema::detail {

// A keyword whose value maps names to subschemas.
inline constexpr std::string_view kSchemaMaps[] = {
    "$defs", "definitions", "properties", "patternProperties", "dependentSchemas", "dependencies"};
// A keyword whose value is an array of subschemas.
inline constexpr std::string_view kSchemaArrays[] = {"prefixItems", "allOf", "anyOf", "oneOf", "items"};
// A keyword whose value is one subschema.
inline constexpr std::string_view kSchemaValues[] = {"items",
                                                     "additionalItems",
                                                     "contains",
                                                     "additionalProperties",
                                                     "propertyNames",
                                                     "if",
                                                     "then",
                                                     "else",
                                                     "not",
                                                     "unevaluatedItems",
                                                     "unevaluatedProperties",
                                                     "contentSchema"};

template <std::size_t N>
bool is_one_of(std::string_view key, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

// Calls visit(subschema, pointer) for every direct subschema of `schema` (json or const json). A value of the
// wrong shape (a map keyword holding an array) is not a subschema and is skipped. `dependencies` values that
// are arrays of names (draft-07's property dependencies) are skipped the same way.
template <typename Json, typename Visit>
void for_each_subschema(Json& schema, const std::string& pointer, Visit&& visit) {
  for (auto& [key, value] : schema.items()) {
    const std::string child = core::json_pointer_append(pointer, key);
    if (is_one_of(key, kSchemaMaps) && value.is_object()) {
      for (auto& [name, sub] : value.items())
        if (sub.is_object() || sub.is_boolean()) visit(sub, core::json_pointer_append(child, name));
    }
    if (is_one_of(key, kSchemaArrays) && value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i)
        visit(value[i], core::json_pointer_append(child, i));
    }
    if (is_one_of(key, kSchemaValues)) visit(value, child);
  }
}

}  // namespace gatecheck::schema::detail
