#include "app_fixture.hpp"

#include <gatecheck/core/headers.hpp>

namespace gatecheck::mock::testing {

std::string Answer::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (core::iequals(key, name)) return value;
  }
  return {};
}

bool Answer::has_header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (core::iequals(key, name)) return true;
  }
  return false;
}

ServerOptions MockApp::default_options() {
  ServerOptions options;
  options.profile = vendor::load_profile("openai");
  options.log_format = LogFormat::none;
  options.fixed_clock = 1700000000;
  return options;
}

MockApp::MockApp(ServerOptions opts) : options(std::move(opts)), app(std::make_unique<App>(options)) {}

Answer MockApp::post(const std::string& path, const std::string& body,
                     std::vector<std::pair<std::string, std::string>> headers) {
  return send("POST", path, body, std::move(headers));
}

Answer MockApp::get(const std::string& path, std::vector<std::pair<std::string, std::string>> headers) {
  return send("GET", path, "", std::move(headers));
}

Answer MockApp::send(const std::string& method, const std::string& path, const std::string& body,
                     std::vector<std::pair<std::string, std::string>> headers, bool with_key) {
  if (with_key) {
    bool has_auth = false;
    for (const auto& [name, value] : headers)
      has_auth = has_auth || core::iequals(name, "authorization");
    if (!has_auth) headers.emplace_back("Authorization", "Bearer sk-test-key");
  }
  Request request;
  request.method = method;
  request.target = path;
  const auto question = path.find('?');
  request.path = std::string_view(path).substr(0, question);
  if (question != std::string::npos) request.query = std::string_view(path).substr(question + 1);
  for (const auto& [name, value] : headers)
    request.headers.emplace_back(name, value);
  request.body = body;
  request.remote = "test";
  Answer answer;
  answer.reply = app->handle(request);
  answer.status = answer.reply.status;
  answer.headers = answer.reply.headers;
  answer.body = answer.reply.body;
  if (answer.reply.stream) {
    std::string event;
    std::chrono::microseconds delay{0};
    while (answer.reply.stream->next(event, delay)) {
      answer.events.push_back(event);
      answer.delays.push_back(delay);
      answer.body += event;
      event.clear();
    }
  }
  return answer;
}

}  // namespace gatecheck::mock::testing
