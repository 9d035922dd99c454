// What an exchange offers the expectations and checks: the chat.completion a stream's chunks assemble to, the
// stream's event data, and the media type of a Content-Type.
#include <gtest/gtest.h>

#include "exchange_builders.hpp"

namespace gatecheck::runner {
namespace {

using namespace testing;  // the builders

TEST(MessageView, AStreamAssemblesToAChatCompletion) {
  const json view = streamed(chat_request(true), good_stream()).message_view();
  EXPECT_EQ(view["id"], "chatcmpl-1");
  EXPECT_EQ(view["object"], "chat.completion");
  EXPECT_EQ(view["model"], "gpt-4o-mini");
  EXPECT_EQ(view["created"], 1700000000);
  ASSERT_EQ(view["choices"].size(), 1u);
  EXPECT_EQ(view["choices"][0]["index"], 0);
  EXPECT_EQ(view["choices"][0]["message"], json({{"role", "assistant"}, {"content", "Hello world"}}));
  EXPECT_EQ(view["choices"][0]["finish_reason"], "stop");
  EXPECT_FALSE(view.contains("usage"));
}

TEST(MessageView, ToolCallFragmentsJoinIntoWholeCalls) {
  auto call = [](int index, json function, std::optional<std::string> id = std::nullopt) {
    json fragment = {{"index", index}, {"function", std::move(function)}};
    if (id) fragment.update({{"id", *id}, {"type", "function"}});
    return fragment;
  };
  const std::vector<std::string> pieces = {
      event(chunk(
          {{"role", "assistant"},
           {"tool_calls", json::array({call(0, {{"name", "get_weather"}, {"arguments", ""}}, "call_a")})}})),
      event(chunk(
          {{"tool_calls", json::array({call(0, {{"arguments", "{\"city\":"}}),
                                       call(1, {{"name", "get_time"}, {"arguments", "{"}}, "call_b")})}})),
      event(chunk({{"tool_calls", json::array({call(0, {{"arguments", "\"Paris\"}"}})})}})),
      event(chunk({{"tool_calls", json::array({call(1, {{"arguments", "}"}})})}})),
      event(chunk(json::object(), "tool_calls")),
      kDone};
  const json message = streamed(chat_request(true), pieces).message_view()["choices"][0]["message"];
  EXPECT_EQ(message["role"], "assistant");
  EXPECT_FALSE(message.contains("content"));
  ASSERT_EQ(message["tool_calls"].size(), 2u);
  EXPECT_EQ(message["tool_calls"][0],
            json({{"id", "call_a"},
                  {"type", "function"},
                  {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Paris\"}"}}}}));
  EXPECT_EQ(message["tool_calls"][1]["id"], "call_b");
  EXPECT_EQ(message["tool_calls"][1]["function"]["name"], "get_time");
  EXPECT_EQ(message["tool_calls"][1]["function"]["arguments"], "{}");
}

TEST(MessageView, SeveralChoicesAreKeptApartAndOrderedByIndex) {
  const std::vector<std::string> pieces = {
      event(chunk({{"role", "assistant"}, {"content", "B"}}, nullptr, 1)),
      event(chunk({{"role", "assistant"}, {"content", "A"}}, nullptr, 0)),
      event(chunk({{"content", "b"}}, "length", 1)), event(chunk({{"content", "a"}}, "stop", 0)), kDone};
  const json choices = streamed(chat_request(true), pieces).message_view()["choices"];
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices[0]["index"], 0);
  EXPECT_EQ(choices[0]["message"]["content"], "Aa");
  EXPECT_EQ(choices[0]["finish_reason"], "stop");
  EXPECT_EQ(choices[1]["index"], 1);
  EXPECT_EQ(choices[1]["message"]["content"], "Bb");
  EXPECT_EQ(choices[1]["finish_reason"], "length");
}

TEST(MessageView, UsageComesFromTheUsageChunk) {
  auto pieces = good_stream();
  pieces.insert(pieces.end() - 1, event(usage_chunk(5, 2, 7)));
  const json view = streamed(chat_request(true), pieces).message_view();
  EXPECT_EQ(view["usage"], json({{"prompt_tokens", 5}, {"completion_tokens", 2}, {"total_tokens", 7}}));
  EXPECT_EQ(view["choices"].size(), 1u);  // the usage chunk's empty choices add none
}

TEST(MessageView, EventsAfterDoneAreIgnored) {
  auto pieces = good_stream();
  pieces.push_back(event(chunk({{"content", " and more"}}, nullptr, 0, "chatcmpl-late")));
  pieces.push_back(event(chunk({{"role", "assistant"}, {"content", "ghost"}}, "stop", 1)));
  const json view = streamed(chat_request(true), pieces).message_view();
  EXPECT_EQ(view["id"], "chatcmpl-1");
  ASSERT_EQ(view["choices"].size(), 1u);
  EXPECT_EQ(view["choices"][0]["message"]["content"], "Hello world");
}

TEST(MessageView, ARoleOnlyChoiceHasNullContentAndRefusalsAreJoined) {
  const std::vector<std::string> pieces = {event(chunk({{"role", "assistant"}, {"refusal", "I can't"}})),
                                           event(chunk({{"refusal", " help."}}, "stop")),
                                           event(chunk({{"role", "assistant"}}, "stop", 1)), kDone};
  const json choices = streamed(chat_request(true), pieces).message_view()["choices"];
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices[0]["message"]["refusal"], "I can't help.");
  EXPECT_TRUE(choices[0]["message"]["content"].is_null());
  EXPECT_TRUE(choices[1]["message"]["content"].is_null());
}

TEST(MessageView, ANonStreamedAnswerIsItsBody) {
  const json body = completion(assistant("Hi"));
  EXPECT_EQ(answered(chat_request(), 200, body).message_view(), body);
  EXPECT_TRUE(answered(chat_request(), 200, std::string("not json")).message_view().is_null());
  EXPECT_TRUE(answered(chat_request(), 204, std::string()).message_view().is_null());
}

TEST(MessageView, AMalformedToolCallIndexIsIgnoredNotAllocated) {
  for (const char* index : {"-1", "\"0\"", "4000000000"}) {
    SCOPED_TRACE(index);
    const std::vector<std::string> pieces = {
        event(chunk({{"role", "assistant"}, {"content", "Hi"}})),
        "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":" +
            std::string(index) +
            ",\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}\n\n",
        kDone};
    json view;
    ASSERT_NO_THROW(view = streamed(chat_request(true), pieces).message_view());
    EXPECT_EQ(view["choices"][0]["message"]["content"], "Hi");
    EXPECT_LE(view["choices"][0]["message"].value("tool_calls", json::array()).size(), 1u);
  }
}

TEST(EventsView, EventDataAsJsonOrAsText) {
  const std::vector<std::string> pieces = {event(chunk({{"content", "Hi"}})), "data: plain text\n\n",
                                           "data: 42\n\n", kDone};
  const Exchange ex = streamed(chat_request(true), pieces);
  const json view = ex.events_view();
  ASSERT_EQ(view.size(), 4u);
  EXPECT_EQ(view[0]["choices"][0]["delta"]["content"], "Hi");
  EXPECT_EQ(view[1], "plain text");
  EXPECT_EQ(view[2], 42);
  EXPECT_EQ(view[3], "[DONE]");
  EXPECT_EQ(ex.done_index(), 3);
  EXPECT_EQ(streamed(chat_request(true), {event(chunk({{"content", "Hi"}}))}).done_index(), -1);
}

TEST(Exchange, StreamRequestedAndEventStreamAreReadFromTheRequestAndTheContentType) {
  EXPECT_TRUE(streamed(chat_request(true), good_stream()).stream_requested());
  EXPECT_FALSE(answered(chat_request(), 200, completion(assistant("Hi"))).stream_requested());
  EXPECT_TRUE(
      streamed(chat_request(true), good_stream(), {{"content-type", "Text/Event-Stream; charset=utf-8"}})
          .is_event_stream());
  EXPECT_FALSE(streamed(chat_request(true), good_stream(), json_headers()).is_event_stream());
  EXPECT_FALSE(streamed(chat_request(true), good_stream(), {}).is_event_stream());
}

TEST(MediaType, ParametersCaseAndSpacesAreDropped) {
  EXPECT_EQ(media_type("text/event-stream; charset=utf-8"), "text/event-stream");
  EXPECT_EQ(media_type(" Application/JSON ;charset=UTF-8"), "application/json");
  EXPECT_EQ(media_type("text/plain"), "text/plain");
  EXPECT_EQ(media_type("\ttext/html\t"), "text/html");
  EXPECT_EQ(media_type(""), "");
}

}  // namespace
}  // namespace gatecheck::runner
