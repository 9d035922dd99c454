// Reading cassette lines: the format schema compiles once per load, not once per line.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/schema/validator.hpp>

namespace gatecheck::cassette {

class LineReader {
 public:
  LineReader();
  // Throws core::LoadError at file:line:column.
  Recording read(std::string_view text, const std::string& file, std::size_t line) const;
  // Why `line` is not a cassette line (the deepest schema error, with its place), or empty.
  std::string problem(const nlohmann::json& line) const;

 private:
  schema::CompiledSchema format_;
};

}  // namespace gatecheck::cassette
