#include "recorder.hpp"

#include <ctime>
#include <iostream>
#include <unistd.h>

#include <gatecheck/core/duration.hpp>

#include "admin_api.hpp"

namespace gatecheck::mock {
namespace {

std::string session_file_name() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return "mock-" + std::string(stamp) + "-" + std::to_string(::getpid()) + ".jsonl";
}

}  // namespace

Tape::Tape(const Request& request, std::string source, std::string profile, std::size_t max_bytes)
    : received_(Clock::now()), max_bytes_(max_bytes) {
  recording_.recorded_at = core::rfc3339_now();
  recording_.source = std::move(source);
  recording_.profile = std::move(profile);
  recording_.recorder = std::string("gatecheck mock ") + GATECHECK_VERSION;
  recording_.request.method = std::string(request.method);
  // The server made an absolute-form target its path; "*" (OPTIONS *) is kept as "/*".
  recording_.request.url = (request.target.starts_with('/') ? "" : "/") + std::string(request.target);
  for (const auto& [name, value] : request.headers)
    recording_.request.headers.add(std::string(name), std::string(value));
  recording_.request.body = std::string(request.body.substr(0, max_bytes));
}

double Tape::now_ms() const {
  return std::chrono::duration<double, std::milli>(Clock::now() - received_).count();
}

void Tape::head(const Reply& reply) {
  if (head_taken_) return;
  head_taken_ = true;
  if (!reply.origin.empty()) recording_.source = reply.origin;
  auto& response = recording_.response;
  response.status = reply.status;
  response.headers = {};
  for (const auto& [name, value] : reply.headers)
    response.headers.add(name, value);
  response.headers_ms = now_ms();
}

void Tape::piece(std::string_view bytes) {
  auto& response = recording_.response;
  if (response.truncated) return;  // past the bound: nothing more is kept, not even its time
  if (response.body.size() + bytes.size() > max_bytes_) {
    bytes = bytes.substr(0, max_bytes_ - std::min(max_bytes_, response.body.size()));
    response.truncated = true;
  }
  response.body.append(bytes);
  response.arrivals.push_back({now_ms(), response.body.size()});
}

void Tape::reset_before_head() {
  auto& response = recording_.response;
  response.status = 0;
  response.reason.clear();
  response.headers = {};
  response.headers_ms.reset();
  response.body.clear();
  response.arrivals.clear();
  head_taken_ = true;
  broken("the connection was reset before a status line");
}

void Tape::broken(std::string message) {
  recording_.response.error_kind = "closed";
  recording_.response.error = std::move(message);
}

cassette::Recording Tape::take(bool stream) {
  auto& response = recording_.response;
  response.duration_ms = now_ms();
  if (!stream) response.arrivals.clear();  // a plain body's time is its head's
  return std::move(recording_);
}

Recorder::Recorder(const ServerOptions& options, const core::Redactor& redactor)
    : source_("gatecheck mock (profile " + options.profile.id + ")"),  // a proxied answer names its upstream
      profile_(options.profile.id),
      max_bytes_(options.record_body_bytes),
      writer_(
          std::make_unique<cassette::Writer>(std::filesystem::path(options.record_dir) / session_file_name(),
                                             cassette::RedactionPolicy{redactor, options.redact_fields})) {}

std::optional<Tape> Recorder::begin(const Request& request) const {
  if (is_admin_path(request.path)) return std::nullopt;
  return Tape(request, source_, profile_, max_bytes_);
}

void Recorder::finish(Tape&& tape, bool stream) {
  try {
    if (writer_->write(tape.take(stream))) return;
  } catch (const std::exception& e) {  // never the connection's coroutine
    if (!warned_.exchange(true)) std::cerr << "gatecheck mock: --record: " << e.what() << "\n";
    return;
  }
  if (!warned_.exchange(true))
    std::cerr << "gatecheck mock: --record: a recording was not written (" << writer_->last_error()
              << "); later ones that fail are not reported\n";
}

const std::string& Recorder::file() const {
  return writer_->file().native();
}

}  // namespace gatecheck::mock
