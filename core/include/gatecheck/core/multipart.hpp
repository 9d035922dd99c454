// multipart/form-data request bodies (RFC 7578): a builder, with a boundary derived from the content so that
// the same form always produces the same bytes (stable fixtures and reports), and a bounded reader for bodies
// from the network.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatecheck::core {

class MultipartForm {
 public:
  void add_field(std::string name, std::string value);
  void add_file(std::string name, std::string filename, std::string content_type, std::string data);

  std::string boundary() const;
  std::string content_type() const { return "multipart/form-data; boundary=" + boundary(); }
  std::string body() const;
  bool empty() const { return parts_.empty(); }

 private:
  struct Part {
    std::string name;
    std::string filename;  // empty for plain fields
    std::string content_type;
    std::string data;
    bool is_file = false;
  };
  std::vector<Part> parts_;
};

// One part of a read form. `data` points into the body it was read from.
struct FormPart {
  std::string name;
  std::string filename;      // empty for a plain field
  std::string content_type;  // empty when the part names none
  std::string_view data;
  bool is_file = false;  // the part's Content-Disposition has a filename parameter
};

// Reads a multipart/form-data body under `content_type` (its boundary parameter, quoted or not). Returns
// nullopt and says why in `error` when the media type, the boundary or the framing is wrong, or past
// `max_parts` parts or 8 KiB of headers in one part. A preamble and an epilogue are allowed (RFC 2046 5.1.1);
// line ends may be CRLF or LF.
std::optional<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view content_type,
                                                     std::string& error, std::size_t max_parts = 64);

}  // namespace gatecheck::core
