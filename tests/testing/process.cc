#include "testing/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

extern char** environ;

namespace tinkr::testing {
namespace {

std::vector<std::string> build_env(const ProcessOptions& o) {
  std::map<std::string, std::string> vars;
  if (o.inherit_env) {
    for (char** e = environ; e && *e; ++e) {
      std::string_view kv(*e);
      auto eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      vars[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
  }
  for (const auto& name : o.unset_env) vars.erase(name);
  for (const auto& [k, v] : o.env) vars[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

}  // namespace

std::unique_ptr<ChildProcess> ChildProcess::spawn(const std::filesystem::path& program, const ProcessOptions& options,
                                                  std::string* error) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 || ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    if (error) *error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::string cwd;
  if (options.cwd) {
    cwd = options.cwd->string();
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  }

  std::vector<std::string> args_storage;
  args_storage.push_back(program.string());
  for (const auto& a : options.args) args_storage.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = build_env(options);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::unique_ptr<ChildProcess> child(new ChildProcess());
  int rc = ::posix_spawn(&child->pid_, args_storage[0].c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    if (error) *error = "spawn " + program.string() + ": " + std::strerror(rc);
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    child->pid_ = -1;
    return nullptr;
  }
  if (options.stdin_data) {
    const std::string& data = *options.stdin_data;
    size_t off = 0;
    ::signal(SIGPIPE, SIG_IGN);
    while (off < data.size()) {
      ssize_t n = ::write(in_pipe[1], data.data() + off, data.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
  }
  ::close(in_pipe[1]);
  ChildProcess* self = child.get();
  child->out_reader_ = std::thread([self, fd = out_pipe[0]] { self->read_loop(fd, &self->out_); });
  child->err_reader_ = std::thread([self, fd = err_pipe[0]] { self->read_loop(fd, &self->err_); });
  return child;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    signal(SIGTERM);
    if (!wait(std::chrono::seconds(5))) {
      signal(SIGKILL);
      (void)wait(std::chrono::seconds(5));
    }
  }
  if (out_reader_.joinable()) out_reader_.join();
  if (err_reader_.joinable()) err_reader_.join();
}

void ChildProcess::read_loop(int fd, Stream* stream) {
  char buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mu_);
    if (n <= 0) {
      stream->closed = true;
      cv_.notify_all();
      break;
    }
    stream->text.append(buf, static_cast<size_t>(n));
    cv_.notify_all();
  }
  ::close(fd);
}

std::optional<std::string> ChildProcess::wait_for_line(Stream* stream, std::string_view needle,
                                                       std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    size_t start = 0;
    while (true) {
      size_t nl = stream->text.find('\n', start);
      if (nl == std::string::npos) break;
      std::string_view line(stream->text.data() + start, nl - start);
      if (line.find(needle) != std::string_view::npos) return std::string(line);
      start = nl + 1;
    }
    if (stream->closed) {
      std::string_view rest(stream->text.data() + start, stream->text.size() - start);
      if (!rest.empty() && rest.find(needle) != std::string_view::npos) return std::string(rest);
      return std::nullopt;
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
  }
}

std::optional<std::string> ChildProcess::wait_for_stdout_line(std::string_view needle,
                                                              std::chrono::milliseconds timeout) {
  return wait_for_line(&out_, needle, timeout);
}

std::optional<std::string> ChildProcess::wait_for_stderr_line(std::string_view needle,
                                                              std::chrono::milliseconds timeout) {
  return wait_for_line(&err_, needle, timeout);
}

void ChildProcess::signal(int sig) {
  if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  if (pid_ <= 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      if (WIFEXITED(status)) status_ = WEXITSTATUS(status);
      else if (WIFSIGNALED(status)) status_ = 128 + WTERMSIG(status);
      else status_ = -1;
      // The child is gone, but the readers may not have drained its pipes yet:
      // wait for both to reach end of file, so that stdout_text() is complete
      // (bounded, in case a grandchild still holds a pipe open).
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(5), [this] { return out_.closed && err_.closed; });
      return status_;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string ChildProcess::stdout_text() const {
  std::lock_guard lock(mu_);
  return out_.text;
}

std::string ChildProcess::stderr_text() const {
  std::lock_guard lock(mu_);
  return err_.text;
}

}  // namespace tinkr::testing
