// The gateway under test as a child of `gatecheck gate`: started with /bin/sh -c in a process group of its
// own (so its children stop with it), its output copied to a log with secrets masked, stopped with SIGTERM
// and, after a grace period, SIGKILL. Nothing outlives the gate command.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gatecheck/core/redact.hpp>

namespace gatecheck::cli {

struct GatewayLaunch {
  std::string command;                                   // for /bin/sh -c
  std::string cwd;                                       // empty: the current folder
  std::vector<std::pair<std::string, std::string>> env;  // added to gatecheck's own
  std::string log_path;                                  // its standard output and error, masked
};

class GatewayProcess {
 public:
  // Throws std::runtime_error when the log cannot be opened or the shell cannot be started.
  GatewayProcess(const GatewayLaunch& launch, core::Redactor redactor);
  ~GatewayProcess();  // stop()
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  // "exited with 1", "killed by signal 9" once it has ended; nullopt while it runs.
  std::optional<std::string> ended();
  // SIGTERM to its group; SIGKILL after `grace`. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // Its last lines of output (masked), for an error message.
  std::string tail() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatecheck::cli
