// Runs a program (the real gatecheck binary) with pipes on its standard output and error, for end-to-end
// tests.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace gatecheck::testing {

class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> extra_env = {});
  ~ChildProcess();  // kills and reaps the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of standard output, or nullopt when none arrives in time.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  void signal(int number);
  // The exit code (128 + signal when killed), or nullopt when it has not ended in time.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Everything read so far from standard error (and, after wait(), all of it).
  const std::string& error_output();
  const std::string& output();

 private:
  void drain(int fd, std::string& into);

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string out_buffer_;
  std::string err_buffer_;
  std::string all_out_;
  std::optional<int> status_;
};

// Runs to completion: exit code, stdout, stderr.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult run_program(std::vector<std::string> argv,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

std::string gatecheck_binary();  // the built CLI

// A path in this process's scratch folder, made on first use: $TMPDIR/gatecheck-<tag>-<pid>/<name>.
std::filesystem::path scratch_path(const std::string& tag, const std::string& name);

}  // namespace gatecheck::testing
