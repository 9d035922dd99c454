// HMAC-SHA256 and the encodings webhook signature schemes use, over OpenSSL.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gatecheck::core {

std::string sha256(std::string_view data);                                // 32 raw bytes
std::string hmac_sha256(std::string_view key, std::string_view message);  // 32 raw bytes
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
std::string hmac_sha256_base64(std::string_view key, std::string_view message);

// Compares in time that depends only on the lengths, never on where the first difference is.
bool constant_time_equals(std::string_view a, std::string_view b);

std::string to_hex(std::string_view bytes);  // lower case
std::optional<std::string> from_hex(std::string_view hex);
std::string base64_encode(std::string_view bytes);
// Standard alphabet with padding; also accepts unpadded input. Returns nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);

// Cryptographically random bytes (OpenSSL RAND_bytes), for secrets and keys the mock generates.
std::string random_bytes(std::size_t count);

}  // namespace gatecheck::core
