// WAV (RIFF, PCM 16-bit mono) writer and reader, little-endian; the reader also takes 32-bit float.
#include "spinelab/io/wav.h"

#include "spinelab/io/atomic_file.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace spinelab::io {

namespace {
void Put32(std::string* b, uint32_t v) { for (int i = 0; i < 4; ++i) b->push_back(static_cast<char>((v >> (8 * i)) & 0xff)); }
void Put16(std::string* b, uint16_t v) { for (int i = 0; i < 2; ++i) b->push_back(static_cast<char>((v >> (8 * i)) & 0xff)); }
uint32_t Get32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}
uint16_t Get16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) | (static_cast<unsigned char>(b[at + 1]) << 8));
}
constexpr const char* kScaleNote = "full scale = ";
}  // namespace

std::vector<int16_t> PcmFromPressure(const std::vector<float>& p, double full_scale_Pa) {
  std::vector<int16_t> pcm(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    const double x = std::clamp(static_cast<double>(p[i]) / full_scale_Pa, -1.0, 1.0);
    pcm[i] = static_cast<int16_t>(std::lround(x * 32767.0));
  }
  return pcm;
}

std::vector<float> MixOnTimeline(const std::vector<WavClip>& clips, double duration_s, int fs) {
  size_t n = static_cast<size_t>(std::ceil(std::max(duration_s, 0.0) * fs));
  auto first = [&](const WavClip& c) { return static_cast<size_t>(std::llround(std::max(c.start_s, 0.0) * fs)); };
  for (const WavClip& c : clips)
    if (c.samples) n = std::max(n, first(c) + c.samples->size());
  std::vector<float> track(n, 0.0f);
  for (const WavClip& c : clips)
    if (c.samples)
      for (size_t i = 0; i < c.samples->size(); ++i) track[first(c) + i] += (*c.samples)[i];
  return track;
}

Expected<bool> WriteWav(const std::string& path, const std::vector<float>& samples, int fs, const WavOptions& o) {
  if (fs <= 0 || !(o.full_scale_Pa > 0) || !(o.lead_s >= 0) || !(o.min_duration_s >= 0) || o.lead_s > 3600 ||
      o.min_duration_s > 3600)
    return std::vector<Diagnostic>{{path, "--wav", "bad WAV options (rate, lead, duration or full scale)"}};
  const size_t lead = static_cast<size_t>(std::lround(o.lead_s * fs));
  const size_t n = std::max(lead + samples.size(), static_cast<size_t>(std::ceil(o.min_duration_s * fs)));
  std::vector<float> track(n, 0.0f);
  std::copy(samples.begin(), samples.end(), track.begin() + static_cast<std::ptrdiff_t>(lead));
  const std::vector<int16_t> pcm = PcmFromPressure(track, o.full_scale_Pa);
  if (pcm.size() * 2 > 0xffff0000u) return std::vector<Diagnostic>{{path, "--wav", "too long for a WAV file"}};
  const uint32_t data_bytes = static_cast<uint32_t>(pcm.size() * 2);
  // LIST/INFO after the data (players and Python's wave stop at the data chunk)
  std::string note = "spinelab: acoustic pressure at the listener; " + std::string(kScaleNote);
  char num[64];
  std::snprintf(num, sizeof num, "%.17g", o.full_scale_Pa);
  note += num;
  note += " Pa";
  note.push_back('\0');
  if (note.size() & 1) note.push_back('\0');
  std::string info = "INFO";
  info += "ICMT";
  Put32(&info, static_cast<uint32_t>(note.size()));
  info += note;
  const uint32_t pad = data_bytes & 1;
  std::string b;
  b += "RIFF";
  Put32(&b, 4 + (8 + 16) + (8 + data_bytes + pad) + (8 + static_cast<uint32_t>(info.size())));
  b += "WAVEfmt ";
  Put32(&b, 16);
  Put16(&b, 1);   // PCM
  Put16(&b, 1);   // mono
  Put32(&b, static_cast<uint32_t>(fs));
  Put32(&b, static_cast<uint32_t>(fs) * 2);
  Put16(&b, 2);
  Put16(&b, 16);
  b += "data";
  Put32(&b, data_bytes);
  for (int16_t s : pcm) Put16(&b, static_cast<uint16_t>(s));
  if (pad) b.push_back('\0');
  b += "LIST";
  Put32(&b, static_cast<uint32_t>(info.size()));
  b += info;
  AtomicFile out(path, "--wav");  // the old file stays until the new one is complete
  if (auto w = out.Replace(std::vector<char>(b.begin(), b.end())); !w) return w.errors();
  return true;
}

Expected<WavData> ReadWav(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<Diagnostic>{{path, "", "cannot open"}};
  std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&](const std::string& why) { return std::vector<Diagnostic>{{path, "", "not a mono 16-bit PCM or float WAV: " + why}}; };
  if (b.size() < 44 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) return bad("no RIFF/WAVE header");
  WavData w;
  size_t at = 12;
  bool have_fmt = false, have_data = false;
  size_t data_at = 0, data_len = 0;
  while (at + 8 <= b.size()) {
    const std::string id = b.substr(at, 4);
    const uint32_t len = Get32(b, at + 4);
    if (len > b.size() - at - 8) return bad("chunk '" + id + "' runs past the end");
    if (id == "fmt ") {
      if (len < 16) return bad("short fmt chunk");
      const uint16_t format = Get16(b, at + 8), channels = Get16(b, at + 10), bits = Get16(b, at + 22);
      if (channels != 1 || !((format == 1 && bits == 16) || (format == 3 && bits == 32)))
        return bad("format must be mono 16-bit PCM or 32-bit float");
      w.sample_rate_Hz = static_cast<int>(Get32(b, at + 12));
      w.bits_per_sample = bits;
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) return bad("data before fmt");
      have_data = true;
      data_at = at + 8;
      data_len = len;
    } else if (id == "LIST") {
      const std::string body = b.substr(at + 8, len);
      const size_t k = body.find(kScaleNote);
      if (k != std::string::npos) {
        const double fsc = std::atof(body.c_str() + k + std::strlen(kScaleNote));
        if (fsc > 0 && std::isfinite(fsc)) w.full_scale_Pa = fsc;
      }
    }
    at += 8 + len + (len & 1);
  }
  if (!have_data) return bad("no data chunk");
  const size_t width = w.bits_per_sample / 8;
  w.samples.resize(data_len / width);
  for (size_t i = 0; i < w.samples.size(); ++i) {
    if (width == 2) {
      const int16_t s = static_cast<int16_t>(Get16(b, data_at + 2 * i));
      w.samples[i] = static_cast<float>(s / 32767.0 * w.full_scale_Pa);
    } else {
      const uint32_t u = Get32(b, data_at + 4 * i);
      std::memcpy(&w.samples[i], &u, 4);
    }
  }
  return w;
}

}  // namespace spinelab::io
