// `gatecheck schema lint`: what would stop an OpenAPI document from being used to validate traffic.
#include <set>

#include <gatecheck/core/uri.hpp>
#include <gatecheck/schema/openapi.hpp>

#include "schema_roots.hpp"

namespace gatecheck::schema::openapi {
namespace {

using nlohmann::json;

void collect_refs(const json& node, const std::string& pointer,
                  std::vector<std::pair<std::string, std::string>>& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) {
        out.emplace_back(pointer, value.get<std::string>());
      } else {
        collect_refs(value, core::json_pointer_append(pointer, key), out);
      }
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      collect_refs(node[i], core::json_pointer_append(pointer, i), out);
  }
}

void duplicate_required(const json& node, const std::string& pointer, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      const std::string child = core::json_pointer_append(pointer, key);
      if (key == "required" && value.is_array()) {
        std::set<std::string> seen;
        for (const auto& name : value) {
          if (name.is_string() && !seen.insert(name.get<std::string>()).second) out.push_back(child);
        }
      }
      duplicate_required(value, child, out);
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      duplicate_required(node[i], core::json_pointer_append(pointer, i), out);
  }
}

}  // namespace

std::vector<LintFinding> lint(Document& document) {
  std::vector<LintFinding> findings;
  const auto at = [&](const std::string& uri, const std::string& pointer) {
    return document.describe_uri(uri + "#" + pointer);
  };

  for (const auto& change : document.normalisations()) {
    findings.push_back({"warning", document.describe_uri(change.file + "#" + change.pointer),
                        change.kind + ": " + change.detail});
  }

  const auto& loaded = document.loaded_documents();
  const std::set<std::string> known(loaded.begin(), loaded.end());
  for (const auto& uri : loaded) {
    const json* root = document.loaded_document(uri);
    if (root == nullptr) continue;
    std::vector<std::pair<std::string, std::string>> refs;
    collect_refs(*root, "", refs);
    for (const auto& [pointer, ref] : refs) {
      const auto [target, fragment] = core::split_fragment(core::resolve_uri(uri, ref));
      const json* target_doc = document.loaded_document(target);
      if (target_doc == nullptr) {
        findings.push_back({"error", at(uri, pointer),
                            "unresolvable $ref '" + ref + "': no document " + target +
                                " (remote documents are never fetched)"});
        continue;
      }
      const std::string decoded = core::percent_decode(fragment);
      if (decoded.empty() || decoded.front() != '/') continue;  // anchors are checked when schemas compile
      try {
        if (!target_doc->contains(json::json_pointer(decoded))) {
          findings.push_back(
              {"error", at(uri, pointer), "unresolvable $ref '" + ref + "': nothing at " + decoded});
        }
      } catch (const json::exception&) {
        findings.push_back({"error", at(uri, pointer), "malformed JSON Pointer in $ref '" + ref + "'"});
      }
    }
    std::vector<std::string> duplicates;
    duplicate_required(*root, "", duplicates);
    for (const auto& pointer : duplicates) {
      findings.push_back({"warning", at(uri, pointer), "a property is listed twice in `required`"});
    }
  }

  std::map<std::string, std::string> operation_ids;
  for (const auto& op : document.operations()) {
    if (op.operation_id.empty()) continue;
    const auto [it, inserted] = operation_ids.emplace(op.operation_id, op.pointer);
    if (!inserted) {
      findings.push_back({"error", document.describe(op.pointer),
                          "duplicate operationId '" + op.operation_id + "' (also at " +
                              document.describe(it->second) + ")"});
    }
  }

  schema::Compiler meta_compiler{schema::Registry()};
  const auto meta = meta_compiler.compile("https://json-schema.org/draft/2020-12/schema");
  detail::for_each_schema_root(document.root(), "", [&](const json& schema_json, const std::string& pointer) {
    const std::string uri = document.uri() + "#" + pointer;
    try {
      document.compile(uri);
    } catch (const schema::SchemaError& e) {
      findings.push_back({"error", document.describe(pointer), e.what()});
      return;
    }
    for (const auto& error : meta.validate(schema_json).errors) {
      findings.push_back({"error", document.describe(pointer + error.instance_location),
                          "not a valid JSON Schema 2020-12 schema: " + error.message});
    }
  });
  return findings;
}

}  // namespace gatecheck::schema::openapi
