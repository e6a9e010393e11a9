// WAV (RIFF, WAVE_FORMAT_IEEE_FLOAT = 3) writer and reader, little-endian.
#include "spinelab/io/wav.h"

#include "spinelab/io/atomic_file.h"

#include <cstdint>
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
}  // namespace

Expected<bool> WriteWav(const std::string& path, const std::vector<float>& samples, int fs) {
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * 4);
  std::string b;
  b += "RIFF";
  Put32(&b, 36 + data_bytes);
  b += "WAVEfmt ";
  Put32(&b, 16);
  Put16(&b, 3);   // IEEE float
  Put16(&b, 1);   // mono
  Put32(&b, static_cast<uint32_t>(fs));
  Put32(&b, static_cast<uint32_t>(fs) * 4);
  Put16(&b, 4);
  Put16(&b, 32);
  b += "data";
  Put32(&b, data_bytes);
  for (float s : samples) {
    uint32_t u;
    std::memcpy(&u, &s, 4);
    Put32(&b, u);
  }
  AtomicFile out(path, "--wav");  // the old file stays until the new one is complete
  if (auto w = out.Write(std::vector<char>(b.begin(), b.end())); !w) return w.errors();
  if (auto c = out.Commit(); !c) return c.errors();
  return true;
}

Expected<WavData> ReadWav(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<Diagnostic>{{path, "", "cannot open"}};
  std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&](const std::string& why) { return std::vector<Diagnostic>{{path, "", "not a mono float WAV: " + why}}; };
  if (b.size() < 44 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) return bad("no RIFF/WAVE header");
  WavData w;
  size_t at = 12;
  bool have_fmt = false;
  while (at + 8 <= b.size()) {
    const std::string id = b.substr(at, 4);
    const uint32_t len = Get32(b, at + 4);
    if (at + 8 + len > b.size()) return bad("chunk '" + id + "' runs past the end");
    if (id == "fmt ") {
      if (Get16(b, at + 8) != 3 || Get16(b, at + 10) != 1 || Get16(b, at + 22) != 32) return bad("format must be 32-bit float mono");
      w.sample_rate_Hz = static_cast<int>(Get32(b, at + 12));
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) return bad("data before fmt");
      w.samples.resize(len / 4);
      for (size_t i = 0; i < w.samples.size(); ++i) {
        const uint32_t u = Get32(b, at + 8 + 4 * i);
        std::memcpy(&w.samples[i], &u, 4);
      }
      return w;
    }
    at += 8 + len + (len & 1);
  }
  return bad("no data chunk");
}

}  // namespace spinelab::io
