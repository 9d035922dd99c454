// multipart/form-data request bodies (RFC 7578), with a boundary derived from the content so that the same
// form always produces the same bytes (stable fixtures and reports).
#pragma once

#include <string>
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

}  // namespace gatecheck::core
