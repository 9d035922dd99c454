// The core vocabulary's references. $ref is static; $dynamicRef (and 2019-09's $recursiveRef) first resolves
// statically and, when that target is a matching $dynamicAnchor (the "bookend"), takes the outermost resource
// in the dynamic scope that declares the same anchor.
#include "builder.hpp"

namespace gatecheck::schema::detail {
namespace {

// Runs a subschema in place; its annotations count only if it passed.
bool evaluate_in_place(const Node& target, const json& instance, Context& ctx, Evaluated* evaluated) {
  if (evaluated == nullptr) return evaluate_node(target, instance, ctx, nullptr);
  Evaluated child;
  const bool valid = evaluate_node(target, instance, ctx, &child);
  if (valid) evaluated->merge(child);
  return valid;
}

class RefKeyword final : public Keyword {
 public:
  RefKeyword(std::string location, const Node* target)
      : Keyword("$ref", std::move(location)), target_(target) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    const LocationPush push(ctx, ctx.keyword_location, name());
    return evaluate_in_place(*target_, instance, ctx, evaluated);
  }

 private:
  const Node* target_;
};

class DynamicRefKeyword final : public Keyword {
 public:
  DynamicRefKeyword(std::string name, std::string location, DynamicTarget target)
      : Keyword(std::move(name), std::move(location)), target_(std::move(target)) {}
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    const Node* target = target_.node;
    if (target_.dynamic) {
      // Innermost to outermost; the last (outermost) declaration wins.
      for (const Scope* scope = ctx.scope; scope != nullptr; scope = scope->parent) {
        const auto it = scope->resource->dynamic_anchor_nodes.find(target_.anchor);
        if (it != scope->resource->dynamic_anchor_nodes.end()) target = it->second;
      }
    }
    const LocationPush push(ctx, ctx.keyword_location, name());
    return evaluate_in_place(*target, instance, ctx, evaluated);
  }

 private:
  DynamicTarget target_;
};

}  // namespace

void add_core_keywords(Builder& builder, Keywords& out) {
  const json& schema = builder.schema();
  if (const auto ref = schema.find("$ref"); ref != schema.end()) {
    if (!ref->is_string()) builder.fail("$ref", "expected a URI reference string");
    out.push_back(std::make_unique<RefKeyword>(builder.absolute("$ref"),
                                               builder.reference(ref->get<std::string>(), "$ref")));
  }
  if (const auto ref = schema.find("$dynamicRef");
      ref != schema.end() && builder.draft() == Draft::d2020_12) {
    if (!ref->is_string()) builder.fail("$dynamicRef", "expected a URI reference string");
    out.push_back(std::make_unique<DynamicRefKeyword>(
        "$dynamicRef", builder.absolute("$dynamicRef"),
        builder.dynamic_reference(ref->get<std::string>(), "$dynamicRef")));
  }
  if (const auto ref = schema.find("$recursiveRef"); ref != schema.end()) {
    if (!ref->is_string()) builder.fail("$recursiveRef", "expected a URI reference string");
    DynamicTarget target;
    target.node = builder.reference(ref->get<std::string>(), "$recursiveRef");
    const json& resolved = *target.node->source;
    if (resolved.is_object()) {
      const auto anchor = resolved.find("$recursiveAnchor");
      target.dynamic = anchor != resolved.end() && anchor->is_boolean() && anchor->get<bool>();
    }
    out.push_back(std::make_unique<DynamicRefKeyword>("$recursiveRef", builder.absolute("$recursiveRef"),
                                                      std::move(target)));
  }
}

}  // namespace gatecheck::schema::detail
