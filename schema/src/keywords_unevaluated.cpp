// The unevaluated vocabulary (JSON Schema Core 2020-12, section 11). These keywords run after every other
// keyword of their schema object and see what the successful in-place subschemas evaluated at the same
// location.
#include "builder.hpp"

namespace gatecheck::schema::detail {
namespace {

class UnevaluatedPropertiesKeyword final : public Keyword {
 public:
  UnevaluatedPropertiesKeyword(std::string location, const Node* node)
      : Keyword("unevaluatedProperties", std::move(location)), node_(node) {}
  bool runs_last() const override { return true; }
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (!instance.is_object()) return true;
    bool valid = true;
    std::size_t index = 0;
    for (auto it = instance.begin(); it != instance.end(); ++it, ++index) {
      if (evaluated != nullptr && evaluated->property_evaluated(index)) continue;
      if (!hold_property(*node_, it.key(), *it, ctx,
                         "property '" + it.key() + "' is not allowed (unevaluatedProperties is false)")) {
        valid = false;
        if (!ctx.collecting()) return false;
      }
    }
    if (evaluated != nullptr) evaluated->all_properties = true;
    return valid;
  }

 private:
  const Node* node_;
};

class UnevaluatedItemsKeyword final : public Keyword {
 public:
  UnevaluatedItemsKeyword(std::string location, const Node* node)
      : Keyword("unevaluatedItems", std::move(location)), node_(node) {}
  bool runs_last() const override { return true; }
  bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const override {
    if (!instance.is_array()) return true;
    bool valid = true;
    for (std::size_t i = 0; i < instance.size(); ++i) {
      if (evaluated != nullptr && evaluated->item_evaluated(i)) continue;
      if (!hold_item(*node_, i, instance[i], ctx,
                     "item " + std::to_string(i) + " is not allowed (unevaluatedItems is false)")) {
        valid = false;
        if (!ctx.collecting()) return false;
      }
    }
    if (evaluated != nullptr) evaluated->all_items = true;
    return valid;
  }

 private:
  const Node* node_;
};

}  // namespace

void add_unevaluated_keywords(Builder& builder, Keywords& out) {
  const json& schema = builder.schema();
  if (const auto it = schema.find("unevaluatedProperties"); it != schema.end()) {
    out.push_back(std::make_unique<UnevaluatedPropertiesKeyword>(builder.absolute("unevaluatedProperties"),
                                                                 builder.child(*it)));
  }
  if (const auto it = schema.find("unevaluatedItems"); it != schema.end()) {
    out.push_back(
        std::make_unique<UnevaluatedItemsKeyword>(builder.absolute("unevaluatedItems"), builder.child(*it)));
  }
}

}  // namespace gatecheck::schema::detail
