#include "audio.h"

#include "spinelab/io/wav.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>

#ifdef SPINELAB_HAVE_OPENAL
#include <AL/al.h>
#include <AL/alc.h>
#endif

namespace spinelab::viewer {

struct AudioPlayer::Impl {
#ifdef SPINELAB_HAVE_OPENAL
  ALCdevice* device = nullptr;
  ALCcontext* context = nullptr;
  std::vector<ALuint> sources, buffers;
  size_t next = 0;
#endif
};

AudioPlayer::AudioPlayer() : impl_(std::make_unique<Impl>()) {
#ifdef SPINELAB_HAVE_OPENAL
  // only where a sound server or a sound card exists (else the audio libraries print errors)
  namespace fs = std::filesystem;
  std::error_code ec;
  const char* run = std::getenv("XDG_RUNTIME_DIR");
  const bool server = std::getenv("PULSE_SERVER") ||
                      (run && (fs::exists(fs::path(run) / "pulse" / "native", ec) || fs::exists(fs::path(run) / "pipewire-0", ec)));
  if (!server && !fs::exists("/dev/snd", ec)) return;
  setenv("ALSOFT_LOGLEVEL", "0", 0);
  impl_->device = alcOpenDevice(nullptr);
  if (!impl_->device) return;
  impl_->context = alcCreateContext(impl_->device, nullptr);
  if (!impl_->context || !alcMakeContextCurrent(impl_->context)) {
    if (impl_->context) alcDestroyContext(impl_->context);
    alcCloseDevice(impl_->device);
    impl_->device = nullptr, impl_->context = nullptr;
    return;
  }
  impl_->sources.resize(8);
  impl_->buffers.resize(8);
  alGenSources(8, impl_->sources.data());
  alGenBuffers(8, impl_->buffers.data());
#endif
}

AudioPlayer::~AudioPlayer() {
#ifdef SPINELAB_HAVE_OPENAL
  if (!impl_->device) return;
  alDeleteSources(static_cast<ALsizei>(impl_->sources.size()), impl_->sources.data());
  alDeleteBuffers(static_cast<ALsizei>(impl_->buffers.size()), impl_->buffers.data());
  alcMakeContextCurrent(nullptr);
  alcDestroyContext(impl_->context);
  alcCloseDevice(impl_->device);
#endif
}

bool AudioPlayer::available() const {
#ifdef SPINELAB_HAVE_OPENAL
  return impl_->device != nullptr;
#else
  return false;
#endif
}

void AudioPlayer::Play(const std::vector<float>& pressure_Pa, double rate_Hz) {
#ifdef SPINELAB_HAVE_OPENAL
  if (!impl_->device || pressure_Pa.empty()) return;
  const std::vector<int16_t> pcm = io::PcmFromPressure(pressure_Pa);  // as the WAV files: 1 Pa full scale
  // a free voice of the pool (the oldest is reused)
  const size_t k = impl_->next++ % impl_->sources.size();
  alSourceStop(impl_->sources[k]);
  alSourcei(impl_->sources[k], AL_BUFFER, 0);
  alBufferData(impl_->buffers[k], AL_FORMAT_MONO16, pcm.data(), static_cast<ALsizei>(pcm.size() * sizeof(int16_t)),
               static_cast<ALsizei>(rate_Hz));
  alSourcei(impl_->sources[k], AL_BUFFER, static_cast<ALint>(impl_->buffers[k]));
  alSourcePlay(impl_->sources[k]);
#else
  (void)pressure_Pa;
  (void)rate_Hz;
#endif
}

}  // namespace spinelab::viewer
