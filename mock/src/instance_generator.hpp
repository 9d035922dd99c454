// Builds a JSON value that a given JSON Schema accepts: tool-call arguments for a tool's `parameters`, and
// answers for response_format json_schema. Deterministic for a given seed.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

namespace gatecheck::mock {

// `schema` may use local $refs ("#/$defs/x") into itself. Keywords it does not understand are ignored; the
// caller validates the result when it must be sure.
nlohmann::json generate_instance(const nlohmann::json& schema, std::uint64_t seed);

}  // namespace gatecheck::mock
