// The mock's behaviour, independent of sockets: Request in, Reply out. A request flows one way through named
// stages (App::handle runs them, in this order):
//   controls (controls.hpp: x-gatecheck-* read once)
//   -> front door (CORS preflight, /health, /admin, the body-size 413, stubs, recordings, discovery
//      documents): a stub answers here (scripted, proxied) or hands the endpoint a fixed answer, faults and
//      pacing; a recording (--replay) answers as recorded
//   -> route (routes.hpp: one table) -> access (access.hpp: key, buckets, 401/429) -> endpoint
//   -> compose (x-request-id, rate-limit and profile headers, CORS, transport faults) -> journal and log.
// Mutable state has one owner (state.hpp); endpoints see only their CallContext.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include <gatecheck/core/redact.hpp>
#include <gatecheck/mock/server.hpp>
#include <gatecheck/schema/validator.hpp>

#include "access.hpp"
#include "call_context.hpp"
#include "journal.hpp"
#include "state.hpp"

namespace gatecheck::mock {

class App {
 public:
  explicit App(const ServerOptions& options);

  Reply handle(const Request& request);
  // The server reports how the answer went out, for its journal entry (Reply::journal_seq).
  void delivered(std::uint64_t journal_seq, const Delivery& delivery);
  RequestLog& log() { return log_; }
  // What is masked wherever the mock shows or keeps what arrived: the journal, recordings.
  const core::Redactor& redactor() const { return redactor_; }
  std::size_t recordings() const { return state_.replay.size(); }  // --replay: how many were loaded

 private:
  std::optional<Reply> front_door(CallContext& context);
  std::optional<Reply> play_stub(CallContext& context);
  std::optional<Reply> play_recording(CallContext& context);
  Reply serve(CallContext& context, std::optional<Admission>& admission);
  // A fresh Idempotency-Key, now in flight, or nullopt; a known one makes this call its first answer again,
  // or throws the mismatch error (or 409 while the first is still being answered).
  std::optional<IdempotencyStore::Scope> idempotency(CallContext& context, const Admission& admission);
  Reply error_reply(const CallContext& context, const ApiError& error) const;
  void compose(const CallContext& context, Reply& reply, const Admission* admission) const;
  void record(const CallContext& context, Reply& reply, Clock::time_point started);
  void count_usage(const CallContext& context, const std::string& key);
  std::int64_t now_seconds() const;

  const ServerOptions& options_;
  schema::CompiledSchema stub_format_;  // schemas/stub.schema.json, for stubs added at run time
  core::Redactor redactor_;             // the keys and the admin token, masked in what the journal serves
  State state_;
  std::shared_ptr<const CompiledStub> proxy_;  // --proxy, or null
  RequestLog log_;
  std::atomic<std::uint64_t> counter_{0};
  std::uint64_t instance_;       // distinguishes request ids across runs
  std::string exposed_headers_;  // Access-Control-Expose-Headers: the profile's own header names
  std::string api_prefix_;       // the base path and "/": what lies under the API
};

}  // namespace gatecheck::mock
