// The cases follow the WHATWG HTML standard, 9.2.6 "Interpreting an event stream".
#include <vector>

#include <gtest/gtest.h>

#include <gatecheck/core/sse.hpp>

namespace gatecheck::core {
namespace {

struct Collected {
  std::vector<SseEvent> events;
  SseParser parser{[this](SseEvent&& e) { events.push_back(std::move(e)); }};
};

std::vector<SseEvent> parse_whole(std::string_view bytes) {
  Collected c;
  c.parser.feed(bytes);
  c.parser.finish();
  return c.events;
}

// Feeds the bytes one at a time: every split point must give the same events.
std::vector<SseEvent> parse_bytewise(std::string_view bytes) {
  Collected c;
  for (const char b : bytes)
    c.parser.feed(std::string_view(&b, 1));
  c.parser.finish();
  return c.events;
}

TEST(SseParser, DispatchesDataOnABlankLine) {
  const auto events = parse_whole("data: {\"a\":1}\n\ndata: [DONE]\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "{\"a\":1}");
  EXPECT_EQ(events[0].type, "message");
  EXPECT_EQ(events[1].data, "[DONE]");
  EXPECT_EQ(events[1].index, 1u);
}

TEST(SseParser, JoinsMultiLineDataWithLineFeeds) {
  const auto events = parse_whole("data: first\ndata: second\ndata\ndata:third\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "first\nsecond\n\nthird");
}

TEST(SseParser, RemovesOnlyOneLeadingSpaceFromValues) {
  const auto events = parse_whole("data:  two spaces\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, " two spaces");
}

TEST(SseParser, AcceptsLfCrlfAndCrLineEndsMixed) {
  const std::string stream = "data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n";
  for (const auto& events : {parse_whole(stream), parse_bytewise(stream)}) {
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].data, "a");
    EXPECT_EQ(events[1].data, "b");
    EXPECT_EQ(events[2].data, "c");
    EXPECT_EQ(events[3].data, "d");
  }
}

TEST(SseParser, CountsLineEndingStylesEvenWhenCrlfIsSplitAcrossReads) {
  Collected c;
  c.parser.feed("data: a\r");
  c.parser.feed("\n\r\n");
  c.parser.finish();
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.parser.stats().crlf_lines, 2u);
  EXPECT_EQ(c.parser.stats().cr_lines, 0u);
}

TEST(SseParser, IgnoresCommentsAndCountsThem) {
  Collected c;
  c.parser.feed(": keep-alive\n: another\ndata: x\n\n");
  c.parser.finish();
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.parser.stats().comments, 2u);
}

TEST(SseParser, StripsALeadingBomOnlyAtTheStart) {
  const std::string stream =
      "\xEF\xBB\xBF"
      "data: x\n\n";
  const auto events = parse_bytewise(stream);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "x");
  Collected c;
  c.parser.feed(
      "data: a\n\n\xEF\xBB\xBF"
      "data: b\n\n");
  c.parser.finish();
  ASSERT_EQ(c.events.size(), 1u)
      << "a BOM later in the stream is part of a field name, so that line is ignored";
  EXPECT_EQ(c.parser.stats().unknown_fields, 1u);
}

TEST(SseParser, ShortStreamsThatBeginLikeABomAreContent) {
  Collected c;
  c.parser.feed("\xEF\xBB");
  c.parser.finish();
  EXPECT_TRUE(c.events.empty());
  EXPECT_EQ(c.parser.stats().unterminated_tail_bytes, 2u);
}

TEST(SseParser, EventTypeAppliesToOneEventOnly) {
  const auto events = parse_whole("event: error\ndata: {}\n\ndata: next\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "error");
  EXPECT_TRUE(events[0].has_event_field);
  EXPECT_EQ(events[1].type, "message");
  EXPECT_FALSE(events[1].has_event_field);
}

TEST(SseParser, LastEventIdPersistsAndIdsWithNulAreIgnored) {
  Collected c;
  c.parser.feed("id: 7\ndata: a\n\ndata: b\n\nid: x");
  using namespace std::literals;
  c.parser.feed("\0y\ndata: c\n\nid\ndata: d\n\n"sv);
  c.parser.finish();
  ASSERT_EQ(c.events.size(), 4u);
  EXPECT_EQ(c.events[0].id, "7");
  EXPECT_EQ(c.events[1].id, "7");
  EXPECT_FALSE(c.events[1].has_id_field);
  EXPECT_EQ(c.events[2].id, "7") << "an id containing NUL is ignored";
  EXPECT_EQ(c.parser.stats().ids_with_nul, 1u);
  EXPECT_EQ(c.events[3].id, "") << "an empty id resets the last event id";
}

TEST(SseParser, RetryTakesOnlyDigits) {
  const auto events = parse_whole("retry: 3000\ndata: a\n\nretry: 3s\ndata: b\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].retry, 3000u);
  EXPECT_FALSE(events[1].retry.has_value());
}

TEST(SseParser, BlocksWithoutDataDispatchNothing) {
  Collected c;
  c.parser.feed("event: ping\n\nid: 3\n\n");
  c.parser.finish();
  EXPECT_TRUE(c.events.empty());
  EXPECT_EQ(c.parser.stats().blocks_without_data, 2u);
}

TEST(SseParser, UnknownFieldsAreIgnoredButRecorded) {
  Collected c;
  c.parser.feed("{\"id\":\"chatcmpl\"}\ndata: ok\n\n");
  c.parser.finish();
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.parser.stats().unknown_fields, 1u);
  EXPECT_EQ(c.parser.stats().first_unknown_line, "{\"id\":\"chatcmpl\"}");
}

TEST(SseParser, AnEventWithoutItsBlankLineIsDiscardedAtTheEnd) {
  Collected c;
  c.parser.feed("data: a\n\ndata: [DONE]\n");
  c.parser.finish();
  ASSERT_EQ(c.events.size(), 1u);
  EXPECT_EQ(c.parser.stats().unterminated_tail_bytes, 13u);
  EXPECT_EQ(c.parser.stats().unterminated_tail, "data: [DONE]");
}

TEST(SseParser, StampsEachEventWithTheTimeOfTheReadThatCompletedIt) {
  Collected c;
  const auto t0 = SseParser::Clock::now();
  const auto t1 = t0 + std::chrono::milliseconds(20);
  c.parser.feed("data: a\n", t0);
  c.parser.feed("\ndata: b\n\n", t1);
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[0].received_at, t1);
  EXPECT_EQ(c.events[1].received_at, t1);
}

TEST(SseParser, EveryByteSplitGivesTheSameEvents) {
  const std::string stream =
      "\xEF\xBB\xBF: hi\r\nevent: e\r\nid: 1\r\ndata: {\"x\":\r\ndata: 2}\r\n\r\ndata: tail\r\rdata: "
      "last\n\n";
  const auto whole = parse_whole(stream);
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    Collected c;
    c.parser.feed(std::string_view(stream).substr(0, split));
    c.parser.feed(std::string_view(stream).substr(split));
    c.parser.finish();
    ASSERT_EQ(c.events.size(), whole.size()) << "split at " << split;
    for (std::size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(c.events[i].data, whole[i].data) << "split at " << split;
      EXPECT_EQ(c.events[i].type, whole[i].type);
      EXPECT_EQ(c.events[i].id, whole[i].id);
    }
  }
  ASSERT_EQ(whole.size(), 3u);
  EXPECT_EQ(whole[0].data, "{\"x\":\n2}");
}

TEST(SseWriter, WritesOneDataLinePerLine) {
  EXPECT_EQ(format_sse_event("a\nb\r\nc"), "data: a\ndata: b\ndata: c\n\n");
  EXPECT_EQ(format_sse_event("{}", "error", "5", 100), "event: error\nid: 5\nretry: 100\ndata: {}\n\n");
  std::string out;
  append_sse_comment(out, " ping");
  EXPECT_EQ(out, ": ping\n");
}

TEST(SseWriter, RoundTripsThroughTheParser) {
  const std::string data = "line one\nline two\n\nafter blank";
  const auto events = parse_whole(format_sse_event(data, "custom", "42"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, data);
  EXPECT_EQ(events[0].type, "custom");
  EXPECT_EQ(events[0].id, "42");
}

}  // namespace
}  // namespace gatecheck::core
