#pragma once
// Video export (--video out.mp4): the viewer's frames, H.264 in an MP4, with the pops it passed on
// the audio track (AAC, 44.1 kHz mono, 1 Pa at 10 cm = full scale, as in the WAV files).
// Encoded by the `ffmpeg` program (Debian's ffmpeg, installed by scripts/install-deps.sh): the
// frames go to it through a pipe as raw RGB; at Finish the sound is mixed on the video's time line
// and muxed in. The target is replaced only when the video is complete (io::AtomicFile): a failed
// or killed export leaves the old file. No GL here: frames come in as pixel rows.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spinelab/sim/status.h"

namespace spinelab::viewer {

inline constexpr int kVideoFpsChoices[] = {30, 60};  ///< [1/s] the --fps values

class VideoWriter {
 public:
  /// Starts the encoder for `width` x `height` (even numbers: H.264 in yuv420p) at `fps`
  /// (30 or 60). Errors name the path, the size or the missing ffmpeg program.
  static Expected<std::unique_ptr<VideoWriter>> Open(const std::string& path, int width, int height, int fps);
  ~VideoWriter();  ///< an unfinished video is abandoned: the encoder stops, the target is untouched
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  /// One frame: width*height*3 bytes, RGB, rows bottom to top (as glReadPixels gives them).
  Expected<bool> AddFrame(const std::vector<unsigned char>& rgb_bottom_up);
  /// A sound [Pa at 10 cm, 44.1 kHz] that starts with the frame about to be added.
  void AddSound(const std::vector<float>& samples_Pa);
  /// Ends the video, muxes the audio track and replaces the target. The writer is done after it.
  Expected<bool> Finish();

  int frames() const { return frames_; }
  double duration_s() const { return static_cast<double>(frames_) / fps_; }

 private:
  VideoWriter() = default;
  std::string path_, stem_, video_tmp_, audio_tmp_;  // stem_: the temporary files' common prefix
  int width_ = 0, height_ = 0, fps_ = 30, frames_ = 0;
  int pipe_fd_ = -1;
  long pid_ = -1;
  struct Clip {
    double start_s;
    std::vector<float> samples;
  };
  std::vector<Clip> clips_;
};

/// Runs a program (no shell) with `args`, its output to `log_path`; returns its exit status
/// (0 ok), or -1 when it could not start.
int RunProgram(const std::vector<std::string>& args, const std::string& log_path);

}  // namespace spinelab::viewer
