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

namespace {

constexpr std::size_t kMaxPartHeaders = 8 * 1024;

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// The value of parameter `name` in a header value ("form-data; name=\"file\"; filename=a.wav"), unquoted.
// A quoted value may hold ';' and '=': the scan respects the quotes.
std::optional<std::string> parameter(std::string_view value, std::string_view name) {
  std::size_t at = value.find(';');
  while (at != std::string_view::npos && at < value.size()) {
    ++at;  // past the ';'
    const std::size_t eq = value.find_first_of("=;", at);
    const std::string key = lower(trim(value.substr(at, eq == std::string_view::npos ? eq : eq - at)));
    if (eq == std::string_view::npos) return std::nullopt;
    if (value[eq] == ';') {
      at = eq;
      continue;
    }
    std::size_t pos = eq + 1;
    while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t'))
      ++pos;
    std::string text;
    if (pos < value.size() && value[pos] == '"') {
      // No backslash escapes: the WHATWG form encoding (what browsers and the SDKs send) percent-encodes
      // '"', CR and LF and leaves a backslash as it is.
      for (++pos; pos < value.size() && value[pos] != '"'; ++pos)
        text += value[pos];
      at = value.find(';', pos);
    } else {
      at = value.find(';', pos);
      text = std::string(trim(value.substr(pos, at == std::string_view::npos ? at : at - pos)));
    }
    if (key == name) return text;
  }
  return std::nullopt;
}

// The part's headers, up to the blank line; false when they do not end or are too long.
bool read_headers(std::string_view& rest, FormPart& part, std::string& error) {
  for (std::size_t read = 0;;) {
    const std::size_t eol = rest.find('\n');
    if (eol == std::string_view::npos || (read += eol + 1) > kMaxPartHeaders) {
      error = "a part's headers do not end (or pass 8 KiB)";
      return false;
    }
    const std::string_view line = trim(rest.substr(0, eol));
    rest.remove_prefix(eol + 1);
    if (line.empty()) return true;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      error = "a part header without a colon";
      return false;
    }
    const std::string field = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (field == "content-disposition") {
      part.name = parameter(value, "name").value_or("");
      const auto filename = parameter(value, "filename");
      part.is_file = filename.has_value();
      part.filename = filename.value_or("");
    } else if (field == "content-type") {
      part.content_type = std::string(value);
    }
  }
}

}  // namespace

std::optional<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view content_type,
                                                     std::string& error, std::size_t max_parts) {
  if (lower(trim(content_type.substr(0, content_type.find(';')))) != "multipart/form-data") {
    error = "the body is not multipart/form-data";
    return std::nullopt;
  }
  const auto boundary = parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) {
    error = "multipart/form-data without a valid boundary parameter";
    return std::nullopt;
  }
  const std::string delimiter = "--" + *boundary;
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos || (at > 0 && body[at - 1] != '\n')) {
    error = "the body holds no boundary delimiter";
    return std::nullopt;
  }
  std::vector<FormPart> parts;
  std::string_view rest = body.substr(at + delimiter.size());
  for (;;) {
    if (rest.starts_with("--")) return parts;  // the close delimiter; what follows is the epilogue
    const std::size_t eol = rest.find('\n');
    if (eol == std::string_view::npos || !trim(rest.substr(0, eol)).empty()) {
      error = "a boundary delimiter is not followed by a line end";
      return std::nullopt;
    }
    rest.remove_prefix(eol + 1);
    if (parts.size() == max_parts) {
      error = "more than " + std::to_string(max_parts) + " parts";
      return std::nullopt;
    }
    FormPart part;
    if (!read_headers(rest, part, error)) return std::nullopt;
    const std::size_t end = rest.find("\n" + delimiter);
    if (end == std::string_view::npos) {
      error = "a part is not closed by the boundary";
      return std::nullopt;
    }
    part.data = rest.substr(0, end > 0 && rest[end - 1] == '\r' ? end - 1 : end);
    parts.push_back(std::move(part));
    rest.remove_prefix(end + 1 + delimiter.size());
  }
}

}  // namespace gatecheck::core
