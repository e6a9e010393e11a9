// The pop as heard: the tissue ring (sim/tissue_ring.h) against its closed form, the distraction's
// pop against the literature (duration: Dunning et al. 2013; peak frequency: Reggars 1996), the
// stored sound of a scenario's pops, and the WAV files (16-bit PCM through Python's `wave`).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "apps/cli_util.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/io/wav.h"
#include "spinelab/lab/distraction.h"
#include "spinelab/lab/sound.h"
#include "spinelab/sim/state.h"
#include "spinelab/sim/tissue_ring.h"

namespace spinelab::sim {
namespace {

constexpr double kFs = kSoundSampleRate_Hz;

// an impulse rings at the damped frequency and decays as exp(−ζωt): the closed form of the
// base-excited oscillator's impulse response, sampled (bilinear transform: tight, not exact)
TEST(TissueRing, AnImpulseRingsAtTheDampedFrequencyAndDecaysAtZetaOmega) {
  CapsuleParams c;
  c.tissue_ring_Hz = 333;
  c.tissue_ring_damping_ratio = 0.2;
  std::vector<float> x(1, 1.0f);
  const std::vector<float> y = RadiateThroughTissue(c, x, kFs, 4410);
  ASSERT_EQ(y.size(), 4410u);
  // zero crossings of the tail: half periods of the damped ring
  std::vector<double> zc;
  for (size_t i = 200; i + 1 < y.size() && zc.size() < 8; ++i)
    if ((y[i] > 0) != (y[i + 1] > 0)) zc.push_back(i + y[i] / (y[i] - y[i + 1]));
  ASSERT_GE(zc.size(), 6u);
  const double fd = kFs / (2 * (zc[5] - zc[1]) / 4);
  const double f_expected = 333 * std::sqrt(1 - 0.2 * 0.2);
  EXPECT_NEAR(fd, f_expected, 0.01 * f_expected);
  // envelope: peaks one period apart shrink by exp(−ζω·T_d)
  auto peak_near = [&](double at) {
    double m = 0;
    for (size_t i = static_cast<size_t>(at); i < static_cast<size_t>(at + kFs / fd); ++i) m = std::max(m, std::abs(double(y[i])));
    return m;
  };
  const double Td = kFs / fd, ratio = peak_near(zc[1] + Td) / peak_near(zc[1]);
  EXPECT_NEAR(ratio, std::exp(-0.2 * 2 * kPi * 333 / fd), 0.02);
  // the incompressible limit: a slow signal passes unchanged (DC gain 1)
  std::vector<float> dc(44100, 0.5f);
  EXPECT_NEAR(RadiateThroughTissue(c, dc, kFs).back(), 0.5, 1e-4);
  EXPECT_NEAR(TissueRingDecayTime(c), 1.0 / (0.2 * 2 * kPi * 333), 1e-12);
}

TEST(TissueRing, BadParametersAreRefusedAtCompile) {
  ModelDesc md = BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}).value();
  for (double zeta : {0.0, 1.0, -0.1}) {
    ModelDesc bad = md;
    for (auto& s : bad.synovial_joints) s.capsule.tissue_ring_damping_ratio = zeta;
    auto m = Model::Compile(bad);
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.ErrorText().find("capsule.tissue_ring_damping_ratio"), std::string::npos) << m.ErrorText();
  }
  ModelDesc bad = md;
  for (auto& s : bad.synovial_joints) s.capsule.tissue_ring_Hz = 30000;
  auto m = Model::Compile(bad);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.ErrorText().find("capsule.tissue_ring_Hz"), std::string::npos) << m.ErrorText();
}

// Dunning et al. 2013 (BMC Musculoskelet Disord 14:24): the mean duration of a single audible pop
// in 132 cavitations of C1-C2 thrusts, from spectrograms with audio feedback, 5.66 ms (95 % CI
// 5.36-5.96; SD ~1.76 ms from the CI). The model's duration (first to last sample above 10 % of the
// peak) must fall within one SD. Reggars 1996: peak frequencies 86-1830 Hz, mean 333 Hz (95 % CI
// 285-380).
TEST(PopSound, TheDistractionPopLastsAsLongAsASpinalPopAndRingsInItsBand) {
  const ModelDesc spine = BuildSpineModel(LoadSpineParams(DefaultSpineModelPath()).value(), Subject{}).value();
  auto r = RunDistraction(spine, "L4-L5", 'L', DistractionOptions{});
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  const PullResult& p = r.value().pulls[0];
  ASSERT_TRUE(p.cavitated);
  constexpr double kDunningMean_ms = 5.66, kDunningSd_ms = 1.76;
  EXPECT_NEAR(p.sound.duration_s * 1e3, kDunningMean_ms, kDunningSd_ms);
  EXPECT_GE(p.sound.dominant_freq_Hz, 285.0);
  EXPECT_LE(p.sound.dominant_freq_Hz, 380.0);
  // the stored pop is the analysed one, from the nucleation on
  ASSERT_FALSE(p.sound_Pa.empty());
  EXPECT_EQ(AnalyzeSound(p.sound_Pa, kFs).peak_Pa, p.sound.peak_Pa);
}

// the WAV of `spinelab distract --wav` through Python's wave module: 16-bit PCM mono 44.1 kHz,
// >= 0.1 s, the pop inside with the JSON's peak and duration
TEST(PopSound, DistractWavOpensInPythonsWaveWithThePopInside) {
  const std::string wav = ::testing::TempDir() + "/pop_py.wav";
  const auto r = spinelab::testing::Exec("distract --level L4-L5 --json --wav " + wav);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string py = ::testing::TempDir() + "/wav_check.txt";
  const std::string cmd =
      "/usr/bin/python3 -c \"import wave,struct\nw=wave.open('" + wav + "')\nn=w.getnframes()\n"
      "x=struct.unpack('<%dh'%n,w.readframes(n))\nm=max(abs(v) for v in x)\nt=0.1*m\n"
      "i=[k for k,v in enumerate(x) if abs(v)>=t]\n"
      "print(w.getnchannels(),w.getsampwidth(),w.getframerate(),n,m,i[0],i[-1])\" > " + py;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string out = spinelab::testing::Slurp(py);
  int ch = 0, width = 0, rate = 0, first = 0, last = 0;
  long n = 0, peak = 0;
  ASSERT_EQ(std::sscanf(out.c_str(), "%d %d %d %ld %ld %d %d", &ch, &width, &rate, &n, &peak, &first, &last), 7) << out;
  EXPECT_EQ(ch, 1);
  EXPECT_EQ(width, 2);
  EXPECT_EQ(rate, 44100);
  EXPECT_GE(n, 4410);
  auto num = [&](const std::string& key) { return std::stod(r.output.substr(r.output.find("\"" + key + "\": ") + key.size() + 4)); };
  const double peak_Pa = num("sound_peak_Pa_10cm"), dur_ms = num("sound_duration_ms");
  EXPECT_NEAR(peak / 32767.0 * io::kWavFullScale_Pa, peak_Pa, 1.0 / 32767 + 1e-3 * peak_Pa);  // full scale 1 Pa
  EXPECT_GT(first, 0) << "a lead-in of silence";
  EXPECT_LT(last, n - 1) << "the pop ends inside the file";
  EXPECT_NEAR((last - first + 1) / 44.1, dur_ms, 2 / 44.1 + 0.02 * dur_ms);
  // and the project's reader gives back pascals
  auto back = io::ReadWav(wav);
  ASSERT_TRUE(back.ok()) << back.ErrorText();
  EXPECT_EQ(back.value().bits_per_sample, 16);
  EXPECT_NEAR(AnalyzeSound(back.value().samples, kFs).peak_Pa, peak_Pa, 1.0 / 32767 + 1e-3 * peak_Pa);
}

// `spinelab run --wav`: all pops of the run on its time line, each where the run says it happened
TEST(PopSound, RunWavPutsEveryPopOnTheRunsTimeLine) {
  const std::string wav = ::testing::TempDir() + "/run_pops.wav";
  const std::string h5 = ::testing::TempDir() + "/run_pops.h5";
  const auto r = spinelab::testing::Exec(std::string("run ") + SPINELAB_SOURCE_DIR +
                                         "/scenarios/gym_rack_twist_jerk.toml --overwrite -o " + h5 + " --wav " + wav);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NE(r.output.find("pops on the run's 3.00 s time line"), std::string::npos) << r.output;
  auto w = io::ReadWav(wav);
  ASSERT_TRUE(w.ok()) << w.ErrorText();
  EXPECT_EQ(w.value().sample_rate_Hz, 44100);
  EXPECT_EQ(w.value().samples.size(), 3u * 44100u);
  // the events (time, sound) from the results file: the WAV is silent before the first pop and
  // holds each pop's peak at its time
  const std::string py = ::testing::TempDir() + "/run_events.txt";
  const std::string cmd = "/usr/bin/python3 -c \"import h5py\nf=h5py.File('" + h5 +
                          "')\ng=f['runs/gym_rack_twist_jerk']\n"
                          "e=g['events/cavitation']\nprint(len(e['time'][()]),min(e['time'][()]),e['sound'].shape[1])\" > " + py;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  int n = 0, S = 0;
  double t0 = 0;
  ASSERT_EQ(std::sscanf(spinelab::testing::Slurp(py).c_str(), "%d %lf %d", &n, &t0, &S), 3);
  EXPECT_GE(n, 1);
  EXPECT_EQ(S, static_cast<int>(kPopWindow_s * kFs));
  const auto& x = w.value().samples;
  const size_t i0 = static_cast<size_t>(t0 * kFs);
  double before = 0, after = 0;
  for (size_t i = 0; i + 1 < i0; ++i) before = std::max(before, std::abs(double(x[i])));
  for (size_t i = i0; i < i0 + 441 && i < x.size(); ++i) after = std::max(after, std::abs(double(x[i])));
  EXPECT_EQ(before, 0.0);
  EXPECT_GT(after, 0.01);
}

TEST(PopSound, RunWavRefusesSeveralScenariosAProtocolAndAnUnwritableFile) {
  const std::string s = std::string(SPINELAB_SOURCE_DIR) + "/scenarios/";
  auto r = spinelab::testing::Exec("run " + s + "gym_rack_twist_jerk.toml " + s + "dead_hang.toml --wav /tmp/x.wav");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("takes one scenario"), std::string::npos) << r.output;
  r = spinelab::testing::Exec("run " + s + "repeated_popping.toml --wav /tmp/x.wav");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("protocol over days"), std::string::npos) << r.output;
  r = spinelab::testing::Exec("run " + s + "gym_rack_twist_jerk.toml --wav /nonexistent-dir/x.wav");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("/nonexistent-dir/x.wav: --wav: folder /nonexistent-dir does not exist"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace spinelab::sim
