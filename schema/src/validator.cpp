// The public face of the validator: registry, compiler, results in the "basic" output shape.
#include <deque>
#include <set>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/json_path.hpp>
#include <gatecheck/core/uri.hpp>
#include <gatecheck/schema/validator.hpp>

#include "embedded.hpp"
#include "program.hpp"

namespace gatecheck::schema {

SchemaError::SchemaError(std::string location, const std::string& message)
    : std::runtime_error(location.empty() ? message : location + ": " + message),
      location_(std::move(location)) {}

std::string Error::describe() const {
  return core::json_path_from_pointer(instance_location) + ": " + message;
}

nlohmann::json Result::to_basic_output() const {
  nlohmann::json out = {{"valid", valid}};
  if (!valid) {
    nlohmann::json units = nlohmann::json::array();
    for (const auto& error : errors) {
      units.push_back({{"instanceLocation", error.instance_location},
                       {"keywordLocation", error.keyword_location},
                       {"absoluteKeywordLocation", error.absolute_keyword_location},
                       {"error", error.message}});
    }
    out["errors"] = std::move(units);
  }
  return out;
}

Registry::Registry() {
  for (const auto& [uri, text] : detail::embedded_meta_schemas()) {
    documents_.emplace(std::string(uri), std::make_shared<const nlohmann::json>(
                                             core::parse_json(text, std::string(uri)).value));
  }
}

void Registry::add(const std::string& uri, nlohmann::json document) {
  documents_[uri] = std::make_shared<const nlohmann::json>(std::move(document));
}

void Registry::add_directory(const std::string& base_uri, const std::filesystem::path& directory) {
  std::string base = base_uri;
  if (!base.empty() && base.back() != '/') base += '/';
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    const auto extension = entry.path().extension();
    if (extension != ".json" && extension != ".yaml" && extension != ".yml") continue;
    const auto relative = std::filesystem::relative(entry.path(), directory).generic_string();
    core::LoadOptions options;
    options.record_positions = false;
    add(base + relative, core::load_document(entry.path(), options).value);
  }
}

namespace {

void collect_refs(const nlohmann::json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) {
        out.push_back(value.get<std::string>());
      } else {
        collect_refs(value, out);
      }
    }
  } else if (node.is_array()) {
    for (const auto& item : node)
      collect_refs(item, out);
  }
}

}  // namespace

std::string Registry::add_file(const std::filesystem::path& path, const Visitor& visit) {
  const std::string main_uri = core::file_uri(path);
  std::deque<std::string> pending{main_uri};
  std::set<std::string> seen{main_uri};
  while (!pending.empty()) {
    const std::string uri = pending.front();
    pending.pop_front();
    core::Document document = core::load_document(core::file_path(uri));
    if (visit) visit(uri, document);
    std::vector<std::string> refs;
    collect_refs(document.value, refs);
    for (const auto& ref : refs) {
      const auto target = core::split_fragment(core::resolve_uri(uri, ref)).first;
      if (!target.starts_with("file://") || !seen.insert(target).second) continue;
      if (std::filesystem::is_regular_file(core::file_path(target))) pending.push_back(target);
    }
    add(uri, std::move(document.value));
  }
  return main_uri;
}

bool Registry::contains(const std::string& uri) const {
  return documents_.count(uri) > 0;
}

Result CompiledSchema::validate(const nlohmann::json& instance) const {
  Result result;
  detail::Context ctx{program_->options};
  ctx.errors = &result.errors;
  result.valid = detail::evaluate_node(*root_, instance, ctx, nullptr);
  result.truncated = ctx.truncated;
  return result;
}

bool CompiledSchema::is_valid(const nlohmann::json& instance) const {
  detail::Context ctx{program_->options};
  return detail::evaluate_node(*root_, instance, ctx, nullptr);
}

Compiler::Compiler(Registry registry, Options options)
    : program_(std::make_shared<detail::Program>(std::move(registry), options)) {}
Compiler::~Compiler() = default;
Compiler::Compiler(Compiler&&) noexcept = default;
Compiler& Compiler::operator=(Compiler&&) noexcept = default;

CompiledSchema Compiler::compile(const std::string& uri) {
  const std::lock_guard lock(program_->mutex);
  CompiledSchema compiled;
  compiled.root_ = detail::compile_uri(*program_, uri);
  compiled.program_ = program_;
  compiled.uri_ = uri;
  return compiled;
}

CompiledSchema compile(const nlohmann::json& schema, const Options& options) {
  Registry registry;
  const std::string uri = "gatecheck:/schema.json";
  registry.add(uri, schema);
  Compiler compiler(std::move(registry), options);
  return compiler.compile(uri);
}

}  // namespace gatecheck::schema
