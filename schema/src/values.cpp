#include "values.hpp"

#include <cmath>
#include <functional>

#include <gatecheck/schema/validator.hpp>

namespace gatecheck::schema {
namespace detail {
namespace {

using json = nlohmann::json;

// long double (x87 extended on x86-64) holds every int64 and uint64 exactly.
long double as_long_double(const json& v) {
  if (v.is_number_unsigned()) return static_cast<long double>(v.get<std::uint64_t>());
  if (v.is_number_integer()) return static_cast<long double>(v.get<std::int64_t>());
  return static_cast<long double>(v.get<double>());
}

template <class T>
int three_way(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

int compare_numbers(const json& a, const json& b) {
  const bool a_int = a.is_number_integer();  // true for unsigned too
  const bool b_int = b.is_number_integer();
  if (a_int && b_int) {
    const bool a_unsigned = a.is_number_unsigned();
    const bool b_unsigned = b.is_number_unsigned();
    if (a_unsigned && b_unsigned) return three_way(a.get<std::uint64_t>(), b.get<std::uint64_t>());
    if (!a_unsigned && !b_unsigned) return three_way(a.get<std::int64_t>(), b.get<std::int64_t>());
    if (a_unsigned) {
      const auto bv = b.get<std::int64_t>();
      return bv < 0 ? 1 : three_way(a.get<std::uint64_t>(), static_cast<std::uint64_t>(bv));
    }
    const auto av = a.get<std::int64_t>();
    return av < 0 ? -1 : three_way(static_cast<std::uint64_t>(av), b.get<std::uint64_t>());
  }
  return three_way(as_long_double(a), as_long_double(b));
}

bool is_integral(const json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  const double d = value.get<double>();
  return std::isfinite(d) && d == std::floor(d);
}

bool is_multiple_of(const json& value, const json& divisor) {
  if (value.is_number_integer() && divisor.is_number_integer()) {
    // Divisibility depends only on magnitudes, which fit in uint64 (even for INT64_MIN).
    const auto magnitude = [](const json& n) -> std::uint64_t {
      if (n.is_number_unsigned()) return n.get<std::uint64_t>();
      const std::int64_t i = n.get<std::int64_t>();
      return i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
    };
    const std::uint64_t d = magnitude(divisor);
    return d != 0 && magnitude(value) % d == 0;
  }
  // In double, as JSON numbers are doubles: 0.0075 / 0.0001 is exactly 75 there, not in long double.
  const double v = value.get<double>();
  const double d = divisor.get<double>();
  if (d == 0) return false;
  const double quotient = v / d;
  if (std::isfinite(quotient)) return quotient == std::floor(quotient);
  // The quotient overflowed: an integral value is still a multiple of a divisor whose inverse is an integer.
  const double inverse = 1.0 / d;
  return is_integral(value) && inverse == std::floor(inverse);
}

std::size_t json_hash(const json& value) {
  switch (value.type()) {
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return std::hash<long double>{}(as_long_double(value)) ^ 0x9e3779b97f4a7c15ULL;
    case json::value_t::string:
      return std::hash<std::string>{}(value.get_ref<const std::string&>());
    case json::value_t::boolean:
      return value.get<bool>() ? 0x51ed2701 : 0x51ed2702;
    case json::value_t::null:
      return 0x6c62272e;
    case json::value_t::array: {
      std::size_t h = 0xcbf29ce4;
      for (const auto& item : value)
        h = h * 1099511628211ULL ^ json_hash(item);
      return h;
    }
    case json::value_t::object: {
      std::size_t h = 0x84222325;  // members iterate in key order, so the hash ignores the source order
      for (const auto& [key, item] : value.items()) {
        h = h * 1099511628211ULL ^ std::hash<std::string>{}(key);
        h = h * 1099511628211ULL ^ json_hash(item);
      }
      return h;
    }
    default:
      return 0;
  }
}

}  // namespace detail

bool json_equal(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) return detail::compare_numbers(a, b) == 0;
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case nlohmann::json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!json_equal(a[i], b[i])) return false;
      }
      return true;
    }
    case nlohmann::json::value_t::object: {
      if (a.size() != b.size()) return false;
      for (const auto& [key, value] : a.items()) {
        const auto it = b.find(key);
        if (it == b.end() || !json_equal(value, *it)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

}  // namespace gatecheck::schema
