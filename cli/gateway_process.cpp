#include "gateway_process.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace gatecheck::cli {

struct GatewayProcess::Impl {
  core::Redactor redactor;
  pid_t pid = -1;
  std::optional<int> status;  // waitpid's, once reaped
  int out = -1;               // the read end of its output pipe
  std::ofstream log;
  std::thread copier;
  mutable std::mutex mutex;
  std::deque<std::string> last_lines;  // bounded: kTailLines
  std::atomic<bool> stopped = false;   // the gateway was reaped: read what is left, then stop
  std::mutex stopping;                 // stop() runs once, from the end of the gate or from a signal

  static constexpr std::size_t kTailLines = 20;
  static constexpr std::size_t kShownLine = 4096;  // of a line in the tail: the tail stays bounded
  // A "line" without end (binary output) is masked and written in pieces this long; a secret cut by a piece's
  // end is masked as the cut-off start of one.
  static constexpr std::size_t kLongestLine = 1024 * 1024;
  // After the gateway is reaped, what a descendant that left its group still writes is read this long.
  static constexpr auto kDrain = std::chrono::milliseconds(500);

  void keep(std::string line, bool cut = false) {
    line = redactor.redact(line, cut);
    log << line << '\n';
    log.flush();
    const std::lock_guard lock(mutex);
    if (line.size() > kShownLine) line.resize(kShownLine);
    last_lines.push_back(std::move(line));
    if (last_lines.size() > kTailLines) last_lines.pop_front();
  }

  // Copies the output line by line until every writer has closed the pipe (the gateway and its children).
  void copy() {
    std::string pending;
    char buffer[4096];
    std::optional<std::chrono::steady_clock::time_point> until;  // set once the gateway is stopped
    while (true) {
      // Polled, and bounded once the gateway is stopped, so a descendant that left its group and keeps the
      // pipe open (or keeps writing to it) cannot hold the gate command.
      if (stopped && !until) until = std::chrono::steady_clock::now() + kDrain;
      if (until && std::chrono::steady_clock::now() >= *until) break;
      pollfd ready{out, POLLIN, 0};
      const int polled = ::poll(&ready, 1, 100);
      if (polled <= 0) continue;
      const ssize_t n = ::read(out, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      pending.append(buffer, static_cast<std::size_t>(n));
      for (auto newline = pending.find('\n'); newline != std::string::npos; newline = pending.find('\n')) {
        keep(pending.substr(0, newline));
        pending.erase(0, newline + 1);
      }
      if (pending.size() > kLongestLine) keep(std::exchange(pending, {}), true);
    }
    if (!pending.empty()) keep(pending);
  }

  std::mutex reaping;  // ended() from the gate, stop() from a signal

  // Reaps the shell and every child of its group gatecheck has: what the shell left behind is reparented to
  // gatecheck (its subreaper), so nothing lingers as a zombie of an init that reaps late. True once the shell
  // has been reaped.
  bool reap(int options) {
    const std::lock_guard lock(reaping);
    while (true) {
      int value = 0;
      const pid_t done = ::waitpid(-pid, &value, options);
      if (done <= 0) break;
      if (done == pid) status = value;
    }
    return status.has_value();
  }
};

namespace {

std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    const bool replaced =
        std::any_of(extra.begin(), extra.end(), [&](const auto& pair) { return pair.first == name; });
    if (!replaced) out.push_back(entry);
  }
  for (const auto& [name, value] : extra)
    out.push_back(name + "=" + value);
  return out;
}

}  // namespace

GatewayProcess::GatewayProcess(const GatewayLaunch& launch, core::Redactor redactor)
    : impl_(std::make_unique<Impl>()) {
  impl_->redactor = std::move(redactor);
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);  // the gateway's orphans come to gatecheck, to be stopped and reaped
  impl_->log.open(launch.log_path, std::ios::binary | std::ios::trunc);
  if (!impl_->log) throw std::runtime_error("cannot write the gateway's log " + launch.log_path);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed: " + std::string(std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  if (!launch.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, launch.cwd.c_str());
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // the mock's sockets and the log are not its own
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // A group of its own (stopping it stops what it started), and the signals gatecheck blocks to wait for
  // them as they are by default: the gateway must die of the SIGTERM it is sent.
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  std::string shell = "/bin/sh", dash_c = "-c", command = launch.command;
  std::vector<char*> argv = {shell.data(), dash_c.data(), command.data(), nullptr};
  auto env_strings = environment_with(launch.env);
  std::vector<char*> env;
  for (auto& entry : env_strings)
    env.push_back(entry.data());
  env.push_back(nullptr);
  const int rc = ::posix_spawn(&impl_->pid, "/bin/sh", &actions, &attributes, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(pipe_fds[1]);
  impl_->out = pipe_fds[0];
  if (rc != 0) {
    ::close(impl_->out);
    throw std::runtime_error("cannot start /bin/sh: " + std::string(std::strerror(rc)));
  }
  impl_->copier = std::thread([impl = impl_.get()] { impl->copy(); });
}

GatewayProcess::~GatewayProcess() {
  stop();
}

std::optional<std::string> GatewayProcess::ended() {
  if (!impl_->reap(WNOHANG)) return std::nullopt;
  const int status = *impl_->status;
  if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended";
}

void GatewayProcess::stop(std::chrono::milliseconds grace) {
  const std::lock_guard once(impl_->stopping);
  if (impl_->pid <= 0) return;
  // The whole group: a shell's children (node, python) are the gateway, and they get the grace period too,
  // not only the shell that started them.
  ::kill(-impl_->pid, SIGTERM);
  const auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until) {
    if (impl_->reap(WNOHANG) && ::kill(-impl_->pid, 0) != 0) break;  // the shell reaped, its group empty
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-impl_->pid, SIGKILL);  // what ignored SIGTERM, and children the shell left behind
  impl_->reap(0);
  impl_->pid = -1;
  impl_->stopped = true;
  if (impl_->copier.joinable()) impl_->copier.join();  // every writer is gone: the pipe is at its end
  ::close(impl_->out);
}

std::string GatewayProcess::tail() const {
  const std::lock_guard lock(impl_->mutex);
  std::string out;
  for (const auto& line : impl_->last_lines)
    out += "  | " + line + "\n";
  return out;
}

}  // namespace gatecheck::cli
