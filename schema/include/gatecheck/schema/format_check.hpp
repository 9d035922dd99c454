// Checks a document against one of gatecheck's own format schemas (profile, suite, mock config), so that a
// bad file fails with file:line:column and what was expected there, never with a crash later.
#pragma once

#include <string_view>

#include <gatecheck/core/document.hpp>

namespace gatecheck::schema {

// `schema_path` names a bundled schema ("schemas/profile.schema.json"). Throws LoadError listing up to five
// problems, each with its position.
void check_against_format(const core::Document& document, std::string_view schema_path);

}  // namespace gatecheck::schema
