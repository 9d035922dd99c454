// GET {base}/models and GET {base}/models/{id}, from the profile's catalog.
#include <gatecheck/core/json_writer.hpp>

#include "call_context.hpp"

namespace gatecheck::mock {
namespace {

// The OpenAI fields, then the vendor fields the profile says its catalogue carries (models.fields).
void write_model(core::JsonWriter& w, const vendor::ModelClaim& model, const vendor::Profile& profile) {
  w.begin_object().key("id").value(model.id).key("object").value("model");
  w.key("created").value(model.created).key("owned_by").value(model.owned_by);
  for (const auto& field : profile.model_fields)
    if (field == "context_window" && model.context_window > 0) w.key(field).value(model.context_window);
  w.end_object();
}

}  // namespace

Reply list_models_endpoint(CallContext& context) {
  std::string out;
  core::JsonWriter w(out);
  w.begin_object().key("object").value("list").key("data").begin_array();
  for (const auto& model : context.profile().models)
    write_model(w, model, context.profile());
  w.end_array().end_object();
  return json_reply(200, std::move(out));
}

Reply retrieve_model_endpoint(CallContext& context) {
  const std::string model_id(context.parameter);
  const vendor::ModelClaim* model = context.profile().find_model(model_id);
  if (model == nullptr) {
    ApiError error = model_not_found(context.profile(), model_id);
    error.param = "model";  // retrieval names the path's model whatever chat completions do
    throw Rejected{std::move(error)};
  }
  std::string out;
  core::JsonWriter w(out);
  write_model(w, *model, context.profile());
  return json_reply(200, std::move(out));
}

}  // namespace gatecheck::mock
