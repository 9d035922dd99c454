// Turns a rendered `request:` block into the HTTP request to send: URL under the profile's base path, the
// profile's auth scheme, the body in the form the step chose (json, raw body or multipart).
#pragma once

#include <nlohmann/json.hpp>

#include "exchange.hpp"
#include "scenario_executor.hpp"

namespace gatecheck::runner {

// The exchange with its request filled in (request_json set for JSON bodies). Throws std::invalid_argument
// for a request that cannot be built (a bad URL).
Exchange build_exchange(const nlohmann::json& request, const RunEnvironment& env);

// The key in the profile's first auth scheme (Authorization: Bearer, or its own header); nothing without a
// key or a scheme.
void add_credentials(core::Headers& headers, const vendor::Profile& profile, const std::string& key);

// Every credential the run was given, registered for masking: the keys and tokens, every --header value (the
// user put it on the command line) except plainly harmless ones, the profile's credential headers, and a
// password in the target URL.
core::Redactor run_redactor(const RunOptions& options, const vendor::Profile& profile);

// "POST http://.../v1/chat/completions\nheader: value\n\n{...}" with secrets masked, cut at `limit` bytes.
std::string request_excerpt(const Exchange& exchange, const core::Redactor& redactor,
                            std::size_t limit = 2048);
std::string response_excerpt(const Exchange& exchange, const core::Redactor& redactor,
                             std::size_t limit = 2048);

}  // namespace gatecheck::runner
