// Data compiled into the binary by cmake/EmbedFiles.cmake.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace gatecheck::schema::detail {

// The JSON Schema 2020-12 meta-schemas, keyed by their $id.
std::vector<std::pair<std::string_view, std::string_view>> embedded_meta_schemas();

}  // namespace gatecheck::schema::detail
