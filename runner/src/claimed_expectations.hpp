// The bundled suites speak OpenAI; a vendor's profile says where its answers differ on purpose. This reads a
// step's expectations through the profile's claims, so a faithful vendor gets no false failure and a note
// says what was read differently:
//   errors.envelope simplio    error.code is the HTTP status (an integer); error.param is not carried
//   errors.envelope anthropic  error.code and error.param are not carried
//   streaming.always           a chat answer to a request that did not ask to stream is an event stream: the
//                              JSON content type becomes text/event-stream, a completion schema is held
//                              against each chunk, the stream is held to the sse.* rules, and $.usage is
//                              read only where a chunk carried it
#pragma once

#include <string>
#include <vector>

#include <gatecheck/vendor/profile.hpp>

#include "exchange.hpp"
#include "expectations.hpp"

namespace gatecheck::runner {

Expectations as_claimed(const Expectations& expect, const vendor::Profile& profile, const Exchange& exchange,
                        std::vector<std::string>& notes);

}  // namespace gatecheck::runner
