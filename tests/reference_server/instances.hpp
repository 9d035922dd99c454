// Values generated from a JSON Schema, for tool-call arguments and json_schema answers.
#pragma once

#include "text.hpp"

namespace gatecheck::testing::reference {

// A value valid against `schema` for the keywords that matter in tool and response schemas: local $ref,
// enum, const, the first branch of anyOf/oneOf/allOf, type, properties and required, numeric and length
// bounds, item counts and a few formats. Only declared properties appear: additionalProperties: false holds.
json instance_of(const json& schema, Rng& rng);

}  // namespace gatecheck::testing::reference
