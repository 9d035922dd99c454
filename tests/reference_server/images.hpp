// Image generation and editing (POST /v1/images/generations, /v1/images/edits): the request reduced to an
// ImagePlan, from a JSON body or a multipart form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "endpoints.hpp"
#include "multipart.hpp"

namespace gatecheck::testing::reference {

struct ImagePlan {
  const ModelInfo* model = nullptr;
  bool edit = false;
  std::string prompt;
  std::size_t n = 1;
  std::string size;  // WIDTHxHEIGHT, auto resolved
  std::uint32_t width = 1024;
  std::uint32_t height = 1024;
  std::string quality;  // auto resolved: standard for DALL-E, medium for gpt-image-1
  bool url = false;     // response_format url (DALL-E's default) rather than b64_json
  bool transparent = false;
  std::size_t image_tokens = 0;  // the input images of an edit
  std::uint64_t seed = 0;        // of the request, `stream` aside, and the input images
};

ImagePlan parse_generation(const json& body);  // throws ApiError
ImagePlan parse_edit(const Form& form);        // throws ApiError

}  // namespace gatecheck::testing::reference
