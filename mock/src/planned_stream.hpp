// An SSE answer planned as a list of steps and rendered one at a time: the text streams hold their answer
// once and render each event when it is due (speech holds its audio, at most a minute). Timed steps (the
// tokens) wait the pace the request asked for. hurry() (the server is shutting down) stops waiting and, for a
// stream whose done events restate its deltas (the Responses API), sends everything; for the others it drops
// the timed steps left and keeps the closing ones, so a client still sees a whole stream. The pacing is
// stated here once.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "controls.hpp"
#include "exchange.hpp"

namespace gatecheck::mock {

// How the text streams report an error after their first token (x-gatecheck-stream-error-after): chat and
// completions as a structured event, and, under the stream-error-unstructured fault, all of them as bare
// text.
inline constexpr std::string_view kStreamErrorEvent =
    "data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry about "
    "that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
inline constexpr std::string_view kStreamErrorText =
    "Internal Server Error: the upstream provider failed\n\n";

// Step: any type with a `bool timed` member.
template <class Step>
class PlannedStream : public EventSource {
 public:
  bool next(std::string& out, std::chrono::microseconds& delay) final {
    if (position_ >= steps_.size()) return false;
    const Step step = steps_[position_++];
    delay = std::chrono::microseconds(0);
    if (!hurrying_ && step.timed) delay = sent_timed_++ == 0 ? timing_.first_token : timing_.between_tokens;
    render(step, out);
    return true;
  }

  void hurry() final {
    if (hurrying_) return;
    hurrying_ = true;
    if (whole_on_hurry_) return;
    std::vector<Step> kept(steps_.begin(), steps_.begin() + static_cast<std::ptrdiff_t>(position_));
    for (std::size_t i = position_; i < steps_.size(); ++i)
      if (!steps_[i].timed) kept.push_back(steps_[i]);
    steps_ = std::move(kept);
  }

 protected:
  explicit PlannedStream(StreamTiming timing, bool whole_on_hurry = false)
      : timing_(timing), whole_on_hurry_(whole_on_hurry) {}
  virtual void render(const Step& step, std::string& out) = 0;

  std::vector<Step> steps_;  // the plan, filled by the derived stream's constructor

 private:
  StreamTiming timing_;
  bool whole_on_hurry_;
  std::size_t position_ = 0;
  std::size_t sent_timed_ = 0;
  bool hurrying_ = false;
};

}  // namespace gatecheck::mock
