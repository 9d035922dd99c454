#include "content_seed.hpp"

namespace gatecheck::mock::content_seed {

std::uint64_t of_value(const JsonValue& value, std::uint64_t seed) {
  using Kind = JsonValue::Kind;
  switch (value.kind()) {
    case Kind::object: {
      const auto members = value.sorted_members();
      for (const auto& [key, member_value] : members)
        seed = of_value(member_value, member(key, seed));
      return close(seed, members.size());
    }
    case Kind::array: {
      const auto items = value.items();
      for (const auto& each : items)
        seed = of_value(each, item(seed));
      return close(seed, items.size());
    }
    case Kind::string:
      return string(value.text(), seed);
    case Kind::integer:
      return integer(value.integer().value_or(static_cast<std::int64_t>(value.unsigned_value())), seed);
    case Kind::decimal:
      return decimal(value.number(), seed);
    case Kind::boolean:
      return boolean(value.flag(), seed);
    case Kind::null:
      return null(seed);
  }
  return seed;
}

std::uint64_t of_request(const JsonValue& root, std::uint64_t server_seed, bool (*skip)(std::string_view)) {
  std::uint64_t seed = start(server_seed);
  for (const auto& [key, value] : root.sorted_members()) {
    if (skip(key)) continue;
    seed = of_value(value, parameter(key, seed));
  }
  return seed;
}

}  // namespace gatecheck::mock::content_seed
