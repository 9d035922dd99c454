// Data files that ship inside the binary (profiles, the OpenAPI description, the bundled suites, the JSON
// Schemas of gatecheck's formats), so `gatecheck mock --profile openai` works from any directory.
// Setting GATECHECK_DATA_DIR to a checkout reads them from disk instead (for editing without rebuilding).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatecheck::core {

// The contents of a bundled file by its repository path ("schemas/profiles/openai.yaml").
std::optional<std::string> bundled_file(std::string_view path);
// Repository paths of the bundled files under a folder ("suites/openai/"), sorted.
std::vector<std::string> bundled_files_under(std::string_view folder);

}  // namespace gatecheck::core
