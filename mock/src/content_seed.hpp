// The content seed: a hash of every request parameter that shapes the answer, so the same request generates
// the same answer. The steps of the hash, named: the chat reader (chat_request.cpp) walks a request with
// them, and the fuzz target chat_request holds it to depending on content, not layout.
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "generator.hpp"
#include "request_json.hpp"

namespace gatecheck::mock::content_seed {

inline std::uint64_t start(std::uint64_t server_seed) {
  return mix64(server_seed ^ 0x5eed);
}
// A top-level parameter's name, before its value.
inline std::uint64_t parameter(std::string_view name, std::uint64_t seed) {
  return hash64(name, seed);
}
// A member's key inside an object value (members in key order), before its value.
inline std::uint64_t member(std::string_view key, std::uint64_t seed) {
  return hash64(key, seed ^ 0x0b);
}
// Before each item of an array.
inline std::uint64_t item(std::uint64_t seed) {
  return seed ^ 0xa7;
}
// After an object's members or an array's items.
inline std::uint64_t close(std::uint64_t seed, std::size_t size) {
  return mix64(seed ^ size);
}

inline std::uint64_t string(std::string_view text, std::uint64_t seed) {
  return hash64(text, seed ^ 0x57);
}
inline std::uint64_t integer(std::int64_t number, std::uint64_t seed) {
  return mix64(seed ^ static_cast<std::uint64_t>(number) ^ 0x1a);
}
// By its JSON text, so 1.0 and 1.00 (the same double) hash the same.
inline std::uint64_t decimal(double number, std::uint64_t seed) {
  return hash64(nlohmann::json(number).dump(), seed ^ 0xf1);
}
inline std::uint64_t boolean(bool flag, std::uint64_t seed) {
  return mix64(seed ^ (flag ? 0xb1 : 0xb0));
}
inline std::uint64_t null(std::uint64_t seed) {
  return mix64(seed ^ 0x4e);
}

// A JSON value by its content alone: objects in key order, a repeated key once.
std::uint64_t of_value(const JsonValue& value, std::uint64_t seed);
// A request body's top-level parameters, but those `skip` names (how the answer is delivered, not what it
// says): a streamed and a non-streamed request for the same thing get the same content.
std::uint64_t of_request(const JsonValue& root, std::uint64_t server_seed, bool (*skip)(std::string_view));

}  // namespace gatecheck::mock::content_seed
