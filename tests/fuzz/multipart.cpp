// Property: MultipartForm gives a stable boundary that no part contains, and a body that splits back, at its
// delimiters, into the parts with their data byte for byte; parse_multipart reads it back the same, and reads
// the raw input as a hostile body (boundary "b") with every part inside it, or refuses it saying why.
// Input: NUL-separated tokens: "name", "value" for a field; "file:name", "filename", "content type", "data"
// for a file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gatecheck/core/multipart.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace gatecheck;
using fuzz::require;

struct Part {
  std::string data;
  bool is_file = false;
};

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

std::string take(std::string_view& rest) {
  const auto nul = rest.find('\0');
  const std::string token(rest.substr(0, nul));
  rest = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);
  return token;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  core::MultipartForm form;
  std::vector<Part> parts;
  while (!rest.empty() && parts.size() < 32) {
    std::string name = take(rest);
    if (name.starts_with("file:")) {
      std::string filename = take(rest);
      std::string type = take(rest);
      // The content type is written unescaped (it comes from the suite, not from a peer): keep it to one
      // line.
      std::erase_if(type, [](char c) { return c == '\r' || c == '\n'; });
      std::string file_data = take(rest);
      parts.push_back({file_data, true});
      form.add_file(name.substr(5), std::move(filename), std::move(type), std::move(file_data));
    } else {
      std::string value = take(rest);
      parts.push_back({value, false});
      form.add_field(std::move(name), std::move(value));
    }
  }

  const std::string boundary = form.boundary();
  require(boundary == form.boundary(), "the boundary is stable");
  require(boundary.starts_with("gatecheck-") && boundary.size() == 42,
          "the boundary has its documented form");
  require(form.content_type() == "multipart/form-data; boundary=" + boundary, "the content type names it");
  require(form.empty() == parts.empty(), "empty() counts the parts");
  for (const auto& part : parts)
    require(part.data.find(boundary) == std::string::npos, "no part contains the boundary");

  const std::string body = form.body();
  const std::string delimiter = "--" + boundary;
  require(body.ends_with("\r\n" + delimiter + "--\r\n") || body == delimiter + "--\r\n", "the body closes");
  require(count(body, delimiter) == parts.size() + 1, "one delimiter per part, and the close");
  // Split it back: each part is "--B\r\n" headers "\r\n\r\n" data "\r\n", up to the next "--B".
  std::size_t at = 0;
  for (const auto& part : parts) {
    require(body.compare(at, delimiter.size() + 2, delimiter + "\r\n") == 0,
            "a part opens with the delimiter");
    at += delimiter.size() + 2;
    const auto headers_end = body.find("\r\n\r\n", at);
    require(headers_end != std::string::npos, "a part has a header block");
    const std::string_view headers = std::string_view(body).substr(at, headers_end - at);
    require(headers.starts_with("Content-Disposition: form-data; name=\""), "a part is form-data");
    require(count(headers, "\r\n") == (part.is_file ? 1u : 0u),
            "quoted names and filenames stay on their line");
    const auto data_start = headers_end + 4;
    const auto next = body.find("\r\n" + delimiter, data_start);
    require(next != std::string::npos, "a part ends at a delimiter");
    require(
        body.compare(data_start, next - data_start, part.data) == 0 && next - data_start == part.data.size(),
        "the part's data comes back byte for byte");
    at = next + 2;
  }
  require(body.compare(at, std::string::npos, delimiter + "--\r\n") == 0, "the close follows the last part");

  // The reader gives the builder's parts back, data byte for byte.
  std::string error;
  const auto read = core::parse_multipart(body, form.content_type(), error);
  require(read.has_value() || parts.empty(), "the reader reads what the builder wrote");
  if (read) {
    require(read->size() == parts.size(), "as many parts read as written");
    for (std::size_t i = 0; i < parts.size(); ++i)
      require((*read)[i].data == parts[i].data && (*read)[i].is_file == parts[i].is_file,
              "each part's data and kind come back");
  }
  // And it reads the raw input as a hostile body without failing unsafely: parts lie inside the body.
  const std::string_view raw = fuzz::as_text(data, size);
  if (const auto hostile = core::parse_multipart(raw, "multipart/form-data; boundary=b", error)) {
    require(hostile->size() <= 64, "at most max_parts parts");
    for (const auto& part : *hostile)
      require(
          part.data.data() >= raw.data() && part.data.data() + part.data.size() <= raw.data() + raw.size(),
          "a part's data points into the body");
  } else {
    require(!error.empty(), "a refusal says why");
  }
  return 0;
}
