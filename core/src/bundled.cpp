#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <gatecheck/core/bundled.hpp>
#include <gatecheck/core/document.hpp>

namespace gatecheck::core {

std::vector<std::pair<std::string_view, std::string_view>> embedded_data_files();  // generated

namespace {

std::optional<std::filesystem::path> data_dir() {
  // Read-only use of the environment, to point at a checkout while editing data files.
  const char* dir = std::getenv("GATECHECK_DATA_DIR");  // NOLINT(concurrency-mt-unsafe)
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  return std::filesystem::path(dir);
}

}  // namespace

std::optional<std::string> bundled_file(std::string_view path) {
  if (const auto dir = data_dir()) {
    const auto file = *dir / std::filesystem::path(path);
    if (std::filesystem::is_regular_file(file)) return read_file(file);
    return std::nullopt;
  }
  for (const auto& [name, text] : embedded_data_files()) {
    if (name == path) return std::string(text);
  }
  return std::nullopt;
}

std::vector<std::string> bundled_files_under(std::string_view folder) {
  std::vector<std::string> out;
  if (const auto dir = data_dir()) {
    const auto root = *dir / std::filesystem::path(folder);
    if (std::filesystem::is_directory(root)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file())
          out.push_back(std::filesystem::relative(entry.path(), *dir).generic_string());
      }
    }
  } else {
    for (const auto& [name, text] : embedded_data_files()) {
      if (name.starts_with(folder)) out.emplace_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace gatecheck::core
