// The compiled form of JSON Schema: a graph of Nodes (one per schema object) holding Keyword evaluators.
// References are pointers between Nodes, resolved at compile time, so validation never looks anything up by
// URI.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/schema/validator.hpp>

namespace gatecheck::schema::detail {

using json = nlohmann::json;

enum Vocabulary : unsigned {
  kCore = 1u << 0,
  kApplicator = 1u << 1,
  kUnevaluated = 1u << 2,
  kValidation = 1u << 3,
  kMetaData = 1u << 4,
  kFormatAnnotation = 1u << 5,
  kFormatAssertion = 1u << 6,
  kContent = 1u << 7,
};
inline constexpr unsigned kDefaultVocabularies =
    kCore | kApplicator | kUnevaluated | kValidation | kMetaData | kFormatAnnotation | kContent;

// Which specification a resource follows; earlier drafts change a few keyword meanings.
enum class Draft { d2020_12, d2019_09, d7, d6, d4 };

struct Node;

// A schema resource: a document root or a subschema with its own $id.
struct Resource {
  std::string uri;  // absolute, without fragment
  const json* root = nullptr;
  Draft draft = Draft::d2020_12;
  unsigned vocabularies = kDefaultVocabularies;
  std::map<std::string, const json*, std::less<>> anchors;  // $anchor and $dynamicAnchor names
  std::map<std::string, const json*, std::less<>>
      dynamic_anchors;  // $dynamicAnchor names ("" for $recursiveAnchor)
  std::map<std::string, const Node*, std::less<>> dynamic_anchor_nodes;  // compiled with the resource
  bool dynamic_anchors_compiled = false;
};

// Where an indexed schema object sits.
struct Location {
  Resource* resource = nullptr;
  std::string base_uri;  // for resolving references inside it
  std::string pointer;   // JSON Pointer from the resource root
};

// What a schema evaluated at one instance location, for unevaluatedProperties/Items. Indexes are positions of
// members in the instance object (nlohmann objects iterate in key order) or array.
struct Evaluated {
  bool all_properties = false;
  std::vector<bool> properties;
  bool all_items = false;
  std::vector<bool> items;

  void mark_property(std::size_t index, std::size_t count) {
    if (properties.size() != count) properties.resize(count, false);
    properties[index] = true;
  }
  void mark_item(std::size_t index, std::size_t count) {
    if (items.size() != count) items.resize(count, false);
    items[index] = true;
  }
  bool property_evaluated(std::size_t index) const {
    return all_properties || (index < properties.size() && properties[index]);
  }
  bool item_evaluated(std::size_t index) const { return all_items || (index < items.size() && items[index]); }
  void merge(const Evaluated& other);
};

// The dynamic scope: resources entered on the way to the current schema, innermost first.
struct Scope {
  const Resource* resource;
  const Scope* parent;
};

struct Context {
  explicit Context(const Options& opts) : options(opts) {}

  const Options& options;
  std::vector<Error>* errors = nullptr;  // null: stop at the first failure and report nothing
  bool truncated = false;
  std::string instance_location;
  std::string keyword_location;
  const Scope* scope = nullptr;
  std::size_t depth = 0;

  bool collecting() const { return errors != nullptr; }
};

class Keyword {
 public:
  Keyword(std::string name, std::string absolute_location)
      : name_(std::move(name)), absolute_location_(std::move(absolute_location)) {}
  virtual ~Keyword() = default;
  Keyword(const Keyword&) = delete;
  Keyword& operator=(const Keyword&) = delete;

  // `evaluated` is non-null when a caller needs to know what this keyword evaluated (unevaluated*).
  virtual bool evaluate(const json& instance, Context& ctx, Evaluated* evaluated) const = 0;
  // Whether unevaluated* must run after this keyword (they consume everyone else's annotations).
  virtual bool runs_last() const { return false; }

  const std::string& name() const { return name_; }
  const std::string& absolute_location() const { return absolute_location_; }

  // Records an error for this keyword at the current locations (suffix extends both, e.g. "/foo").
  void report(Context& ctx, std::string message, std::string_view keyword_suffix = {},
              std::string_view instance_suffix = {}) const;

 protected:
  // Holds one member of an object to `node` (additionalProperties, unevaluatedProperties): a false schema
  // refuses it with `refusal`, any other is evaluated at the member. False when the member fails.
  bool hold_property(const struct Node& node, const std::string& key, const json& value, Context& ctx,
                     const std::string& refusal) const;
  // The same for one item of an array (items, additionalItems, unevaluatedItems).
  bool hold_item(const struct Node& node, std::size_t index, const json& value, Context& ctx,
                 const std::string& refusal) const;

 private:
  std::string name_;
  std::string absolute_location_;
};

struct Node {
  const json* source = nullptr;
  const Resource* resource = nullptr;
  std::string absolute_location;
  bool is_boolean = false;
  bool boolean_value = true;
  bool has_unevaluated = false;
  std::vector<std::unique_ptr<Keyword>> keywords;  // unevaluated* last
};

// Evaluates a compiled schema at the current instance location.
bool evaluate_node(const Node& node, const json& instance, Context& ctx, Evaluated* evaluated);

// Appends to a location string for the lifetime of the object, only while errors are being collected.
class LocationPush {
 public:
  LocationPush(Context& ctx, std::string& location, std::string_view a, std::string_view b = {});
  LocationPush(Context& ctx, std::string& location, std::string_view a, std::size_t index);
  ~LocationPush();
  LocationPush(const LocationPush&) = delete;
  LocationPush& operator=(const LocationPush&) = delete;

 private:
  std::string* location_ = nullptr;
  std::size_t mark_ = 0;
};

// Short, readable rendering of an instance value for messages: 'text' for strings, compact JSON otherwise.
std::string excerpt(const json& value);
std::string type_name(const json& value);  // JSON Schema type names: integer for integral numbers

struct Program {
  Program(Registry reg, Options opts) : registry(std::move(reg)), options(opts) {}

  Registry registry;
  Options options;
  std::mutex mutex;  // compile() is serialised; validation only reads
  std::deque<Resource> resource_store;
  std::map<std::string, Resource*, std::less<>>
      resources;  // by URI; a document may have two (retrieval, $id)
  std::unordered_map<const json*, Location> locations;
  std::unordered_map<const json*, Node*> nodes;
  std::deque<Node> arena;
  std::map<std::string, const json*> documents_indexed;  // retrieval URI -> root
  std::vector<std::shared_ptr<const json>> owned;        // documents added after construction
  std::size_t anonymous = 0;
};

// Compiles the schema at `uri` (with optional fragment) into the program. Caller holds program.mutex.
const Node* compile_uri(Program& program, const std::string& uri);

// Format checks; `known` tells whether the format name is one gatecheck knows.
bool check_format(std::string_view format, const std::string& value, bool& known);

}  // namespace gatecheck::schema::detail
