#include "recorder.hpp"

#include <ctime>
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
  recording_.request.url = std::string(request.target);
  for (const auto& [name, value] : request.headers)
    recording_.request.headers.add(std::string(name), std::string(value));
  recording_.request.body = std::string(request.body.substr(0, max_bytes));
}

double Tape::now_ms() const {
  return std::chrono::duration<double, std::milli>(Clock::now() - received_).count();
}

void Tape::head(const Reply& reply) {
  auto& response = recording_.response;
  response.status = reply.status;
  response.headers = {};
  for (const auto& [name, value] : reply.headers)
    response.headers.add(name, value);
  response.headers_ms = now_ms();
}

void Tape::piece(std::string_view bytes) {
  auto& response = recording_.response;
  if (response.body.size() + bytes.size() > max_bytes_) {
    bytes = bytes.substr(0, max_bytes_ - std::min(max_bytes_, response.body.size()));
    response.truncated = true;
  }
  response.body.append(bytes);
  response.arrivals.push_back({now_ms(), response.body.size()});
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
    : source_(options.proxy_url.empty() ? "gatecheck mock (profile " + options.profile.name + ")"
                                        : options.proxy_url),
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
  writer_->write(tape.take(stream));
}

}  // namespace gatecheck::mock
