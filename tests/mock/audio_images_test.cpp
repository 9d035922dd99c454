// Audio and images: speech is real WAV or PCM audio that the mock's transcription hears back as its text;
// transcripts come in each response_format; images are whole PNGs of the size asked for, as base64 or as a
// url the mock serves; uploads are read from multipart bodies, and a bad one is a 400 naming the field.
#include <gtest/gtest.h>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/multipart.hpp>

#include "app_fixture.hpp"
#include "wav.hpp"

namespace gatecheck::mock {
namespace {

using nlohmann::json;
using testing::Answer;
using testing::MockApp;

Answer speak(MockApp& mock, json body) {
  body["model"] = body.value("model", "gpt-4o-mini-tts");
  body["voice"] = body.value("voice", "alloy");
  body["input"] = body.value("input", "The quick brown fox.");
  return mock.post("/v1/audio/speech", body.dump());
}

Answer upload(MockApp& mock, const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& fields, const std::string& file_field,
              const std::string& file) {
  core::MultipartForm form;
  for (const auto& [name, value] : fields)
    form.add_field(name, value);
  if (!file_field.empty()) form.add_file(file_field, "upload.bin", "application/octet-stream", file);
  return mock.post(path, form.body(), {{"Content-Type", form.content_type()}});
}

std::string wav_of(MockApp& mock, const std::string& text) {
  const auto answer = speak(mock, {{"input", text}, {"response_format", "wav"}});
  EXPECT_EQ(answer.status, 200) << answer.body;
  return answer.body;
}

TEST(Speech, WavIsAWholeRiffFileWhoseLengthFollowsTheTextAndSpeed) {
  MockApp mock;
  const auto wav = speak(mock, {{"response_format", "wav"}});
  ASSERT_EQ(wav.status, 200) << wav.body;
  EXPECT_EQ(wav.header("Content-Type"), "audio/wav");
  ASSERT_TRUE(wav.body.starts_with("RIFF"));
  const auto info = read_wav(wav.body);
  ASSERT_TRUE(info);
  EXPECT_NEAR(info->seconds, 4 * 0.35, 0.01) << "four words, 0.3 s of tone and 0.05 s of pause each";
  EXPECT_EQ(*info->text, "The quick brown fox.");
  const auto fast = read_wav(speak(mock, {{"response_format", "wav"}, {"speed", 2.0}}).body);
  EXPECT_NEAR(fast->seconds, info->seconds / 2, 0.01);
  const auto pcm = speak(mock, {{"response_format", "pcm"}});
  EXPECT_EQ(pcm.header("Content-Type"), "audio/pcm");
  EXPECT_EQ(pcm.body.size() % 2, 0u);
  EXPECT_NE(wav.body.find(pcm.body), std::string::npos) << "the PCM is the WAV's samples";
  EXPECT_EQ(speak(mock, {{"response_format", "wav"}}).body, wav.body) << "deterministic";
}

TEST(Speech, FormatsWithoutAnEncoderAndBadValuesAreRefusedByName) {
  MockApp mock;
  for (const auto& [body, param] : std::vector<std::pair<json, std::string>>{
           {{{"response_format", "opus"}}, "response_format"},  // needs an encoder
           {{{"response_format", "wav"}, {"voice", "robot"}}, "voice"},
           {{{"response_format", "wav"}, {"speed", 9}}, "speed"},
           {{{"response_format", "wav"}, {"input", ""}}, "input"},
           {{{"response_format", "wav"}, {"model", "whisper-1"}}, "model"}}) {
    const auto answer = speak(mock, body);
    EXPECT_EQ(answer.status, 400) << body.dump() << answer.body;
    EXPECT_EQ(answer.json()["error"]["param"], param) << answer.body;
  }
}

TEST(Speech, Mp3TheApisDefaultIsSilenceOfTheRightLengthThatCarriesItsText) {
  MockApp mock;
  const auto mp3 = speak(mock, json::object());
  ASSERT_EQ(mp3.status, 200) << mp3.body;
  EXPECT_EQ(mp3.header("Content-Type"), "audio/mpeg");
  ASSERT_TRUE(mp3.body.starts_with("ID3\x03"));
  const auto info = read_mp3(mp3.body);
  ASSERT_TRUE(info);
  EXPECT_EQ(*info->text, "The quick brown fox.");
  EXPECT_NEAR(info->seconds, 4 * 0.35, 0.03) << "as long as the WAV of the same text";
  const std::size_t first_frame = mp3.body.find("\xff\xfb\x10\xc0");
  ASSERT_NE(first_frame, std::string::npos) << "MPEG-1 Layer III frames follow the tag";
  EXPECT_EQ((mp3.body.size() - first_frame) % 104, 0u) << "whole 104-byte frames";
  const auto heard = upload(mock, "/v1/audio/transcriptions", {{"model", "whisper-1"}}, "file", mp3.body);
  EXPECT_EQ(heard.json()["text"], "The quick brown fox.") << "the mock hears its own mp3 back";
}

TEST(Speech, SseStreamsBase64AudioThenUsage) {
  MockApp mock;
  const auto answer = speak(mock, {{"response_format", "pcm"}, {"stream_format", "sse"}});
  ASSERT_EQ(answer.status, 200);
  std::string audio;
  for (std::size_t i = 0; i + 1 < answer.events.size(); ++i) {
    const json event = json::parse(answer.events[i].substr(6));
    EXPECT_EQ(event["type"], "speech.audio.delta");
    audio += *core::base64_decode(event["audio"].get<std::string>());
  }
  EXPECT_EQ(audio, speak(mock, {{"response_format", "pcm"}}).body);
  EXPECT_EQ(json::parse(answer.events.back().substr(6))["type"], "speech.audio.done");
}

TEST(Transcription, TheMocksOwnSpeechIsHeardBackInEveryFormat) {
  MockApp mock;
  const std::string wav = wav_of(mock, "Hello world from gatecheck.");
  const auto transcribe = [&](const std::string& format) {
    return upload(mock, "/v1/audio/transcriptions", {{"model", "whisper-1"}, {"response_format", format}},
                  "file", wav);
  };
  EXPECT_EQ(transcribe("json").json()["text"], "Hello world from gatecheck.");
  EXPECT_EQ(transcribe("text").body, "Hello world from gatecheck.\n");
  EXPECT_EQ(transcribe("srt").body, "1\n00:00:00,000 --> 00:00:01,400\nHello world from gatecheck.\n\n");
  EXPECT_EQ(transcribe("vtt").body,
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.400\nHello world from gatecheck.\n\n");
  const json verbose = transcribe("verbose_json").json();
  EXPECT_DOUBLE_EQ(verbose["duration"].get<double>(), 1.4);
  EXPECT_EQ(verbose["segments"][0]["end"], 1.4);
  const auto words = upload(mock, "/v1/audio/transcriptions",
                            {{"model", "whisper-1"},
                             {"response_format", "verbose_json"},
                             {"timestamp_granularities[]", "word"}},
                            "file", wav)
                         .json()["words"];
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[3]["word"], "gatecheck.");
  EXPECT_EQ(upload(mock, "/v1/audio/translations", {{"model", "whisper-1"}}, "file", wav).json()["text"],
            "Hello world from gatecheck.");
}

TEST(Transcription, Gpt4oModelsStreamTheTextAndTakeJsonOnly) {
  MockApp mock;
  const std::string wav = wav_of(mock, "One two three.");
  const auto streamed = upload(mock, "/v1/audio/transcriptions",
                               {{"model", "gpt-4o-transcribe"}, {"stream", "true"}}, "file", wav);
  ASSERT_EQ(streamed.status, 200);
  EXPECT_NE(streamed.events.back().find("transcript.text.done"), std::string::npos);
  EXPECT_NE(streamed.events.back().find("\"text\":\"One two three.\""), std::string::npos);
  const auto srt = upload(mock, "/v1/audio/transcriptions",
                          {{"model", "gpt-4o-transcribe"}, {"response_format", "srt"}}, "file", wav);
  EXPECT_EQ(srt.status, 400);
  EXPECT_EQ(srt.json()["error"]["param"], "response_format");
}

TEST(Transcription, BadUploadsAreA400NamingTheField) {
  MockApp mock;
  const auto missing = upload(mock, "/v1/audio/transcriptions", {{"model", "whisper-1"}}, "", "");
  EXPECT_EQ(missing.json()["error"]["param"], "file");
  const auto not_audio = upload(mock, "/v1/audio/transcriptions", {{"model", "whisper-1"}}, "file", "hello");
  EXPECT_EQ(not_audio.status, 400);
  EXPECT_EQ(not_audio.json()["error"]["param"], "file");
  const auto broken = mock.post("/v1/audio/transcriptions", "--x\r\nno end",
                                {{"Content-Type", "multipart/form-data; boundary=x"}});
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.json()["error"]["code"], "invalid_multipart");
  const auto unknown = upload(mock, "/v1/audio/transcriptions", {{"model", "whisper-1"}, {"wizardry", "1"}},
                              "file", wav_of(mock, "a"));
  EXPECT_EQ(unknown.json()["error"]["param"], "wizardry");
}

TEST(Images, B64JsonIsAWholePngOfTheSizeAskedFor) {
  MockApp mock;
  const auto answer =
      mock.post("/v1/images/generations",
                R"({"prompt":"a lighthouse","size":"256x256","n":2,"response_format":"b64_json"})");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json data = answer.json()["data"];
  ASSERT_EQ(data.size(), 2u);
  const std::string png = *core::base64_decode(data[0]["b64_json"].get<std::string>());
  EXPECT_TRUE(png.starts_with("\x89PNG\r\n\x1a\n"));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(png.substr(16, 8), std::string("\0\0\1\0\0\0\1\0", 8)) << "256 x 256";
  EXPECT_TRUE(png.ends_with(std::string("IEND\xae\x42\x60\x82", 8)));
  EXPECT_NE(data[0], data[1]) << "each image its own";
}

TEST(Images, UrlsPointAtTheMockWhichServesThemWithoutAKey) {
  MockApp mock;
  const auto answer = mock.post("/v1/images/generations", R"({"prompt":"a lighthouse","size":"512x512"})",
                                {{"Host", "mock.test:8080"}});
  const std::string url = answer.json()["data"][0]["url"];
  ASSERT_TRUE(url.starts_with("http://mock.test:8080/v1/images/files/img-512x512-")) << url;
  const auto image = mock.send("GET", url.substr(std::string("http://mock.test:8080").size()), "", {}, false);
  ASSERT_EQ(image.status, 200) << image.body;
  EXPECT_EQ(image.header("Content-Type"), "image/png");
  EXPECT_EQ(image.body.substr(16, 8), std::string("\0\0\2\0\0\0\2\0", 8));
  EXPECT_EQ(mock.send("GET", "/v1/images/files/img-99999x1-abc.png", "", {}, false).status, 404);
}

TEST(Images, EditsReadPngUploadsAndBadRequestsNameTheParameter) {
  MockApp mock;
  const std::string png = *core::base64_decode(
      mock.post("/v1/images/generations", R"({"prompt":"x","size":"256x256","response_format":"b64_json"})")
          .json()["data"][0]["b64_json"]
          .get<std::string>());
  const auto edit =
      upload(mock, "/v1/images/edits",
             {{"prompt", "add a boat"}, {"size", "256x256"}, {"response_format", "b64_json"}}, "image", png);
  ASSERT_EQ(edit.status, 200) << edit.body;
  EXPECT_EQ(
      upload(mock, "/v1/images/edits", {{"prompt", "x"}}, "image", "not a png").json()["error"]["param"],
      "image");
  EXPECT_EQ(mock.post("/v1/images/generations", R"({"size":"256x256"})").json()["error"]["param"], "prompt");
  EXPECT_EQ(
      mock.post("/v1/images/generations", R"({"prompt":"x","size":"100x100"})").json()["error"]["param"],
      "size");
  EXPECT_EQ(mock.post("/v1/images/generations", R"({"prompt":"x","model":"dall-e-3","n":2})")
                .json()["error"]["param"],
            "n");
  EXPECT_EQ(
      mock.post("/v1/images/generations", R"({"prompt":"x","model":"gpt-image-1","response_format":"url"})")
          .json()["error"]["param"],
      "response_format");
}

}  // namespace
}  // namespace gatecheck::mock
