// Reading a request's JSON the way the API reference describes, refusing with its error codes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api_errors.hpp"

namespace gatecheck::testing::reference {

// The body as a JSON object; 411 without a Content-Length, 415 for another media type, 400 otherwise.
json parse_body(const Request& req);

const json* member(const json& object, const char* key);     // null when absent or not an object
std::string string_at(const json& object, const char* key);  // "" unless a string
long long int_at(const json& object, const char* key, long long fallback);
bool bool_at(const json& object, const char* name);  // absent or null: false; not a boolean: 400
// Absent or null: null; a string: it; else invalid_type naming `where`.
json nullable_string(const json& object, const char* key, const std::string& where);
// As nullable_string, and a string must be one of `supported` (comma-separated), else invalid_value.
json enum_at(const json& object, const char* key, const std::string& where, const char* supported);

// `stop`: absent or null, a string, or up to 4 strings; empty strings are dropped.
std::vector<std::string> stop_sequences(const json& body);
// stream_options.include_usage; stream_options is refused unless `stream` is true.
bool include_usage(const json& body, bool stream);

[[noreturn]] void invalid_type(const std::string& name, const std::string& expected, const json& got);
[[noreturn]] void invalid_value(const std::string& name, const std::string& value, const char* supported);
[[noreturn]] void missing(const std::string& name);
void reject_unknown(const json& body, std::string_view known);  // `known` is a space-separated list
// Absent, null, or a number of the kind within [low, high]; else invalid_type or e.g.
// decimal_above_max_value.
void check_number(const json& body, const char* name, double low, double high, bool integer);

}  // namespace gatecheck::testing::reference
