#include "exchange.hpp"

#include <algorithm>

#include <gatecheck/core/headers.hpp>

#include "call_context.hpp"
#include "text.hpp"

namespace gatecheck::mock {

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (core::iequals(key, name)) return value;
  }
  return std::nullopt;
}

bool is_framing_header(std::string_view name) {
  for (const char* framing : {"content-length", "transfer-encoding", "connection", "keep-alive", "te",
                              "trailer", "upgrade", "proxy-connection"})
    if (core::iequals(name, framing)) return true;
  return false;
}

bool Reply::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return core::iequals(header.first, name); });
}

void Reply::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (core::iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

namespace {

class TimedPieces final : public EventSource {
 public:
  explicit TimedPieces(std::vector<TimedPiece> pieces) : pieces_(std::move(pieces)) {}
  bool next(std::string& out, std::chrono::microseconds& delay) override {
    if (next_ == pieces_.size()) return false;
    out += pieces_[next_].bytes;
    delay = hurried_ ? std::chrono::microseconds(0) : pieces_[next_].delay;
    ++next_;
    return true;
  }
  void hurry() override { hurried_ = true; }

 private:
  std::vector<TimedPiece> pieces_;
  std::size_t next_ = 0;
  bool hurried_ = false;
};

}  // namespace

std::string pacing_announcement(std::int64_t first_token_ms, std::int64_t between_tokens_ms) {
  return "ttft-ms=" + std::to_string(first_token_ms) + ", itl-ms=" + std::to_string(between_tokens_ms);
}

std::unique_ptr<EventSource> timed_pieces(std::vector<TimedPiece> pieces) {
  return std::make_unique<TimedPieces>(std::move(pieces));
}

Reply json_reply(int status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  reply.headers.emplace_back("Content-Type", "application/json");
  return reply;
}

Reply event_stream_reply(std::unique_ptr<EventSource> stream, const FaultSet& faults) {
  Reply reply;
  reply.stream = std::move(stream);
  reply.headers.emplace_back("Content-Type", faults.has(Fault::sse_content_type)
                                                 ? "application/json"
                                                 : "text/event-stream; charset=utf-8");
  reply.headers.emplace_back("Cache-Control", "no-cache");
  return reply;
}

ApiError model_not_found(const vendor::Profile& profile, const std::string& model_id) {
  std::string message = profile.unknown_model_message.empty()
                            ? "The model `" + model_id + "` does not exist or you do not have access to it."
                            : replace_all(profile.unknown_model_message, "{model}", model_id);
  return ApiError{404, std::move(message), {}, profile.unknown_model_param, profile.unknown_model_code, {}};
}

const vendor::ModelClaim& require_model(const vendor::Profile& profile, const std::string& model_id,
                                        std::string_view kind, std::string not_this_kind) {
  const vendor::ModelClaim* model = profile.find_model(model_id);
  if (model == nullptr) throw Rejected{model_not_found(profile, model_id)};
  if (model->kind != kind) throw Rejected{ApiError::invalid(std::move(not_this_kind), "model", nullptr)};
  return *model;
}

}  // namespace gatecheck::mock
