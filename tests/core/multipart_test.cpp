// parse_multipart: the mock's uploads (audio, images) are read by it. It reads what the builder and the
// browsers' form encoding write, allows what RFC 2046 allows (preamble, epilogue, LF line ends, quoted
// boundaries), and refuses a malformed or oversized body with a reason instead of guessing.
#include <gtest/gtest.h>

#include <gatecheck/core/multipart.hpp>

namespace gatecheck::core {
namespace {

TEST(ParseMultipart, ReadsTheBuildersFieldsAndFilesBackByteForByte) {
  MultipartForm form;
  form.add_field("model", "whisper-1");
  form.add_file("file", "a;b\\c.wav", "audio/wav", std::string("RIFF\0\r\n--x", 10));
  const std::string body = form.body();  // the parts point into it
  std::string error;
  const auto parts = parse_multipart(body, form.content_type(), error);
  ASSERT_TRUE(parts) << error;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "model");
  EXPECT_EQ((*parts)[0].data, "whisper-1");
  EXPECT_FALSE((*parts)[0].is_file);
  EXPECT_EQ((*parts)[1].filename, "a;b\\c.wav") << "';' inside quotes, a backslash as it is";
  EXPECT_EQ((*parts)[1].content_type, "audio/wav");
  EXPECT_EQ((*parts)[1].data, std::string("RIFF\0\r\n--x", 10));
  EXPECT_TRUE((*parts)[1].is_file);
}

TEST(ParseMultipart, AllowsAPreambleAnEpilogueLfLineEndsAndAQuotedBoundary) {
  const std::string body = "ignored\n--b\nContent-Disposition: form-data; name=x\n\none\n--b--\nepilogue";
  std::string error;
  const auto parts = parse_multipart(body, "Multipart/Form-Data; boundary=\"b\"", error);
  ASSERT_TRUE(parts) << error;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, "one");
}

TEST(ParseMultipart, RefusesWhatItCannotReadSayingWhy) {
  std::string error;
  const auto refused = [&](std::string_view body, std::string_view type, std::size_t max_parts = 64) {
    error.clear();
    return !parse_multipart(body, type, error, max_parts) && !error.empty();
  };
  EXPECT_TRUE(refused("x", "application/json"));
  EXPECT_TRUE(refused("x", "multipart/form-data"));
  EXPECT_TRUE(refused("no delimiter", "multipart/form-data; boundary=b"));
  EXPECT_TRUE(refused("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nnever closed",
                      "multipart/form-data; boundary=b"));
  EXPECT_TRUE(refused("--b\r\nno colon here\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b"));
  EXPECT_TRUE(
      refused("--b\r\n" + std::string(9000, 'h') + "\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b"))
      << "headers past 8 KiB";
  std::string many;
  for (int i = 0; i < 3; ++i)
    many += "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n";
  EXPECT_TRUE(refused(many + "--b--", "multipart/form-data; boundary=b", 2));
  EXPECT_NE(error.find("more than 2 parts"), std::string::npos) << error;
}

}  // namespace
}  // namespace gatecheck::core
