// POST /v1/images/generations and /v1/images/edits, the answer: n seeded gradient PNGs of the size asked,
// as base64 or as URLs on this server (kept in an ImageStore, served without auth like a pre-signed link).
#include <chrono>

#include "generation.hpp"
#include "image_store.hpp"
#include "images.hpp"
#include "png.hpp"
#include "request_json.hpp"
#include "text.hpp"

namespace gatecheck::testing::reference {
namespace {

// The Host the client used, when it is a plain host[:port]; else the loopback address.
std::string origin(const Request& req) {
  const std::string host(trim(req.header("host").value_or("")));
  const bool plain = !host.empty() && host.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789.-:[]") == std::string::npos;
  return "http://" + (plain ? host : std::string("127.0.0.1"));
}

// What gpt-image-1 bills for one image of 1024x1024 at each quality; larger sizes cost half as much again.
std::size_t output_tokens(const ImagePlan& plan) {
  const std::size_t square = plan.quality == "low" ? 272 : plan.quality == "high" ? 4160 : 1056;
  return plan.width == plan.height ? square : square * 3 / 2;
}

json gpt_image_extras(const ImagePlan& plan) {
  const std::size_t text = word_count(plan.prompt);
  const std::size_t out = output_tokens(plan) * plan.n;
  return {{"background", plan.transparent ? "transparent" : "opaque"},
          {"output_format", "png"},
          {"size", plan.size},
          {"quality", plan.quality},
          {"usage",
           {{"input_tokens", text + plan.image_tokens},
            {"input_tokens_details", {{"text_tokens", text}, {"image_tokens", plan.image_tokens}}},
            {"output_tokens", out},
            {"output_tokens_details", {{"text_tokens", 0}, {"image_tokens", out}}},
            {"total_tokens", text + plan.image_tokens + out}}}};
}

}  // namespace

Response images_response(const Request& req, const json* body, ImageStore& store) {
  const ImagePlan plan = body ? parse_generation(*body) : parse_edit(Form(parse_multipart(req)));
  const auto now = std::chrono::system_clock::now();
  json answer = {
      {"created", std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()},
      {"data", json::array()}};
  Rng rng(plan.seed);
  for (std::size_t i = 0; i < plan.n; ++i) {
    const std::uint64_t seed = rng.next();
    std::string png = png_gradient(plan.width, plan.height, seed, plan.transparent);
    json image = json::object();
    if (plan.url) {
      const std::string name = "img-" + hex(seed, 16) + ".png";
      store.put(name, std::move(png));
      // A query string like a pre-signed link's; this server ignores it.
      image["url"] = origin(req) + "/blob/images/" + name +
                     "?se=" + std::to_string(answer["created"].get<long long>() + 3600) + "&sp=r";
    } else {
      image["b64_json"] = base64(png);
    }
    if (plan.model->id == "dall-e-3")
      image["revised_prompt"] = "An image of " + plan.prompt + ": " + prose(rng);
    answer["data"].push_back(image);
  }
  if (plan.model->id == "gpt-image-1") answer.update(gpt_image_extras(plan));
  return json_response(200, answer);
}

Response stored_image(const std::string& name, const ImageStore& store) {
  const auto png = store.get(name);
  if (!png) throw ApiError(404, "The image '" + name + "' does not exist or has expired.");
  Response res;
  res.headers = {{"content-type", "image/png"}, {"cache-control", "private, max-age=3600"}};
  res.body = *png;
  return res;
}

}  // namespace gatecheck::testing::reference
