// multipart/form-data request bodies (RFC 7578): split into parts within bounds, and read as the API's form
// fields with the same error envelope as JSON bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api_errors.hpp"

namespace gatecheck::testing::reference {

struct FormPart {
  std::string name;
  std::optional<std::string> filename;  // present for file parts
  std::string content_type;             // "" when the part has none
  std::string body;
};

// The parts of a multipart/form-data body: 411 without a Content-Length, 415 for another media type, 400 when
// the boundary is missing or the body malformed, or over 256 parts or 16 KiB of headers in a part.
std::vector<FormPart> parse_multipart(const Request& req);

class Form {
 public:
  explicit Form(std::vector<FormPart> parts) : parts_(std::move(parts)) {}

  // 400 unknown_parameter for a part whose name (without a trailing "[]") is not in `known`
  // (space-separated).
  void reject_unknown(std::string_view known) const;
  const FormPart* file(const std::string& name) const;  // the first part so named
  // A text field: absent gives nullopt; given twice, or as a file, is a 400.
  std::optional<std::string> text(const std::string& name) const;
  // Every value of `name` and of `name[]`, in order.
  std::vector<std::string> list(const std::string& name) const;
  // A number field within [low, high]: not a number is invalid_type, out of range as for JSON bodies.
  std::optional<double> number(const std::string& name, double low, double high) const;
  std::vector<const FormPart*> files(const std::string& name) const;  // `name` and `name[]`

 private:
  std::vector<FormPart> parts_;
};

}  // namespace gatecheck::testing::reference
