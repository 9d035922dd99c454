// Speech to text (POST /v1/audio/transcriptions and /v1/audio/translations): the multipart request reduced to
// a TranscriptionPlan, and the transcript in each response format.
#pragma once

#include <cstdint>
#include <string>

#include "endpoints.hpp"
#include "multipart.hpp"

namespace gatecheck::testing::reference {

struct TranscriptionPlan {
  bool translate = false;
  const ModelInfo* model = nullptr;
  std::string format = "json";  // json | text | srt | verbose_json | vtt
  bool words = false;           // timestamp_granularities includes word (verbose_json)
  bool segments = true;         // ... includes segment, the default
  bool stream = false;          // gpt-4o-* transcriptions only; whisper-1 ignores it, as the API does
  bool logprobs = false;        // include[]=logprobs
  std::string language = "english";
  double temperature = 0;
  std::size_t prompt_tokens = 0;
  double seconds = 0;      // the audio's length
  std::uint64_t seed = 0;  // of the file's bytes and the task
};

TranscriptionPlan parse_transcription(const Form& form, bool translate);  // throws ApiError

}  // namespace gatecheck::testing::reference
