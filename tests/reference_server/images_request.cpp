// POST /v1/images/generations and /v1/images/edits, the request: checked per model as the API reference
// describes (CreateImageRequest, CreateImageEditRequest). An edit's text fields are read as a JSON body would
// be, so both refuse alike.
#include <string_view>

#include "images.hpp"
#include "png.hpp"
#include "request_json.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

[[noreturn]] void only_for(const std::string& name, const char* models) {
  throw ApiError(400, "Invalid '" + name + "': it is supported only for " + models + ".", name,
                 "invalid_value");
}

bool given(const json& body, const char* name) {
  const json* value = member(body, name);
  return value && !value->is_null();
}

const ModelInfo& image_model(const json& body, bool edit) {
  const ModelInfo& model = given(body, "model") ? require_model(body, ModelKind::image)
                                                : require_model({{"model", "dall-e-2"}}, ModelKind::image);
  if (edit && model.id == "dall-e-3") invalid_value("model", "dall-e-3", "dall-e-2, gpt-image-1");
  return model;
}

void parse_prompt(const json& body, ImagePlan& plan) {
  const json prompt = nullable_string(body, "prompt", "prompt");
  if (prompt.is_null()) missing("prompt");
  plan.prompt = prompt.get<std::string>();
  const std::size_t limit = plan.model->id == "dall-e-2" ? 1000 : plan.model->id == "dall-e-3" ? 4000 : 32000;
  if (plan.prompt.empty() || code_points(plan.prompt) > limit)
    throw ApiError(400, "Invalid 'prompt': expected 1 to " + std::to_string(limit) + " characters.", "prompt",
                   "invalid_value");
}

void parse_size(const json& body, ImagePlan& plan) {
  const std::string_view id = plan.model->id;
  const char* sizes = id == "dall-e-3"   ? "1024x1024, 1792x1024, 1024x1792"
                      : id == "dall-e-2" ? "256x256, 512x512, 1024x1024"
                                         : "1024x1024, 1536x1024, 1024x1536, auto";
  const json size = enum_at(body, "size", "size", sizes);
  plan.size = size.is_string() && size != "auto" ? size.get<std::string>() : "1024x1024";
  const auto x = plan.size.find('x');
  plan.width = static_cast<std::uint32_t>(std::stoul(plan.size.substr(0, x)));
  plan.height = static_cast<std::uint32_t>(std::stoul(plan.size.substr(x + 1)));
  const char* qualities = id == "dall-e-3"   ? "standard, hd, auto"
                          : id == "dall-e-2" ? "standard, auto"
                                             : "low, medium, high, auto";
  const json quality = enum_at(body, "quality", "quality", qualities);
  plan.quality = quality.is_string() && quality != "auto" ? quality.get<std::string>()
                 : id.starts_with("dall-e")               ? "standard"
                                                          : "medium";
}

void parse_output(const json& body, ImagePlan& plan) {
  const bool gpt = plan.model->id == "gpt-image-1";
  const json format = enum_at(body, "response_format", "response_format", "url, b64_json");
  if (gpt && format == "url")
    only_for("response_format", "DALL-E models; gpt-image-1 always answers b64_json");
  plan.url = !gpt && format != "b64_json";  // DALL-E answers with a URL unless asked otherwise
  for (const char* name :
       {"output_format", "output_compression", "background", "moderation", "input_fidelity"})
    if (given(body, name) && !gpt) only_for(name, "gpt-image-1");
  const json output = enum_at(body, "output_format", "output_format", "png, jpeg, webp");
  if (output.is_string() && output != "png")
    throw ApiError(400, "Invalid 'output_format': this server produces only png images.", "output_format",
                   "unsupported_value");
  check_number(body, "output_compression", 0, 100, true);
  plan.transparent = enum_at(body, "background", "background", "transparent, opaque, auto") == "transparent";
  enum_at(body, "moderation", "moderation", "low, auto");
  enum_at(body, "input_fidelity", "input_fidelity", "high, low");
  if (given(body, "style") && (plan.edit || plan.model->id != "dall-e-3")) only_for("style", "dall-e-3");
  enum_at(body, "style", "style", "vivid, natural");
  nullable_string(body, "user", "user");
  check_number(body, "partial_images", 0, 3, true);
  if (bool_at(body, "stream"))
    throw ApiError(400, "Streaming image generation is not supported by this server.", "stream",
                   "unsupported_value");
}

ImagePlan parse_common(const json& body, bool edit) {
  ImagePlan plan;
  plan.edit = edit;
  plan.model = &image_model(body, edit);
  parse_prompt(body, plan);
  check_number(body, "n", 1, 10, true);
  plan.n = static_cast<std::size_t>(int_at(body, "n", 1));
  if (plan.model->id == "dall-e-3" && plan.n != 1) only_for("n", "values of 1 with dall-e-3");
  parse_size(body, plan);
  parse_output(body, plan);
  json canonical = body;  // the same request, streamed or not, gets the same images
  canonical.erase("stream");
  plan.seed = fnv1a(to_text(canonical));
  return plan;
}

// A form field as JSON: the numbers and booleans parsed, the rest kept as strings.
json form_value(const std::string& name, const std::string& text) {
  if (name != "n" && name != "output_compression" && name != "partial_images" && name != "stream")
    return text;
  const json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(text) : parsed;
}

void read_images(const Form& form, ImagePlan& plan) {
  const auto images = form.files("image");
  if (images.empty()) missing("image");
  const bool dalle = plan.model->id == "dall-e-2";
  if (images.size() > (dalle ? 1u : 16u))
    throw ApiError(400, dalle ? "dall-e-2 edits take one image." : "At most 16 images can be edited at once.",
                   "image", "array_above_max_length");
  std::optional<PngSize> first;
  for (const FormPart* image : images) {
    const auto png = png_size(image->body);
    const std::string_view b = image->body;
    const bool other = b.starts_with("\xFF\xD8\xFF") || (b.starts_with("RIFF") && b.substr(8, 4) == "WEBP");
    if (!png && (dalle || !other))
      throw ApiError(400,
                     dalle ? "Invalid 'image': dall-e-2 needs a square PNG file."
                           : "Invalid 'image': send "
                             "PNG, JPEG or WEBP files.",
                     "image", "invalid_value");
    if (dalle && (image->body.size() > (4u << 20) || png->width != png->height))
      throw ApiError(400, "Invalid 'image': dall-e-2 needs a square PNG under 4 MB.", "image",
                     "invalid_value");
    if (!first) first = png;
    plan.seed = fnv1a(image->body, plan.seed);
    plan.image_tokens += 85;  // as a low-detail image costs
  }
  if (const FormPart* mask = form.file("mask")) {
    const auto size = png_size(mask->body);
    if (!size || (first && (size->width != first->width || size->height != first->height)))
      throw ApiError(400, "Invalid 'mask': it must be a PNG of the image's size.", "mask", "invalid_value");
    plan.seed = fnv1a(mask->body, plan.seed);
  }
}

}  // namespace

ImagePlan parse_generation(const json& body) {
  reject_unknown(
      body,
      "prompt model n quality response_format output_format output_compression stream partial_images "
      "size moderation background style user");
  return parse_common(body, false);
}

ImagePlan parse_edit(const Form& form) {
  constexpr std::string_view kFields =
      "prompt model n size response_format user background output_format output_compression input_fidelity "
      "stream partial_images quality";
  form.reject_unknown(std::string(kFields) + " image mask");
  json body = json::object();
  std::string_view rest = kFields;
  while (!rest.empty()) {
    const std::string name(rest.substr(0, rest.find(' ')));
    rest.remove_prefix(std::min(rest.size(), name.size() + 1));
    if (const auto text = form.text(name)) body[name] = form_value(name, *text);
  }
  ImagePlan plan = parse_common(body, true);
  read_images(form, plan);
  return plan;
}

}  // namespace gatecheck::testing::reference
