// Hand-made exchanges for the runner's unit tests: a JSON answer, or a stream fed through the core SSE
// parser piece by piece (each piece arriving `gap` after the previous one), then finished as the runner does.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <gatecheck/core/headers.hpp>
#include <gatecheck/core/sse.hpp>

#include "exchange.hpp"

namespace gatecheck::runner::testing {

using nlohmann::json;
using namespace std::chrono_literals;

inline json chat_request(bool stream = false) {
  json request = {{"model", "gpt-4o-mini"},
                  {"messages", json::array({{{"role", "user"}, {"content", "Say hello"}}})}};
  if (stream) request["stream"] = true;
  return request;
}

// A chat.completion.chunk with one choice.
inline json chunk(json delta, json finish_reason = nullptr, int index = 0, std::string id = "chatcmpl-1") {
  return {
      {"id", std::move(id)},
      {"object", "chat.completion.chunk"},
      {"created", 1700000000},
      {"model", "gpt-4o-mini"},
      {"choices",
       json::array(
           {{{"index", index}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish_reason)}}})}};
}

inline json usage_chunk(int prompt, int completion, int total) {
  return {{"id", "chatcmpl-1"},
          {"object", "chat.completion.chunk"},
          {"created", 1700000000},
          {"model", "gpt-4o-mini"},
          {"choices", json::array()},
          {"usage", {{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", total}}}};
}

inline std::string event(const json& data) {
  return "data: " + data.dump() + "\n\n";
}
inline const std::string kDone = "data: [DONE]\n\n";

// role, "Hello", " world", finish_reason stop, [DONE]: what a conforming gateway streams.
inline std::vector<std::string> good_stream() {
  return {event(chunk({{"role", "assistant"}, {"content", ""}})), event(chunk({{"content", "Hello"}})),
          event(chunk({{"content", " world"}})), event(chunk(json::object(), "stop")), kDone};
}

inline core::Headers sse_headers() {
  return {{"Content-Type", "text/event-stream"}};
}
inline core::Headers json_headers() {
  return {{"Content-Type", "application/json"}};
}

// A POST chat/completions and the status and headers it got; the body is the caller's.
inline Exchange chat_exchange(json request, int status, core::Headers headers) {
  Exchange ex;
  ex.request.method = "POST";
  ex.request.url = "http://gateway.test/v1/chat/completions";
  ex.request.body = request.dump();
  ex.request_json = std::move(request);
  ex.response.status = status;
  ex.response.headers = std::move(headers);
  return ex;
}

inline Exchange streamed(json request, const std::vector<std::string>& pieces,
                         core::Headers headers = sse_headers(), std::chrono::microseconds gap = 5ms,
                         int status = 200) {
  Exchange ex = chat_exchange(std::move(request), status, std::move(headers));
  const auto start = net::Clock::now();
  ex.response.timings.request_sent = start;
  core::SseParser parser([&](core::SseEvent&& e) { ex.events.push_back(std::move(e)); });
  auto at = start;
  for (const auto& piece : pieces) {
    at += gap;
    parser.feed(piece, at);
    ex.response.body += piece;
  }
  parser.finish();
  ex.sse_stats = parser.stats();
  finish_exchange(ex);
  return ex;
}

inline Exchange answered(json request, int status, std::string body, core::Headers headers = json_headers()) {
  Exchange ex = chat_exchange(std::move(request), status, std::move(headers));
  ex.response.body = std::move(body);
  finish_exchange(ex);
  return ex;
}

inline Exchange answered(json request, int status, const json& body, core::Headers headers = json_headers()) {
  return answered(std::move(request), status, body.dump(), std::move(headers));
}

// A non-streamed chat.completion with one choice.
inline json completion(json message, std::string finish_reason = "stop", json usage = nullptr) {
  if (usage.is_null()) usage = {{"prompt_tokens", 5}, {"completion_tokens", 7}, {"total_tokens", 12}};
  return {
      {"id", "chatcmpl-9"},
      {"object", "chat.completion"},
      {"created", 1700000000},
      {"model", "gpt-4o-mini"},
      {"choices",
       json::array(
           {{{"index", 0}, {"message", std::move(message)}, {"finish_reason", std::move(finish_reason)}}})},
      {"usage", std::move(usage)}};
}

inline json assistant(std::string content) {
  return {{"role", "assistant"}, {"content", std::move(content)}};
}

}  // namespace gatecheck::runner::testing
