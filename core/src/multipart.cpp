#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/multipart.hpp>

namespace gatecheck::core {
namespace {

// Field names and file names are quoted strings; the WHATWG form encoding escapes these three characters.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') {
      out += "%22";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace

void MultipartForm::add_field(std::string name, std::string value) {
  parts_.push_back({std::move(name), {}, {}, std::move(value), false});
}

void MultipartForm::add_file(std::string name, std::string filename, std::string content_type,
                             std::string data) {
  parts_.push_back({std::move(name), std::move(filename),
                    content_type.empty() ? "application/octet-stream" : std::move(content_type),
                    std::move(data), true});
}

std::string MultipartForm::boundary() const {
  std::string digest_input;
  for (const auto& part : parts_) {
    digest_input += part.name + '\0' + part.filename + '\0' + part.content_type + '\0' + part.data + '\0';
  }
  for (unsigned attempt = 0;; ++attempt) {
    const std::string candidate =
        "gatecheck-" + to_hex(sha256(digest_input + std::to_string(attempt))).substr(0, 32);
    bool clashes = false;
    // Every byte a part puts into the body is checked, its headers too (a content type may be anything).
    for (const auto& part : parts_) {
      for (const std::string* text : {&part.name, &part.filename, &part.content_type, &part.data})
        clashes = clashes || text->find(candidate) != std::string::npos;
    }
    if (!clashes) return candidate;
  }
}

std::string MultipartForm::body() const {
  const std::string delimiter = "--" + boundary();
  std::string out;
  for (const auto& part : parts_) {
    out += delimiter + "\r\n";
    out += "Content-Disposition: form-data; name=" + quote(part.name);
    if (part.is_file) out += "; filename=" + quote(part.filename);
    out += "\r\n";
    if (part.is_file) out += "Content-Type: " + part.content_type + "\r\n";
    out += "\r\n";
    out += part.data;
    out += "\r\n";
  }
  out += delimiter + "--\r\n";
  return out;
}

}  // namespace gatecheck::core
