// audio.speech-format, audio.transcript-format, images.payload: binary and subtitle answers judged by what
// they are, not by what they are labelled; each rule passes a good answer and fails a broken one for its
// own reason.
#include <gtest/gtest.h>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/multipart.hpp>

#include "check_assertions.hpp"
#include "exchange_builders.hpp"

namespace gatecheck::runner {
namespace {

using namespace testing;  // the builders
using nlohmann::json;

Exchange at(std::string path, Exchange ex) {
  ex.request.url = "http://gateway.test/v1" + path;
  return ex;
}

std::string le32(std::uint32_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
          static_cast<char>((v >> 16) & 0xff), static_cast<char>(v >> 24)};
}

std::string wav(std::size_t samples) {
  const std::string data(samples * 2, '\0');
  const std::string fmt = "fmt " + le32(16) + std::string("\1\0\1\0", 4) + le32(24000) + le32(48000) +
                          std::string("\2\0\x10\0", 4);
  const std::string body = "WAVE" + fmt + "data" + le32(static_cast<std::uint32_t>(data.size())) + data;
  return "RIFF" + le32(static_cast<std::uint32_t>(body.size())) + body;
}

Exchange speech(std::string format, std::string content_type, std::string body) {
  return at("/audio/speech",
            answered({{"model", "tts-1"}, {"input", "hi"}, {"voice", "alloy"}, {"response_format", format}},
                     200, std::move(body), {{"Content-Type", std::move(content_type)}}));
}

TEST(AudioSpeechFormat, TheBytesAndTheirLabelAreTheFormatAskedFor) {
  EXPECT_TRUE(Passes(evaluate("audio.speech-format", speech("wav", "audio/wav", wav(100)))));
  EXPECT_TRUE(Passes(evaluate("audio.speech-format", speech("wav", "application/octet-stream", wav(100)))))
      << "the reference lists octet-stream";
  EXPECT_TRUE(Passes(evaluate("audio.speech-format", speech("pcm", "audio/pcm", std::string(200, '\0')))));
  EXPECT_TRUE(Passes(evaluate("audio.speech-format", speech("mp3", "audio/mpeg", "ID3\4\0\0\0\0\0\0"))));
  EXPECT_TRUE(FailsWith(evaluate("audio.speech-format", speech("wav", "audio/mpeg", wav(100))),
                        "Content-Type says audio/mpeg"));
  EXPECT_TRUE(FailsWith(evaluate("audio.speech-format", speech("wav", "audio/wav", "ID3 not a wav")),
                        "no RIFF/WAVE header"));
  std::string cut = wav(100);
  cut.resize(cut.size() - 10);
  EXPECT_TRUE(
      FailsWith(evaluate("audio.speech-format", speech("wav", "audio/wav", cut)), "the RIFF size says"));
  EXPECT_TRUE(
      FailsWith(evaluate("audio.speech-format", speech("pcm", "audio/pcm", "abc")), "odd number of bytes"));
  EXPECT_TRUE(FailsWith(evaluate("audio.speech-format", speech("flac", "audio/flac", "")), "holds no audio"));
}

Exchange transcript(std::string format, std::string content_type, std::string body) {
  core::MultipartForm form;
  form.add_field("model", "whisper-1");
  form.add_field("response_format", format);
  form.add_file("file", "a.wav", "audio/wav", wav(10));
  Exchange ex = answered(nullptr, 200, std::move(body), {{"Content-Type", std::move(content_type)}});
  ex.request.body = form.body();
  ex.request.headers.set("Content-Type", form.content_type());
  return at("/audio/transcriptions", std::move(ex));
}

TEST(AudioTranscriptFormat, SrtCuesAreNumberedAndTimedWithCommas) {
  const std::string good =
      "1\r\n00:00:00,000 --> 00:00:01,500\r\nHello\r\n\r\n2\r\n00:00:01,500 --> 00:00:02,000\r\nthere\r\n";
  EXPECT_TRUE(Passes(evaluate("audio.transcript-format", transcript("srt", "text/plain", good))));
  EXPECT_TRUE(Passes(evaluate("audio.transcript-format", transcript("srt", "text/plain", "")))) << "silence";
  EXPECT_TRUE(FailsWith(evaluate("audio.transcript-format",
                                 transcript("srt", "text/plain", "00:00:00.000 --> 00:00:01.500\nHello\n")),
                        "does not open with its number"));
  EXPECT_TRUE(
      FailsWith(evaluate("audio.transcript-format",
                         transcript("srt", "text/plain", "1\n00:00:00.000 --> 00:00:01.500\nHello\n")),
                "malformed timestamp"));
  EXPECT_TRUE(
      FailsWith(evaluate("audio.transcript-format",
                         transcript("srt", "text/plain", "1\n00:00:02,000 --> 00:00:01,500\nHello\n")),
                "ends before it starts"));
}

TEST(AudioTranscriptFormat, WebVttOpensWithItsHeaderAndMayNameItsCues) {
  EXPECT_TRUE(Passes(
      evaluate("audio.transcript-format",
               transcript("vtt", "text/vtt",
                          "WEBVTT\n\nNOTE made here\n\ncue-1\n00:01.000 --> 00:02.000 align:start\nHi\n"))));
  EXPECT_TRUE(FailsWith(evaluate("audio.transcript-format",
                                 transcript("vtt", "text/vtt", "00:00:01.000 --> 00:00:02.000\nHi\n")),
                        "no WEBVTT header"));
}

TEST(AudioTranscriptFormat, JsonTextAndVerboseJsonHoldTheirShape) {
  EXPECT_TRUE(Passes(
      evaluate("audio.transcript-format", transcript("json", "application/json", R"({"text":"hi"})"))));
  EXPECT_TRUE(FailsWith(
      evaluate("audio.transcript-format", transcript("json", "application/json", R"({"transcript":"hi"})")),
      "not a JSON object with a string text"));
  EXPECT_TRUE(
      FailsWith(evaluate("audio.transcript-format", transcript("text", "text/plain", R"({"text":"hi"})")),
                "a JSON object where plain text was asked for"));
  EXPECT_TRUE(Passes(evaluate(
      "audio.transcript-format",
      transcript(
          "verbose_json", "application/json",
          R"({"text":"a b","duration":2,"words":[{"word":"a","start":0,"end":1},{"word":"b","start":1,"end":2}]})"))));
  EXPECT_TRUE(FailsWith(evaluate("audio.transcript-format",
                                 transcript("verbose_json", "application/json",
                                            R"({"text":"a","duration":1,"segments":[{"start":0,"end":9}]})")),
                        "past the duration"));
}

TEST(AudioTranscriptFormat, AStreamsDeltasAssembleToItsDoneText) {
  auto stream = [](std::string done) {
    Exchange ex = streamed(nullptr, {event({{"type", "transcript.text.delta"}, {"delta", "Hel"}}),
                                     event({{"type", "transcript.text.delta"}, {"delta", "lo"}}),
                                     event({{"type", "transcript.text.done"}, {"text", done}})});
    return at("/audio/transcriptions", std::move(ex));
  };
  EXPECT_TRUE(Passes(evaluate("audio.transcript-format", stream("Hello"))));
  EXPECT_TRUE(FailsWith(evaluate("audio.transcript-format", stream("Help")), "another text than its deltas"));
}

std::string png(std::uint32_t w, std::uint32_t h, bool whole = true) {
  auto be = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
                       static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
  };
  std::string out =
      "\x89PNG\r\n\x1a\n" + be(13) + "IHDR" + be(w) + be(h) + std::string("\x08\x02\0\0\0", 5) + be(0);
  if (whole) out += be(0) + "IEND" + be(0xae426082);
  return out;
}

Exchange images(json request, json data) {
  return at("/images/generations",
            answered(std::move(request), 200, json{{"created", 1}, {"data", std::move(data)}}));
}

TEST(ImagesPayload, EachImageDecodesToAWholeImageOfTheSizeAskedFor) {
  const json request = {{"prompt", "x"}, {"size", "256x256"}, {"n", 2}};
  const json b64 = {{"b64_json", core::base64_encode(png(256, 256))}};
  EXPECT_TRUE(Passes(
      evaluate("images.payload", images(request, json::array({b64, {{"url", "https://cdn.test/a.png"}}})))));
  EXPECT_TRUE(FailsWith(evaluate("images.payload", images(request, json::array({b64}))), "1 images for n 2"));
  EXPECT_TRUE(FailsWith(
      evaluate("images.payload",
               images(request, json::array({b64, {{"b64_json", core::base64_encode(png(512, 512))}}}))),
      "the image is 512x512"));
  EXPECT_TRUE(FailsWith(
      evaluate(
          "images.payload",
          images(request, json::array({b64, {{"b64_json", core::base64_encode(png(256, 256, false))}}}))),
      "ends before its IEND"));
  EXPECT_TRUE(
      FailsWith(evaluate("images.payload", images(request, json::array({b64, {{"b64_json", "%%%"}}}))),
                "is not base64"));
  EXPECT_TRUE(
      FailsWith(evaluate("images.payload", images(request, json::array({b64, {{"url", "/relative.png"}}}))),
                "not an absolute"));
  EXPECT_TRUE(FailsWith(evaluate("images.payload", images(request, json::array({b64, json::object()}))),
                        "neither b64_json nor url"));
}

TEST(AudioTranscriptFormat, WebVttsLegalVariantsPass) {
  for (const char* body : {"\xef\xbb\xbfWEBVTT\n\n00:01.000 --> 00:02.000\nHi\n",  // a byte-order mark
                           "WEBVTT\r00:01.000 --> 00:02.000\rHi\r",                // bare CR line ends
                           "WEBVTT\n\n00:01.000  -->\t00:02.000\tline:0\nHi\n",    // spaces, tabs, settings
                           "WEBVTT\n\n00:01.000 --> 00:02.000\n\n"})               // an empty payload
    EXPECT_TRUE(Passes(evaluate("audio.transcript-format", transcript("vtt", "text/vtt", body)))) << body;
  EXPECT_TRUE(
      Passes(evaluate("audio.transcript-format", transcript("srt", "text/plain",
                                                            "\xef\xbb\xbf"
                                                            "1\n00:00:00,000 --> 00:00:01,000\nHi\n"))));
}

}  // namespace
}  // namespace gatecheck::runner
