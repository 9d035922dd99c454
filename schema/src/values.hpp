// Comparing JSON values the way JSON Schema does: numbers by mathematical value whatever their representation
// (1 == 1.0, 2^64-1 as uint64 > 1e19 as double), booleans never equal to numbers, object key order
// irrelevant.
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

namespace gatecheck::schema::detail {

// Both arguments must be numbers. Returns <0, 0 or >0.
int compare_numbers(const nlohmann::json& a, const nlohmann::json& b);
bool is_multiple_of(const nlohmann::json& value, const nlohmann::json& divisor);
// Equal values hash equally (used to find duplicates in uniqueItems without comparing every pair).
std::size_t json_hash(const nlohmann::json& value);
bool is_integral(const nlohmann::json& value);

}  // namespace gatecheck::schema::detail
