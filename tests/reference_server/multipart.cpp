#include "multipart.hpp"

#include <array>

#include "request_json.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

constexpr std::size_t kMaxParts = 256;
constexpr std::size_t kMaxPartHead = std::size_t{16} << 10;

[[noreturn]] void malformed(const std::string& why) {
  throw ApiError(400, "Could not parse multipart form: " + why + ".", nullptr, "invalid_multipart");
}

// The parameters after a media type or disposition type: `key=token` or `key="quoted \" string"`, keys in
// lower case.
std::vector<std::pair<std::string, std::string>> parameters(std::string_view value) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t at = value.find(';');
  while (at != std::string_view::npos && at < value.size()) {
    const std::size_t eq = value.find('=', at + 1);
    if (eq == std::string_view::npos) break;
    std::string key = lower(trim(value.substr(at + 1, eq - at - 1)));
    std::size_t i = eq + 1;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t'))
      ++i;
    std::string text;
    if (i < value.size() && value[i] == '"') {
      for (++i; i < value.size() && value[i] != '"'; ++i)
        text += value[i] == '\\' && i + 1 < value.size() ? value[++i] : value[i];
      if (i >= value.size()) malformed("an unterminated quoted string");
      at = value.find(';', i);
    } else {
      at = value.find(';', i);
      text =
          std::string(trim(value.substr(i, at == std::string_view::npos ? std::string_view::npos : at - i)));
    }
    out.emplace_back(std::move(key), std::move(text));
  }
  return out;
}

std::optional<std::string> parameter(std::string_view value, std::string_view key) {
  for (auto& [name, text] : parameters(value))
    if (name == key) return text;
  return std::nullopt;
}

FormPart read_part(std::string_view head, std::string_view body) {
  FormPart part;
  bool disposition = false;
  for (std::size_t at = 0; at < head.size();) {
    const std::size_t eol = std::min(head.find("\r\n", at), head.size());
    const std::string_view line = head.substr(at, eol - at);
    at = eol + 2;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) malformed("a part header without a name");
    const std::string name = lower(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-type") part.content_type = std::string(value);
    if (name != "content-disposition") continue;
    if (lower(trim(value.substr(0, value.find(';')))) != "form-data")
      malformed("a part that is not form-data");
    part.name = parameter(value, "name").value_or("");
    part.filename = parameter(value, "filename");
    disposition = true;
  }
  if (!disposition || part.name.empty()) malformed("a part without a Content-Disposition name");
  part.body = std::string(body);
  return part;
}

std::string boundary_of(const Request& req) {
  if (!req.has_length) throw ApiError(411, "A POST request needs a Content-Length header.");
  const std::string_view type = req.header("content-type").value_or("");
  if (lower(trim(type.substr(0, type.find(';')))) != "multipart/form-data")
    throw ApiError(
        415, "Unsupported Content-Type '" + std::string(type) + "': the body must be multipart/form-data.");
  const std::string boundary = parameter(type, "boundary").value_or("");
  if (boundary.empty() || boundary.size() > 70)
    malformed("the Content-Type has no valid boundary");  // RFC 2046
  return boundary;
}

}  // namespace

std::vector<FormPart> parse_multipart(const Request& req) {
  const std::string delimiter = "\r\n--" + boundary_of(req);
  const std::string body = "\r\n" + req.body;  // so the first delimiter looks like the others
  std::size_t at = body.find(delimiter);       // anything before it is a preamble, ignored
  std::vector<FormPart> parts;
  while (true) {
    if (at == std::string::npos) malformed("the closing boundary is missing");
    at += delimiter.size();
    if (body.compare(at, 2, "--") == 0) return parts;  // the close delimiter; an epilogue may follow
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t'))
      ++at;  // transport padding
    if (body.compare(at, 2, "\r\n") != 0) malformed("a boundary line is not followed by CRLF");
    const std::size_t start = at + 2;
    const std::size_t blank = body.compare(start, 2, "\r\n") == 0 ? start : body.find("\r\n\r\n", start);
    if (blank == std::string::npos || blank - start > kMaxPartHead) malformed("a part's headers do not end");
    const std::size_t content = blank == start ? start + 2 : blank + 4;
    const std::size_t next = body.find(delimiter, content);
    if (next == std::string::npos) malformed("the closing boundary is missing");
    if (parts.size() == kMaxParts) malformed("more than 256 parts");
    parts.push_back(read_part(std::string_view(body).substr(start, blank - start),
                              std::string_view(body).substr(content, next - content)));
    at = next;
  }
}

void Form::reject_unknown(std::string_view known) const {
  json names = json::object();
  for (const FormPart& part : parts_)
    names[part.name.ends_with("[]") ? part.name.substr(0, part.name.size() - 2) : part.name] = true;
  reference::reject_unknown(names, known);
}

const FormPart* Form::file(const std::string& name) const {
  for (const FormPart& part : parts_)
    if (part.name == name) return &part;
  return nullptr;
}

std::vector<const FormPart*> Form::files(const std::string& name) const {
  std::vector<const FormPart*> out;
  for (const FormPart& part : parts_)
    if (part.name == name || part.name == name + "[]") out.push_back(&part);
  return out;
}

std::optional<std::string> Form::text(const std::string& name) const {
  std::optional<std::string> out;
  for (const FormPart& part : parts_) {
    if (part.name != name) continue;
    if (out) throw ApiError(400, "'" + name + "' is given more than once.", name, "invalid_value");
    if (part.filename)
      throw ApiError(400, "Invalid type for '" + name + "': expected a string, but got a file instead.", name,
                     "invalid_type");
    out = part.body;
  }
  return out;
}

std::vector<std::string> Form::list(const std::string& name) const {
  std::vector<std::string> out;
  for (const FormPart& part : parts_)
    if (part.name == name || part.name == name + "[]") out.push_back(part.body);
  return out;
}

std::optional<double> Form::number(const std::string& name, double low, double high) const {
  const auto value = text(name);
  if (!value) return std::nullopt;
  const json parsed = json::parse(*value, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_number()) invalid_type(name, "a decimal", *value);
  check_number(json{{name, parsed}}, name.c_str(), low, high, false);
  return parsed.get<double>();
}

}  // namespace gatecheck::testing::reference
