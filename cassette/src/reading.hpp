// Reading cassette lines: the format schema compiles once per load, not once per line.
#pragma once

#include <string>
#include <string_view>

#include <gatecheck/cassette/cassette.hpp>
#include <gatecheck/schema/validator.hpp>

namespace gatecheck::cassette {

class LineReader {
 public:
  LineReader();
  // Throws core::LoadError at file:line:column.
  Recording read(std::string_view text, const std::string& file, std::size_t line) const;

 private:
  schema::CompiledSchema format_;
};

}  // namespace gatecheck::cassette
