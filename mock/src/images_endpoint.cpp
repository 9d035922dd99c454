// POST {base}/images/generations and /images/edits: real PNG images (png.hpp), drawn from the prompt (and
// the edited images' bytes), as b64_json or as a url on the mock itself. GET {base}/images/files/{name}
// serves that url: the name holds the size and the seed, so the image is drawn again rather than stored
// (nothing to bound), and it needs no key, like the API's pre-signed links.
#include <charconv>

#include <gatecheck/core/crypto.hpp>
#include <gatecheck/core/json_writer.hpp>
#include <gatecheck/core/multipart.hpp>

#include "call_context.hpp"
#include "generator.hpp"
#include "png.hpp"
#include "request_checks.hpp"

namespace gatecheck::mock {
namespace {

struct ImageModel {
  std::string_view id;
  std::vector<std::string_view> sizes;
  std::uint32_t max_n;
  bool urls;  // dall-e answers with urls by default; gpt-image-1 only with b64_json
};
const ImageModel kImageModels[] = {
    {"dall-e-2", {"256x256", "512x512", "1024x1024"}, 10, true},
    {"dall-e-3", {"1024x1024", "1792x1024", "1024x1792"}, 1, true},
    {"gpt-image-1", {"1024x1024", "1536x1024", "1024x1536", "auto"}, 10, false},
};

struct ImageRequest {
  const ImageModel* model = nullptr;
  std::string prompt;
  std::uint32_t n = 1;
  std::uint32_t width = 1024, height = 1024;
  bool url = true;
  std::uint64_t seed = 0;
};

[[noreturn]] void bad(const std::string& message, const std::string& param,
                      const char* code = "invalid_value") {
  throw Rejected{ApiError::invalid(message, param, code)};
}

// The options both APIs share, from their JSON or form fields (`get` returns a field's text, if given).
template <class Get>
void read_options(Get get, const vendor::Profile& profile, ImageRequest& request) {
  const std::string model = get("model").value_or("dall-e-2");
  require_model(profile, model, "image", "The model `" + model + "` does not generate images.");
  for (const auto& candidate : kImageModels)
    if (candidate.id == model) request.model = &candidate;
  if (request.model == nullptr)
    bad("The model `" + model + "` is not served by this mock's images API.", "model");
  request.prompt = get("prompt").value_or("");
  if (request.prompt.empty())
    bad("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
  if (const auto n = get("n")) {
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(n->data(), n->data() + n->size(), value);
    if (ec != std::errc() || end != n->data() + n->size() || value < 1 || value > request.model->max_n)
      bad("Invalid 'n': expected an integer from 1 to " + std::to_string(request.model->max_n) + " for " +
              model + ".",
          "n");
    request.n = value;
  }
  const std::string size = get("size").value_or("1024x1024");
  const auto& sizes = request.model->sizes;
  if (std::find(sizes.begin(), sizes.end(), size) == sizes.end())
    bad(
        "Invalid value: '" + size + "'. Supported sizes for " + model + " are: " +
            [&] {
              std::string list;
              for (const auto& s : sizes)
                list += (list.empty() ? "" : ", ") + std::string(s);
              return list;
            }() +
            ".",
        "size");
  if (size != "auto") {
    request.width = static_cast<std::uint32_t>(std::stoul(size.substr(0, size.find('x'))));
    request.height = static_cast<std::uint32_t>(std::stoul(size.substr(size.find('x') + 1)));
  }
  const std::string format = get("response_format").value_or(request.model->urls ? "url" : "b64_json");
  if (format != "url" && format != "b64_json")
    bad("Invalid value: '" + format + "'. Supported values are: 'url' and 'b64_json'.", "response_format");
  if (format == "url" && !request.model->urls)
    bad(model + " answers with b64_json only.", "response_format", "unsupported_value");
  request.url = format == "url";
  const std::string output = get("output_format").value_or("png");
  if (output != "png")
    bad("This mock draws PNG only; output_format '" + output + "' is not served.", "output_format");
}

ImageRequest read_generation(const CallContext& context) {
  const RequestJson document(context.request.body);
  const ParamReader reader(document.root(), "");
  if (context.profile().strict_parameters)
    reader.only({"prompt", "model", "n", "size", "quality", "response_format", "style", "user",
                 "output_format", "background", "moderation", "output_compression", "partial_images",
                 "stream"});
  if (reader.boolean("stream").value_or(false))
    reader.invalid_value("stream", "Streamed images are not served by this mock.");
  if (const auto n = reader.find("n"); n && !n->is(JsonValue::Kind::integer))
    reader.invalid_type("n", "an integer", *n);
  ImageRequest request;
  read_options(
      [&](std::string_view name) -> std::optional<std::string> {
        if (name == "n") {
          const auto n = reader.find("n");
          return n ? std::optional<std::string>(n->literal()) : std::nullopt;
        }
        return reader.string(name);
      },
      context.profile(), request);
  request.seed = hash64(request.prompt, hash64(request.model->id, context.options.seed));
  return request;
}

ImageRequest read_edit(const CallContext& context) {
  std::string error;
  const auto form = core::parse_multipart(context.request.body,
                                          context.request.header("content-type").value_or(""), error, 32);
  if (!form) bad("Could not read the multipart/form-data body: " + error + ".", "image", "invalid_multipart");
  std::uint64_t images = 0;
  std::size_t image_count = 0;
  for (const auto& part : *form) {
    if (part.name != "image" && part.name != "image[]" && part.name != "mask") continue;
    const bool image =
        part.data.starts_with("\x89PNG\r\n\x1a\n") || part.data.starts_with("\xff\xd8\xff") ||
        (part.data.size() >= 12 && part.data.starts_with("RIFF") && part.data.substr(8, 4) == "WEBP");
    if (!image)
      bad("Uploaded image must be a PNG, JPEG or WebP file.", part.name == "mask" ? "mask" : "image");
    if (part.name != "mask") ++image_count;
    images = hash64(part.data, images);
  }
  if (image_count == 0) bad("Missing required parameter: 'image'.", "image", "missing_required_parameter");
  ImageRequest request;
  read_options(
      [&](std::string_view name) -> std::optional<std::string> {
        for (const auto& part : *form)
          if (part.name == name && !part.is_file) return std::string(part.data);
        return std::nullopt;
      },
      context.profile(), request);
  request.seed = hash64(request.prompt, images ^ context.options.seed);
  return request;
}

std::string file_name(const ImageRequest& request, std::uint32_t i) {
  return "img-" + std::to_string(request.width) + "x" + std::to_string(request.height) + "-" +
         make_id("", mix64(request.seed + i), 16) + ".png";
}

Reply images_reply(CallContext& context, const ImageRequest& request) {
  std::string out;
  core::JsonWriter w(out);
  w.begin_object().key("created").value(context.created).key("data").begin_array();
  const std::string host(context.request.header("host").value_or("127.0.0.1"));
  for (std::uint32_t i = 0; i < request.n; ++i) {
    w.begin_object();
    if (request.url) {
      w.key("url").value("http://" + host + context.profile().base_path + "/images/files/" +
                         file_name(request, i));
    } else {
      std::string png = png_image(request.width, request.height, mix64(request.seed + i));
      // The image-b64-broken fault: a relay that cuts long strings short.
      if (context.faults().has(Fault::image_b64_broken)) png.resize(png.size() / 2);
      w.key("b64_json").value(core::base64_encode(png));
    }
    if (request.model->id == "dall-e-3") w.key("revised_prompt").value(request.prompt);
    w.end_object();
  }
  w.end_array();
  if (request.model->id == "gpt-image-1") {
    const std::uint64_t in = count_tokens(request.prompt), images = 272ull * request.n;
    w.key("usage").begin_object().key("input_tokens").value(in).key("input_tokens_details").begin_object();
    w.key("text_tokens").value(in).key("image_tokens").value(std::uint64_t{0}).end_object();
    w.key("output_tokens").value(images).key("total_tokens").value(in + images).end_object();
  }
  w.end_object();
  context.tokens_used = count_tokens(request.prompt);
  return json_reply(200, std::move(out));
}

}  // namespace

Reply image_generations_endpoint(CallContext& context) {
  return images_reply(context, read_generation(context));
}

Reply image_edits_endpoint(CallContext& context) {
  return images_reply(context, read_edit(context));
}

Reply image_file_endpoint(CallContext& context) {
  // img-<W>x<H>-<16 id characters>.png, as images_reply names them; anything else is not an image here.
  const std::string_view name = context.parameter;
  std::uint32_t width = 0, height = 0;
  const char* at = name.data() + 4;
  const char* end = name.data() + name.size();
  const bool named = name.starts_with("img-") && name.ends_with(".png") && name.size() < 64;
  const auto w_end = named ? std::from_chars(at, end, width).ptr : at;
  const auto h_end = named && w_end < end && *w_end == 'x' ? std::from_chars(w_end + 1, end, height).ptr : at;
  if (!named || width == 0 || height == 0 || width > 1792 || height > 1792 || h_end >= end || *h_end != '-' ||
      end - h_end != 1 + 16 + 4)
    throw Rejected{ApiError{404, "No image named '" + std::string(name) + "'.", {}, nullptr, nullptr, {}}};
  Reply reply;
  reply.body = png_image(width, height, hash64(std::string_view(h_end + 1, 16)));
  reply.headers.emplace_back("Content-Type", "image/png");
  return reply;
}

}  // namespace gatecheck::mock
