#include "api_error.hpp"

#include <gatecheck/core/json_writer.hpp>

namespace gatecheck::mock {

std::string render_error(const vendor::Profile& profile, const ApiError& error, std::string_view trace_id) {
  const std::string type = error.type.empty() ? profile.error_type(error.status) : error.type;
  std::string out;
  core::JsonWriter w(out);
  if (profile.envelope == vendor::ErrorEnvelope::anthropic) {
    // Anthropic: {"type": "error", "error": {"type", "message"}}; the parameter is named in the message.
    w.begin_object().key("type").value("error").key("error").begin_object();
    w.key("type").value(type).key("message").value(error.message);
    w.end_object().end_object();
    return out;
  }
  w.begin_object().key("error").begin_object();
  w.key("message").value(error.message);
  w.key("type").value(type);
  if (profile.envelope == vendor::ErrorEnvelope::simplio) {
    // Simplio: an integer code (the HTTP status unless the error names one) and a trace id.
    w.key("code");
    if (error.code.is_number_integer()) {
      w.value(error.code);
    } else {
      w.value(error.status);
    }
    w.key("trace_id").value(trace_id);
  } else {
    w.key("param").value(error.param);
    w.key("code").value(error.code);
  }
  w.end_object().end_object();
  return out;
}

}  // namespace gatecheck::mock
