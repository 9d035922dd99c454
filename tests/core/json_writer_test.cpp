#include <gtest/gtest.h>

#include <gatecheck/core/json_writer.hpp>

namespace gatecheck::core {
namespace {

TEST(JsonWriter, PlacesCommasAndNestsContainers) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("id").value("chatcmpl-1").key("choices").begin_array();
  w.begin_object()
      .key("index")
      .value(0)
      .key("delta")
      .begin_object()
      .end_object()
      .key("finish_reason")
      .null()
      .end_object();
  w.begin_object().key("index").value(1).end_object();
  w.end_array()
      .key("usage")
      .begin_object()
      .key("total_tokens")
      .value(std::uint64_t{7})
      .end_object()
      .end_object();
  EXPECT_EQ(out, R"({"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"finish_reason":null},{"index":1}],)"
                 R"("usage":{"total_tokens":7}})");
  EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(JsonWriter, EscapesStringsAndKeepsUtf8) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\nd\x01\xC3\xA9", 10));
  EXPECT_EQ(out, R"("a\"b\\c\nd\u0001)"
                 "\xC3\xA9\"");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), std::string("a\"b\\c\nd\x01\xC3\xA9", 10));
}

TEST(JsonWriter, NumbersRoundTripAndNonFiniteBecomesNull) {
  std::string out;
  JsonWriter(out).begin_array().value(0.1).value(0.1f).value(-3).value(1e300 * 1e300).value(true).end_array();
  EXPECT_EQ(out, "[0.1,0.1,-3,null,true]");
}

}  // namespace
}  // namespace gatecheck::core
