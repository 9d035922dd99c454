// Loading an OpenAPI document (and the files its relative $refs reach), its operations, and schema lookup.
#include <algorithm>
#include <mutex>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/uri.hpp>
#include <gatecheck/schema/openapi.hpp>

#include "schema_roots.hpp"

namespace gatecheck::schema::openapi {
namespace {

using nlohmann::json;

constexpr std::string_view kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string strip_query(std::string_view path) {
  return std::string(path.substr(0, path.find('?')));
}

std::vector<std::string> split_segments(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t at = 0;
  while (at < path.size()) {
    if (path[at] == '/') {
      ++at;
      continue;
    }
    const std::size_t end = std::min(path.find('/', at), path.size());
    segments.emplace_back(path.substr(at, end - at));
    at = end;
  }
  return segments;
}

// A template segment: "{id}", "{id}.json", or a literal. Returns true and counts literals when `actual` fits.
bool segment_matches(const std::string& pattern, const std::string& actual, int& literal_segments) {
  const auto open = pattern.find('{');
  if (open == std::string::npos) {
    if (pattern != actual) return false;
    ++literal_segments;
    return true;
  }
  const auto close = pattern.rfind('}');
  const std::string prefix = pattern.substr(0, open);
  const std::string suffix = close == std::string::npos ? "" : pattern.substr(close + 1);
  return actual.size() > prefix.size() + suffix.size() && actual.starts_with(prefix) &&
         actual.ends_with(suffix);
}

std::string media_type_of(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ')
    type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ')
    type.remove_prefix(1);
  return core::to_lower(type);
}

}  // namespace

struct Document::State {
  std::string uri;
  std::string version;
  bool openapi_30 = false;
  std::shared_ptr<const json> root;
  std::map<std::string, core::SourceMap> sources;  // by file URI
  std::vector<Normalisation> normalisations;
  std::vector<Operation> operations;
  std::unique_ptr<schema::Compiler> compiler;
  std::mutex cache_mutex;
  std::map<std::string, schema::CompiledSchema> cache;
  std::vector<std::string> loaded;  // every document URI in the registry that came from this load
  std::map<std::string, std::shared_ptr<const json>>
      documents;  // the same documents the compiler resolves in

  const json* at(std::string_view pointer) const {
    try {
      const json::json_pointer p{std::string(pointer)};
      return root->contains(p) ? &root->at(p) : nullptr;
    } catch (const json::exception&) {
      return nullptr;
    }
  }

  // Follows a local "#/..." $ref on a non-schema object (a response, a request body); returns its pointer.
  std::string follow(std::string pointer) const {
    for (int hops = 0; hops < 16; ++hops) {
      const json* node = at(pointer);
      if (node == nullptr || !node->is_object()) return pointer;
      const auto ref = node->find("$ref");
      if (ref == node->end() || !ref->is_string()) return pointer;
      const std::string target = ref->get<std::string>();
      if (!target.starts_with("#")) return pointer;
      pointer = core::percent_decode(target.substr(1));
    }
    return pointer;
  }

  std::optional<std::string> media_schema(const std::string& content_pointer,
                                          std::string_view content_type) const {
    const json* content = at(content_pointer);
    if (content == nullptr || !content->is_object() || content->empty()) return std::nullopt;
    const std::string wanted = media_type_of(content_type);
    std::string chosen;
    if (wanted.empty() && content->size() == 1) chosen = content->begin().key();
    for (const auto& [media, value] : content->items()) {
      if (chosen.empty() && media_type_of(media) == wanted) chosen = media;
    }
    const std::string family = wanted.substr(0, wanted.find('/')) + "/*";
    if (chosen.empty() && content->contains(family)) chosen = family;
    if (chosen.empty() && content->contains("*/*")) chosen = "*/*";
    if (chosen.empty()) return std::nullopt;
    const std::string schema_pointer =
        core::json_pointer_append(core::json_pointer_append(content_pointer, chosen), "schema");
    if (at(schema_pointer) == nullptr) return std::nullopt;
    return uri + "#" + schema_pointer;
  }
};

Document::Document(std::unique_ptr<State> state) : state_(std::move(state)) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

namespace {

std::string read_version(const json& root, const std::string& file) {
  const auto it = root.find("openapi");
  if (!root.is_object() || it == root.end() || !it->is_string() ||
      !it->get<std::string>().starts_with("3.")) {
    throw core::LoadError(file, {}, "not an OpenAPI 3.x document (no `openapi: 3.x` field)");
  }
  return it->get<std::string>();
}

}  // namespace

Document Document::load(const std::filesystem::path& path) {
  auto state = std::make_unique<State>();
  schema::Registry registry;
  state->uri = registry.add_file(path, [&](const std::string& uri, core::Document& loaded) {
    if (state->loaded.empty()) {
      state->version = read_version(loaded.value, path.string());
      state->openapi_30 = state->version.starts_with("3.0");
    }
    const bool is_openapi =
        state->loaded.empty() || (loaded.value.is_object() && loaded.value.contains("openapi"));
    auto changes = is_openapi ? normalise(loaded.value, state->openapi_30, uri)
                              : detail::normalise_schema_file(loaded.value, state->openapi_30, uri);
    state->normalisations.insert(state->normalisations.end(), changes.begin(), changes.end());
    state->sources.emplace(uri, loaded.source);
    state->loaded.push_back(uri);
  });
  state->root = registry.documents().at(state->uri);
  state->documents = registry.documents();
  state->compiler = std::make_unique<schema::Compiler>(std::move(registry));
  Document document(std::move(state));
  document.index_operations();
  return document;
}

Document Document::from_json(json document, const std::string& uri) {
  auto state = std::make_unique<State>();
  state->uri = uri;
  state->version = read_version(document, uri);
  state->openapi_30 = state->version.starts_with("3.0");
  state->normalisations = normalise(document, state->openapi_30, uri);
  schema::Registry registry;
  registry.add(uri, std::move(document));
  state->root = registry.documents().at(uri);
  state->documents = registry.documents();
  state->loaded.push_back(uri);
  state->compiler = std::make_unique<schema::Compiler>(std::move(registry));
  Document out(std::move(state));
  out.index_operations();
  return out;
}

void Document::index_operations() {
  const auto paths = state_->root->find("paths");
  if (paths == state_->root->end() || !paths->is_object()) return;
  for (const auto& [path, item] : paths->items()) {
    if (!item.is_object()) continue;
    for (const auto method : kMethods) {
      const auto operation = item.find(std::string(method));
      if (operation == item.end() || !operation->is_object()) continue;
      Operation op;
      // Read, not trusted: a description may say `operationId: 1` (value() would throw a type_error).
      const auto id = operation->find("operationId");
      op.operation_id = id != operation->end() && id->is_string() ? id->get<std::string>() : "";
      op.method = core::to_lower(method);
      for (char& c : op.method)
        c = static_cast<char>(c - 'a' + 'A');
      op.path_template = strip_query(path);
      op.pointer = core::json_pointer_append(core::json_pointer_append("/paths", path), method);
      state_->operations.push_back(std::move(op));
    }
  }
}

const json& Document::root() const {
  return *state_->root;
}
const std::string& Document::uri() const {
  return state_->uri;
}
const std::string& Document::version() const {
  return state_->version;
}
bool Document::compatibility_mode() const {
  return state_->openapi_30;
}
const std::vector<Normalisation>& Document::normalisations() const {
  return state_->normalisations;
}
const std::vector<Operation>& Document::operations() const {
  return state_->operations;
}

std::string Document::describe(std::string_view pointer) const {
  const auto it = state_->sources.find(state_->uri);
  if (it == state_->sources.end()) return state_->uri + "#" + std::string(pointer);
  return it->second.describe(pointer);
}

std::string Document::describe_uri(const std::string& schema_uri) const {
  const auto [file, fragment] = core::split_fragment(schema_uri);
  const auto it = state_->sources.find(file);
  if (it == state_->sources.end()) return schema_uri;
  return it->second.describe(core::percent_decode(fragment));
}

std::string Document::server_base_path() const {
  const auto servers = state_->root->find("servers");
  if (servers == state_->root->end() || !servers->is_array() || servers->empty()) return "";
  const json& first = (*servers)[0];
  const auto found = first.is_object() ? first.find("url") : first.end();
  if (!first.is_object() || found == first.end() || !found->is_string()) return "";
  const std::string url = found->get<std::string>();
  const auto scheme = url.find("://");
  const auto path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path_start == std::string::npos) return "";
  std::string path = url.substr(path_start);
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  return path;
}

const Operation* Document::find_operation(std::string_view operation_id) const {
  for (const auto& op : state_->operations) {
    if (op.operation_id == operation_id) return &op;
  }
  return nullptr;
}

const Operation* Document::match(std::string_view method, std::string_view path) const {
  const std::string wanted_method = [&] {
    std::string m(method);
    for (char& c : m)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return m;
  }();
  const auto actual = split_segments(strip_query(path));
  const Operation* best = nullptr;
  int best_literals = -1;
  for (const auto& op : state_->operations) {
    if (op.method != wanted_method) continue;
    const auto pattern = split_segments(op.path_template);
    if (pattern.size() != actual.size()) continue;
    int literals = 0;
    bool fits = true;
    for (std::size_t i = 0; i < pattern.size() && fits; ++i)
      fits = segment_matches(pattern[i], actual[i], literals);
    if (fits && literals > best_literals) {
      best = &op;
      best_literals = literals;
    }
  }
  return best;
}

std::optional<std::string> Document::response_schema_uri(const Operation& operation, int status,
                                                         std::string_view content_type) const {
  const std::string responses = core::json_pointer_append(operation.pointer, "responses");
  const json* node = state_->at(responses);
  if (node == nullptr || !node->is_object()) return std::nullopt;
  const std::string code = std::to_string(status);
  const std::string range = code.substr(0, 1) + "XX";
  std::string key;
  for (const std::string& candidate : {code, range, code.substr(0, 1) + "xx", std::string("default")}) {
    if (node->contains(candidate)) {
      key = candidate;
      break;
    }
  }
  if (key.empty()) return std::nullopt;
  const std::string response = state_->follow(core::json_pointer_append(responses, key));
  return state_->media_schema(core::json_pointer_append(response, "content"), content_type);
}

std::optional<std::string> Document::request_schema_uri(const Operation& operation,
                                                        std::string_view content_type) const {
  const std::string body = state_->follow(core::json_pointer_append(operation.pointer, "requestBody"));
  if (state_->at(body) == nullptr) return std::nullopt;
  return state_->media_schema(core::json_pointer_append(body, "content"), content_type);
}

std::string Document::component_schema_uri(std::string_view name) const {
  return state_->uri + "#" + core::json_pointer_append("/components/schemas", name);
}

schema::CompiledSchema Document::compile(const std::string& schema_uri) {
  const std::lock_guard lock(state_->cache_mutex);
  const auto it = state_->cache.find(schema_uri);
  if (it != state_->cache.end()) return it->second;
  auto compiled = state_->compiler->compile(schema_uri);
  state_->cache.emplace(schema_uri, compiled);
  return compiled;
}

std::optional<schema::CompiledSchema> Document::response_schema(const Operation& operation, int status,
                                                                std::string_view content_type) {
  const auto uri = response_schema_uri(operation, status, content_type);
  if (!uri) return std::nullopt;
  return compile(*uri);
}

std::optional<schema::CompiledSchema> Document::request_schema(const Operation& operation,
                                                               std::string_view content_type) {
  const auto uri = request_schema_uri(operation, content_type);
  if (!uri) return std::nullopt;
  return compile(*uri);
}

const std::vector<std::string>& Document::loaded_documents() const {
  return state_->loaded;
}

const nlohmann::json* Document::loaded_document(const std::string& uri) const {
  const auto it = state_->documents.find(uri);
  return it == state_->documents.end() ? nullptr : it->second.get();
}

}  // namespace gatecheck::schema::openapi
