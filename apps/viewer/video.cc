// Video export through the ffmpeg program: raw RGB frames on its standard input, H.264 out; the
// pops mixed on the video's time line into a WAV and muxed as AAC; the result replaces the
// target through io::AtomicFile.
#include "video.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "spinelab/io/atomic_file.h"
#include "spinelab/io/wav.h"
#include "spinelab/sim/state.h"

extern char** environ;

namespace spinelab::viewer {

namespace {

Expected<bool> Fail(const std::string& path, const std::string& why) {
  return std::vector<Diagnostic>{{"", "--video", path + ": " + why}};
}

// starts `args` with a pipe to its standard input; stdout/stderr to `log`
bool Spawn(const std::vector<std::string>& args, const std::string& log, int* stdin_fd, long* pid_out) {
  int fds[2] = {-1, -1};
  if (stdin_fd && pipe2(fds, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (stdin_fd) posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
  else posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (stdin_fd) {
    close(fds[0]);
    if (rc != 0) {
      close(fds[1]);
      return false;
    }
    *stdin_fd = fds[1];
  }
  if (rc != 0) return false;
  *pid_out = pid;
  return true;
}

int Wait(long pid) {
  int status = 0;
  while (waitpid(static_cast<pid_t>(pid), &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// the last lines of an encoder log, for the message
std::string Tail(const std::string& log) {
  std::string text;
  if (FILE* f = std::fopen(log.c_str(), "r")) {
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const size_t cut = text.rfind('\n', text.size() > 400 ? text.size() - 400 : 0);
  return text.substr(cut == std::string::npos ? 0 : cut + 1);
}

}  // namespace

int RunProgram(const std::vector<std::string>& args, const std::string& log_path) {
  long pid = -1;
  if (!Spawn(args, log_path, nullptr, &pid)) return -1;
  return Wait(pid);
}

Expected<std::unique_ptr<VideoWriter>> VideoWriter::Open(const std::string& path, int width, int height, int fps) {
  auto fail = [&](const std::string& why) { return Fail(path, why).errors(); };
  if (fps != kVideoFpsChoices[0] && fps != kVideoFpsChoices[1]) return fail("--fps " + std::to_string(fps) + ": allowed 30 or 60");
  if (width % 2 || height % 2) return fail("H.264 needs an even frame size, got " + std::to_string(width) + "x" + std::to_string(height));
  // the folder must take the new file (checked before any frame is rendered)
  io::AtomicFile probe(path, "--video");
  if (auto ok = probe.Open(); !ok) return ok.errors();
  probe.Abandon();
  if (RunProgram({"ffmpeg", "-hide_banner", "-version"}, "/dev/null") != 0)
    return fail("needs the ffmpeg program (Debian package ffmpeg; scripts/install-deps.sh installs it)");
  std::unique_ptr<VideoWriter> v(new VideoWriter());
  v->path_ = path;
  v->width_ = width, v->height_ = height, v->fps_ = fps;
  const std::string stem = (std::filesystem::temp_directory_path() / ("spinelab-video-" + std::to_string(getpid()))).string();
  v->stem_ = stem;
  v->video_tmp_ = stem + "-frames.mp4";
  v->audio_tmp_ = stem + "-pops.wav";
  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  // the frames come bottom row first (glReadPixels): vflip; yuv420p plays everywhere
  if (!Spawn({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", size,
              "-r", std::to_string(fps), "-i", "-", "-vf", "vflip", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
              "-pix_fmt", "yuv420p", v->video_tmp_},
             stem + "-encode.log", &v->pipe_fd_, &v->pid_))
    return fail(std::string("could not start ffmpeg: ") + std::strerror(errno));
  return v;
}

VideoWriter::~VideoWriter() {
  if (pipe_fd_ >= 0) close(pipe_fd_);
  if (pid_ > 0) {
    kill(static_cast<pid_t>(pid_), SIGTERM);
    Wait(pid_);
  }
  std::error_code ec;
  if (!stem_.empty())
    for (const char* f : {"-frames.mp4", "-pops.wav", "-encode.log", "-mux.log"}) std::filesystem::remove(stem_ + f, ec);
}

Expected<bool> VideoWriter::AddFrame(const std::vector<unsigned char>& rgb) {
  if (pipe_fd_ < 0) return Fail(path_, "the video is finished");
  if (rgb.size() != static_cast<size_t>(width_) * height_ * 3) return Fail(path_, "a frame of the wrong size");
  // SIGPIPE if the encoder died: ignored here, write() then fails and says so
  struct sigaction ign {}, old {};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  size_t done = 0;
  while (done < rgb.size()) {
    const ssize_t n = write(pipe_fd_, rgb.data() + done, rgb.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  sigaction(SIGPIPE, &old, nullptr);
  if (done != rgb.size()) return Fail(path_, "the encoder (ffmpeg) stopped taking frames");
  ++frames_;
  return true;
}

void VideoWriter::AddSound(const std::vector<float>& samples_Pa) {
  if (!samples_Pa.empty()) clips_.push_back({duration_s(), samples_Pa});
}

Expected<bool> VideoWriter::Finish() {
  if (pipe_fd_ < 0) return Fail(path_, "the video is finished");
  close(pipe_fd_);
  pipe_fd_ = -1;
  const std::string& stem = stem_;
  const int rc = Wait(pid_);
  pid_ = -1;
  if (rc != 0 || frames_ == 0)
    return Fail(path_, "the encoder failed (ffmpeg exit " + std::to_string(rc) + "): " + Tail(stem + "-encode.log"));
  // the pops on the video's time line (silence where there are none: the track is always there)
  std::vector<io::WavClip> clips;
  for (const Clip& c : clips_) clips.push_back({c.start_s, &c.samples});
  const int fs = static_cast<int>(sim::kSoundSampleRate_Hz);
  io::WavOptions wo;
  wo.lead_s = 0, wo.min_duration_s = 0;
  if (auto ok = io::WriteWav(audio_tmp_, io::MixOnTimeline(clips, duration_s(), fs), fs, wo); !ok) return ok;
  io::AtomicFile out(path_, "--video");
  if (auto ok = out.Open(); !ok) return ok;
  const int mux = RunProgram({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", video_tmp_, "-i", audio_tmp_,
                              "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-b:a", "128k",
                              "-t", std::to_string(duration_s()), "-movflags", "+faststart", "-f", "mp4", out.temp_path()},
                             stem + "-mux.log");
  if (mux != 0) return Fail(path_, "muxing the audio failed (ffmpeg exit " + std::to_string(mux) + "): " + Tail(stem + "-mux.log"));
  return out.Commit();  // the temporary files go with the writer
}

}  // namespace spinelab::viewer
