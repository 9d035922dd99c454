// The x-gatecheck-* control headers of a request, read once at the start of the pipeline: a malformed one is
// a 400 naming it before any other work, and no later stage reads a control header again.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include <gatecheck/mock/server.hpp>

#include "exchange.hpp"
#include "fault_set.hpp"

namespace gatecheck::mock {

// How a stream is paced: before the first token, and between tokens.
struct StreamTiming {
  std::chrono::microseconds first_token{0};
  std::chrono::microseconds between_tokens{0};
};

struct Controls {
  FaultSet faults;                      // --fault plus x-gatecheck-fault
  StreamTiming timing;                  // x-gatecheck-ttft-ms / -itl-ms, else options, else profile
  std::optional<std::uint64_t> length;  // x-gatecheck-length: tokens of text, exactly
  std::optional<std::uint64_t> stream_error_after;  // x-gatecheck-stream-error-after: pieces before the error
};

// Throws Rejected (400, code invalid_header) naming the header.
Controls read_controls(const Request& request, const ServerOptions& options);

}  // namespace gatecheck::mock
