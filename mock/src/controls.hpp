// The x-gatecheck-* control headers of a request, read once at the start of the pipeline: a malformed one is
// a 400 naming it before any other work, and no later stage reads a control header again.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <gatecheck/mock/server.hpp>

#include "api_error.hpp"
#include "exchange.hpp"
#include "fault_set.hpp"
#include "scripted_answer.hpp"

namespace gatecheck::mock {

// How a stream is paced: before the first token, and between tokens.
struct StreamTiming {
  std::chrono::microseconds first_token{0};
  std::chrono::microseconds between_tokens{0};
};

// A control that only one endpoint reads, parsed with the rest: its value, or the 400 that endpoint answers
// when it reads it (so a malformed one matters only where it applies, after that endpoint's own checks).
class DeferredControl {
 public:
  DeferredControl() = default;
  DeferredControl(std::optional<std::uint64_t> value, std::optional<ApiError> problem)
      : value_(value), problem_(std::move(problem)) {}
  // Throws Rejected when the header was malformed.
  std::optional<std::uint64_t> get() const;

 private:
  std::optional<std::uint64_t> value_;
  std::optional<ApiError> problem_;
};

struct Controls {
  FaultSet faults;                     // --fault plus x-gatecheck-fault
  StreamTiming timing;                 // x-gatecheck-ttft-ms / -itl-ms, else options, else profile
  DeferredControl length;              // x-gatecheck-length: tokens of text, exactly (chat)
  DeferredControl stream_error_after;  // x-gatecheck-stream-error-after: pieces before the error (streams)
  // A stub's fixed answer (text or tool calls) for the generated answer: set by a matched stub, not a header.
  std::shared_ptr<const ScriptedAnswer> answer;
  // The control headers read and in force, as the x-gatecheck-honoured answer header lists them
  // ("itl-ms=3, stream-error-after=3"): a runner behind a gateway learns which of its controls arrived.
  std::string honoured;
};

// The server's own faults (--fault): in force even when a request's control headers are malformed.
FaultSet server_faults(const ServerOptions& options);
// Adds what the request's control headers say to `controls`, which starts from server_faults(): a malformed
// header throws Rejected (400, code invalid_header) naming it, and what was read before it stays in force.
void read_controls(const Request& request, const ServerOptions& options, Controls& controls);

}  // namespace gatecheck::mock
