#pragma once
// The pop, audible: OpenAL (Debian libopenal) plays a cavitation's recorded sound (the capsule
// model's acoustic pressure at 10 cm). Without an audio device the player is silent, without
// error.
#include <memory>
#include <vector>

namespace spinelab::viewer {

class AudioPlayer {
 public:
  AudioPlayer();   ///< opens the default device, if there is one
  ~AudioPlayer();
  bool available() const;
  /// Plays acoustic pressure samples [Pa] at `rate_Hz`; 1 Pa plays at full scale (~94 dB SPL).
  void Play(const std::vector<float>& pressure_Pa, double rate_Hz);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spinelab::viewer
