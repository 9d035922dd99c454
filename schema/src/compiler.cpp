// Indexing (which JSON values are schemas, where resources and anchors are), reference resolution, and the
// construction of Nodes. Only values under known subschema keywords are schemas: an `$id` inside `enum`,
// `const`, `examples` or an unknown keyword is data, never an identifier.
#include <algorithm>
#include <cmath>
#include <limits>

#include <gatecheck/core/document.hpp>
#include <gatecheck/core/uri.hpp>

#include "builder.hpp"
#include "subschemas.hpp"

namespace gatecheck::schema::detail {
namespace {

constexpr std::string_view kDraft2020 = "https://json-schema.org/draft/2020-12/schema";
constexpr std::string_view kVocabularyPrefix = "https://json-schema.org/draft/2020-12/vocab/";

std::string strip_trailing_hash(std::string uri) {
  if (!uri.empty() && uri.back() == '#') uri.pop_back();
  return uri;
}

Resource& new_resource(Program& program, const std::string& uri, const json& root, const Resource* parent) {
  Resource& resource = program.resource_store.emplace_back();
  resource.uri = uri;
  resource.root = &root;
  if (parent != nullptr) {
    resource.draft = parent->draft;
    resource.vocabularies = parent->vocabularies;
  }
  program.resources.emplace(uri, &resource);
  return resource;
}

// Reads $schema: the draft and, for custom meta-schemas, the vocabularies their $vocabulary declares.
void apply_dialect(Program& program, Resource& resource, const json& schema) {
  const auto it = schema.find("$schema");
  if (it == schema.end() || !it->is_string()) return;
  const std::string uri = strip_trailing_hash(it->get<std::string>());
  if (uri == kDraft2020) {
    resource.draft = Draft::d2020_12;
    resource.vocabularies = kDefaultVocabularies;
    return;
  }
  if (uri.find("draft/2019-09/") != std::string::npos) {
    resource.draft = Draft::d2019_09;
    resource.vocabularies = kDefaultVocabularies;
    return;
  }
  for (const auto& [marker, draft] : {std::pair{"draft-07", Draft::d7}, std::pair{"draft-06", Draft::d6},
                                      std::pair{"draft-04", Draft::d4}}) {
    if (uri.find(marker) != std::string::npos) {
      resource.draft = draft;
      resource.vocabularies = kDefaultVocabularies;
      return;
    }
  }
  const auto& documents = program.registry.documents();
  const auto meta = documents.find(uri);
  if (meta == documents.end()) return;  // an unknown dialect URI (e.g. an OpenAPI dialect): 2020-12 semantics
  const auto vocabulary = meta->second->find("$vocabulary");
  if (vocabulary == meta->second->end() || !vocabulary->is_object()) return;
  unsigned bits = kCore;
  static constexpr std::pair<std::string_view, unsigned> kNames[] = {{"core", kCore},
                                                                     {"applicator", kApplicator},
                                                                     {"unevaluated", kUnevaluated},
                                                                     {"validation", kValidation},
                                                                     {"meta-data", kMetaData},
                                                                     {"format-annotation", kFormatAnnotation},
                                                                     {"format-assertion", kFormatAssertion},
                                                                     {"content", kContent}};
  for (const auto& [name, required] : vocabulary->items()) {
    bool known = false;
    if (name.starts_with(kVocabularyPrefix)) {
      const std::string_view short_name = std::string_view(name).substr(kVocabularyPrefix.size());
      for (const auto& [known_name, bit] : kNames) {
        if (short_name == known_name) {
          bits |= bit;
          known = true;
        }
      }
    }
    if (!known && required.is_boolean() && required.get<bool>()) {
      throw SchemaError(uri, "the meta-schema requires the unknown vocabulary " + name);
    }
  }
  resource.vocabularies = bits;
}

// Records every schema under `schema` (resources, anchors, locations).
void index_schema(Program& program, const json& schema, const std::string& base_uri, Resource* resource,
                  const std::string& pointer) {
  if (!schema.is_object() && !schema.is_boolean()) return;
  if (program.locations.count(&schema) > 0) return;
  std::string base = base_uri;
  std::string here = pointer;
  if (schema.is_object()) {
    const auto id = schema.find("$id");
    if (id != schema.end() && id->is_string()) {
      const auto [absolute, fragment] =
          core::split_fragment(core::resolve_uri(base_uri, id->get<std::string>()));
      if (fragment.empty() || resource->draft == Draft::d2020_12 || resource->draft == Draft::d2019_09) {
        base = absolute;
        if (absolute != resource->uri) {
          const auto existing = program.resources.find(absolute);
          resource = existing != program.resources.end() ? existing->second
                                                         : &new_resource(program, absolute, schema, resource);
          here.clear();
        }
      } else {
        resource->anchors.emplace(fragment, &schema);  // draft-07 style "$id": "#anchor"
      }
    }
    if (resource->root == &schema) apply_dialect(program, *resource, schema);
  }
  program.locations.emplace(&schema, Location{resource, base, here});
  if (!schema.is_object()) return;

  const auto anchor = schema.find("$anchor");
  if (anchor != schema.end() && anchor->is_string())
    resource->anchors.emplace(anchor->get<std::string>(), &schema);
  const auto dynamic_anchor = schema.find("$dynamicAnchor");
  if (dynamic_anchor != schema.end() && dynamic_anchor->is_string()) {
    resource->anchors.emplace(dynamic_anchor->get<std::string>(), &schema);
    resource->dynamic_anchors.emplace(dynamic_anchor->get<std::string>(), &schema);
  }
  const auto recursive_anchor = schema.find("$recursiveAnchor");
  if (recursive_anchor != schema.end() && recursive_anchor->is_boolean() && recursive_anchor->get<bool>()) {
    resource->dynamic_anchors.emplace("", &schema);
  }

  for_each_subschema(schema, here, [&](const json& sub, const std::string& sub_pointer) {
    index_schema(program, sub, base, resource, sub_pointer);
  });
}

void index_document(Program& program, const std::string& uri, const json& document) {
  if (!program.documents_indexed.emplace(uri, &document).second) return;
  const auto existing = program.resources.find(uri);
  Resource* resource =
      existing != program.resources.end() ? existing->second : &new_resource(program, uri, document, nullptr);
  if (document.is_object()) apply_dialect(program, *resource, document);
  index_schema(program, document, uri, resource, "");
  // A root $id that differs from the retrieval URI: both names reach the same resource (and its anchors).
  const auto location = program.locations.find(&document);
  if (location != program.locations.end() && location->second.resource != resource) {
    program.resources[uri] = location->second.resource;
  }
}

Resource* find_resource(Program& program, const std::string& uri) {
  if (const auto it = program.resources.find(uri); it != program.resources.end()) return it->second;
  const auto& documents = program.registry.documents();
  if (const auto doc = documents.find(uri); doc != documents.end()) {
    index_document(program, uri, *doc->second);
    if (const auto it = program.resources.find(uri); it != program.resources.end()) return it->second;
  }
  // The URI may be an $id declared inside a document nobody has referenced yet: index them all, then look
  // again.
  for (const auto& [doc_uri, doc] : documents)
    index_document(program, doc_uri, *doc);
  const auto it = program.resources.find(uri);
  return it == program.resources.end() ? nullptr : it->second;
}

std::string unescape_pointer_token(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

const json* walk_pointer(const json& root, std::string_view pointer) {
  const json* node = &root;
  std::size_t at = 0;
  while (at < pointer.size()) {
    if (pointer[at] != '/') return nullptr;
    const std::size_t end = std::min(pointer.find('/', at + 1), pointer.size());
    const std::string token = unescape_pointer_token(pointer.substr(at + 1, end - at - 1));
    if (node->is_object()) {
      const auto it = node->find(token);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos) return nullptr;
      const std::size_t index = std::stoull(token);
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
    at = end;
  }
  return node;
}

struct Resolved {
  const json* schema;
  Resource* resource;
  std::string fragment;
};

Resolved resolve(Program& program, const std::string& base_uri, std::string_view ref,
                 const std::string& where) {
  const std::string full = core::resolve_uri(base_uri, ref);
  const auto [absolute, raw_fragment] = core::split_fragment(full);
  Resource* resource = find_resource(program, absolute);
  if (resource == nullptr) {
    throw SchemaError(where, "cannot resolve '" + std::string(ref) + "': no schema is known as " + absolute +
                                 " (gatecheck never fetches schemas; add it with --remote BASE_URL=DIR)");
  }
  const std::string fragment = core::percent_decode(raw_fragment);
  if (fragment.empty()) return {resource->root, resource, fragment};
  if (fragment.front() == '/') {
    const json* target = walk_pointer(*resource->root, fragment);
    if (target == nullptr) {
      throw SchemaError(
          where, "cannot resolve '" + std::string(ref) + "': " + absolute + " has nothing at " + fragment);
    }
    // A pointer may land outside indexed keywords; index what it points at on first use.
    if (program.locations.count(target) == 0) {
      const auto root_location = program.locations.find(resource->root);
      const std::string base =
          root_location != program.locations.end() ? root_location->second.base_uri : absolute;
      index_schema(program, *target, base, resource, fragment);
    }
    return {target, resource, fragment};
  }
  const auto anchor = resource->anchors.find(fragment);
  if (anchor == resource->anchors.end()) {
    throw SchemaError(where, "cannot resolve '" + std::string(ref) + "': " + absolute + " has no anchor '" +
                                 fragment + "'");
  }
  return {anchor->second, resource, fragment};
}

const Node* compile_schema(Program& program, const json& schema);

void compile_dynamic_anchors(Program& program, Resource& resource) {
  if (resource.dynamic_anchors_compiled) return;
  resource.dynamic_anchors_compiled = true;
  for (const auto& [name, schema] : resource.dynamic_anchors) {
    resource.dynamic_anchor_nodes[name] = compile_schema(program, *schema);
  }
}

const Node* compile_schema(Program& program, const json& schema) {
  if (const auto it = program.nodes.find(&schema); it != program.nodes.end()) return it->second;
  const auto location_it = program.locations.find(&schema);
  if (location_it == program.locations.end())
    throw SchemaError("", "internal: compiling an unindexed schema");
  const Location location = location_it->second;
  Node& node = program.arena.emplace_back();
  program.nodes.emplace(&schema, &node);
  node.source = &schema;
  node.resource = location.resource;
  node.absolute_location = location.resource->uri + "#" + core::percent_encode_fragment(location.pointer);
  if (schema.is_boolean()) {
    node.is_boolean = true;
    node.boolean_value = schema.get<bool>();
    return &node;
  }
  if (!schema.is_object()) {
    throw SchemaError(node.absolute_location,
                      "a schema must be an object or a boolean, found " + std::string(schema.type_name()));
  }
  compile_dynamic_anchors(program, *location.resource);
  Builder builder(program, schema, location, node);
  Keywords keywords;
  const bool ref_overrides = location.resource->draft == Draft::d7 || location.resource->draft == Draft::d6 ||
                             location.resource->draft == Draft::d4;
  add_core_keywords(builder, keywords);
  if (!(ref_overrides && schema.contains("$ref"))) {
    if (builder.has_vocabulary(kValidation)) add_validation_keywords(builder, keywords);
    if (builder.has_vocabulary(kApplicator)) add_applicator_keywords(builder, keywords);
    add_format_keyword(builder, keywords);
    if (builder.has_vocabulary(kUnevaluated)) add_unevaluated_keywords(builder, keywords);
  }
  std::stable_partition(keywords.begin(), keywords.end(), [](const auto& k) { return !k->runs_last(); });
  node.has_unevaluated =
      std::any_of(keywords.begin(), keywords.end(), [](const auto& k) { return k->runs_last(); });
  node.keywords = std::move(keywords);
  return &node;
}

}  // namespace

std::string Builder::absolute(std::string_view keyword, std::string_view more) const {
  std::string out = node_.absolute_location;
  out += '/';
  out += core::percent_encode_fragment(core::json_pointer_escape(keyword));
  if (!more.empty()) out += core::percent_encode_fragment(more);
  return out;
}

const Node* Builder::child(const json& subschema) {
  if (program_.locations.count(&subschema) == 0) {
    index_schema(program_, subschema, location_.base_uri, location_.resource, location_.pointer + "/?");
  }
  return compile_schema(program_, subschema);
}

const Node* Builder::reference(std::string_view ref, std::string_view keyword) {
  const auto resolved = resolve(program_, location_.base_uri, ref, absolute(keyword));
  return compile_schema(program_, *resolved.schema);
}

DynamicTarget Builder::dynamic_reference(std::string_view ref, std::string_view keyword) {
  const auto resolved = resolve(program_, location_.base_uri, ref, absolute(keyword));
  DynamicTarget target;
  target.node = compile_schema(program_, *resolved.schema);
  const bool plain_name = !resolved.fragment.empty() && resolved.fragment.front() != '/';
  if (plain_name && resolved.schema->is_object()) {
    const auto anchor = resolved.schema->find("$dynamicAnchor");
    if (anchor != resolved.schema->end() && anchor->is_string() &&
        anchor->get<std::string>() == resolved.fragment) {
      target.dynamic = true;
      target.anchor = resolved.fragment;
    }
  }
  return target;
}

void Builder::fail(std::string_view keyword, const std::string& message) const {
  throw SchemaError(absolute(keyword), std::string(keyword) + ": " + message);
}

std::size_t read_count(const Builder& builder, std::string_view keyword) {
  const json& value = builder.schema()[std::string(keyword)];
  if (value.is_number_unsigned()) return value.get<std::size_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0)
    return static_cast<std::size_t>(value.get<std::int64_t>());
  if (value.is_number_float()) {
    const double d = value.get<double>();
    // 1e30 is a whole number too; beyond what a count can hold it saturates (converting it would be UB).
    constexpr double kBeyond = 18446744073709551616.0;  // 2^64
    if (d >= kBeyond) return std::numeric_limits<std::size_t>::max();
    if (d >= 0 && d == std::floor(d)) return static_cast<std::size_t>(d);
  }
  builder.fail(keyword, "expected a non-negative integer, found " + value.dump());
}

const Node* compile_uri(Program& program, const std::string& uri) {
  const auto [absolute, fragment] = core::split_fragment(uri);
  const std::string where = uri;
  const auto resolved = resolve(program, absolute, fragment.empty() ? std::string() : "#" + fragment, where);
  return compile_schema(program, *resolved.schema);
}

}  // namespace gatecheck::schema::detail
