// The recording receiver: keeps every request's raw bytes and answers with the scripted statuses, overall or
// per group (per event id), so a sender's retries can be provoked.
#include <gtest/gtest.h>

#include <gatecheck/net/http_client.hpp>
#include <gatecheck/net/http_receiver.hpp>

namespace gatecheck::net {
namespace {

HttpResponse post(const HttpReceiver& receiver, const std::string& body) {
  HttpClient client;
  return client.send({"POST",
                      "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook",
                      {{"Content-Type", "application/json"}, {"X-Group", body}},
                      body});
}

TEST(HttpReceiver, RecordsRawBodiesAndAnswersTheScriptThenRepeatsItsLastStatus) {
  HttpReceiver receiver("127.0.0.1", 0, {500, 503, 200});
  EXPECT_EQ(post(receiver, "a").status, 500);
  EXPECT_EQ(post(receiver, "b").status, 503);
  EXPECT_EQ(post(receiver, "c").status, 200);
  EXPECT_EQ(post(receiver, "d").status, 200);
  const auto received = receiver.received();
  ASSERT_EQ(received.size(), 4u);
  EXPECT_EQ(received[0].body, "a");
  EXPECT_EQ(received[0].target, "/hook");
  EXPECT_EQ(received[0].answered_status, 500);
  EXPECT_EQ(received[0].headers.get("x-group").value_or(""), "a");
}

TEST(HttpReceiver, AGroupFunctionRunsTheScriptPerGroup) {
  HttpReceiver receiver("127.0.0.1", 0, {500, 200}, [](const ReceivedRequest& r) {
    return std::string(r.headers.get("x-group").value_or(""));
  });
  EXPECT_EQ(post(receiver, "one").status, 500);
  EXPECT_EQ(post(receiver, "two").status, 500);
  EXPECT_EQ(post(receiver, "one").status, 200);
}

TEST(HttpReceiver, WaitUntilReturnsFalseAtTheDeadlineWhenNothingCame) {
  HttpReceiver receiver("127.0.0.1", 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(
      receiver.wait_until([](const auto& r) { return !r.empty(); }, start + std::chrono::milliseconds(100)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
}

TEST(HttpReceiver, RefusesAnAddressThatIsNotAnIp) {
  EXPECT_THROW(HttpReceiver("not-an-ip", 0), std::runtime_error);
}

}  // namespace
}  // namespace gatecheck::net
