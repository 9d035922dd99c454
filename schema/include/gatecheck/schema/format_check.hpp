// Checks a document against one of gatecheck's own format schemas (profile, suite, mock config), so that a
// bad file fails with file:line:column and what was expected there, never with a crash later.
#pragma once

#include <string_view>

#include <gatecheck/core/document.hpp>
#include <gatecheck/schema/validator.hpp>

namespace gatecheck::schema {

// `schema_path` names a bundled schema ("schemas/profile.schema.json"). Throws LoadError listing up to five
// problems, each with its position.
void check_against_format(const core::Document& document, std::string_view schema_path);

// A bundled format schema, compiled with the others it refers to ("stub.schema.json" from the mock config's
// schema): for checking values that arrive at run time (a stub POSTed to the mock's admin API). Throws
// SchemaError.
CompiledSchema compile_format(std::string_view schema_path);

// The failure at the deepest instance location (of a result that is not valid): the most specific
// explanation.
const Error& deepest_error(const Result& result);

}  // namespace gatecheck::schema
