// `spinelab distract`: pull one facet joint apart along its normal and report the crack, the
// pop's sound and (with --again-after-s) whether it cracks again (the refractory period).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.h"
#include "spinelab/io/atomic_file.h"
#include "spinelab/io/wav.h"
#include "spinelab/lab/distraction.h"
#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/state.h"

namespace spinelab::cli {

using namespace spinelab::sim;

namespace {

struct DistractArgs {
  std::string level = "L4-L5";
  std::string side = "L";
  double speed_mm_s = 10;
  double device_N_per_mm = 100;
  double closing_force_N = 10;
  double stop_at_mm = 0;
  double dt_s = 1e-3;
  std::vector<double> again_after_s;
  std::string wav;
  bool json = false;
};

std::string J(double v) { return std::isfinite(v) ? fmt::format("{:.5g}", v) : "null"; }

const char* StrainZone(double e, const CapsuleParams& c) {
  return e >= c.yield_strain ? "yield" : e >= c.pain_strain ? "pain" : e >= c.nociceptor_strain ? "nociceptor" : "below nociceptor";
}

std::string PullJson(const PullResult& p, bool with_after, const CapsuleParams& c) {
  std::string s = "{";
  if (with_after) s += fmt::format("\"after_s\": {}, ", J(p.after_s));
  s += fmt::format(
      "\"cavitated\": {}, \"peak_force_N\": {}, \"gap_at_crack_mm\": {}, \"gap_jump_mm\": {}, "
      "\"time_of_crack_s\": {}, \"gas_volume_fraction\": {}, \"cavity_fraction_open\": {}, \"sound_peak_Pa_10cm\": {}, "
      "\"sound_peak_dB_SPL\": {}, \"sound_duration_ms\": {}, \"sound_dominant_freq_Hz\": {}, "
      "\"gap_after_relaxing_mm\": {}, \"capsule_strain_peak\": {}, \"capsule_strain_zone\": \"{}\"",
      p.cavitated ? "true" : "false", J(p.peak_force_N), p.cavitated ? J(p.gap_at_crack_m * 1e3) : "null",
      J(p.gap_jump_m * 1e3), p.cavitated ? J(p.time_of_crack_s) : "null", J(p.gas_volume_fraction),
      J(p.cavity_fraction_open),
      J(p.sound.peak_Pa), p.sound.peak_Pa > 0 ? J(p.sound.peak_dB_SPL) : "null", J(p.sound.duration_s * 1e3),
      J(p.sound.dominant_freq_Hz), J(p.rest_gap_after_m * 1e3), J(p.peak_capsule_strain),
      StrainZone(p.peak_capsule_strain, c));
  return s + "}";
}

int RunDistract(const CommonOptions& c, const DistractArgs& a) {
  // refuse an unwritable output before simulating anything
  if (!a.wav.empty()) {
    io::AtomicFile probe(a.wav, "--wav");  // (its temporary file goes again at once)
    if (auto ok = probe.Open(); !ok) {
      std::fprintf(stderr, "spinelab distract: %s\n", ok.ErrorText().c_str());
      return 2;
    }
  }
  const auto spine = LoadSpineOrReport(c, "distract");
  if (!spine) return 2;
  DistractionOptions o;
  o.speed_m_per_s = a.speed_mm_s * 1e-3;
  o.device_stiffness_N_per_m = a.device_N_per_mm * 1e3;
  o.closing_force_N = a.closing_force_N;
  o.stop_at_travel_m = a.stop_at_mm * 1e-3;
  o.dt_s = a.dt_s;
  o.again_after_s = a.again_after_s;
  auto r = RunDistraction(*spine, a.level, a.side[0], o);
  if (!r) {
    std::fprintf(stderr, "spinelab distract: %s\n", r.ErrorText().c_str());
    return 2;
  }
  const DistractionResult& res = r.value();
  const PullResult& first = res.pulls[0];
  if (!a.wav.empty()) {
    auto w = io::WriteWav(a.wav, first.sound_Pa, static_cast<int>(kSoundSampleRate_Hz));
    if (!w) {
      std::fprintf(stderr, "spinelab distract: %s\n", w.ErrorText().c_str());
      return 2;
    }
  }
  if (a.json) {
    std::string s = "{" + fmt::format("\"level\": \"{}\", \"side\": \"{}\", \"speed_mm_s\": {}, ", res.level, res.side, J(a.speed_mm_s));
    const std::string body = PullJson(first, false, res.capsule);
    s += body.substr(1, body.size() - 2);
    s += ", \"repeats\": [";
    for (size_t i = 1; i < res.pulls.size(); ++i) s += (i > 1 ? ", " : "") + PullJson(res.pulls[i], true, res.capsule);
    s += fmt::format("], \"fluid_volume_ml\": {}, \"capsule_thresholds\": {{\"nociceptor\": {}, \"pain\": {}, \"yield\": {}}}, \"status\": \"{}\"}}",
                     J(res.fluid_volume_m3 * 1e6), J(res.capsule.nociceptor_strain), J(res.capsule.pain_strain),
                     J(res.capsule.yield_strain), res.status);
    std::printf("%s\n", s.c_str());
  } else {
    std::printf("spinelab distract: facet %s %s pulled along its normal at %.3g mm/s\n", res.level.c_str(),
                a.side.c_str(), a.speed_mm_s);
    for (const PullResult& p : res.pulls) {
      std::printf("%s: %s", p.after_s > 0 ? fmt::format("again after {:.0f} s", p.after_s).c_str() : "first pull",
                  p.cavitated ? "CRACK" : "no crack");
      if (p.cavitated)
        std::printf(" at %.3f s, peak force %.1f N, gap %.2f mm -> jump %.2f mm, gas %.0f %% of the joint once relaxed, "
                    "pop %.2f Pa at 10 cm (%.0f dB SPL), %.1f ms, %.0f Hz",
                    p.time_of_crack_s, p.peak_force_N, p.gap_at_crack_m * 1e3, p.gap_jump_m * 1e3,
                    100 * p.gas_volume_fraction, p.sound.peak_Pa, p.sound.peak_dB_SPL, p.sound.duration_s * 1e3,
                    p.sound.dominant_freq_Hz);
      else
        std::printf(" (peak force %.1f N)", p.peak_force_N);
      std::printf("; capsule strain %.2f (%s)", p.peak_capsule_strain, StrainZone(p.peak_capsule_strain, res.capsule));
      std::printf("\n");
    }
    if (!a.wav.empty()) std::printf("sound written to %s\n", a.wav.c_str());
  }
  return res.status == "ok" ? 0 : 3;
}

}  // namespace

void AddDistractCommand(CLI::App& app, CommonOptions& common, int* exit_code) {
  auto a = std::make_shared<DistractArgs>();
  CLI::App* cmd = app.add_subcommand("distract", "pull one facet joint apart: cavitation, pop sound, refractory period");
  cmd->add_option("--level", a->level, "level such as L4-L5");
  cmd->add_option("--side", a->side, "L or R")->check(CLI::IsMember({"L", "R"}));
  cmd->add_option("--speed-mm-s", a->speed_mm_s, "pulling speed [mm/s]")->check(CLI::Range(0.001, 10000.0));
  cmd->add_option("--device-stiffness-N-per-mm", a->device_N_per_mm, "pulling device + tissue stiffness [N/mm]")
      ->check(CLI::Range(0.1, 1e5));
  cmd->add_option("--closing-force-N", a->closing_force_N, "load of the rest of the unit on the joint [N]")
      ->check(CLI::Range(0.0, 500.0));
  cmd->add_option("--stop-at-mm", a->stop_at_mm, "stop the pull at this device travel [mm] (0: until crack)")
      ->check(CLI::Range(0.0, 50.0));
  cmd->add_option("--dt-s", a->dt_s, "rigid-body time step [s]")->check(CLI::Range(1e-5, 2e-3));
  cmd->add_option("--again-after-s", a->again_after_s, "pull again this long after the first crack [s], e.g. 300,1500")
      ->delimiter(',')
      ->check(CLI::Range(0.001, 86400.0));
  cmd->add_option("--wav", a->wav, "write the pop as heard at 10 cm (16-bit PCM, 44.1 kHz, full scale 1 Pa = 94 dB SPL, at least 0.1 s)");
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([&common, a, exit_code] { *exit_code = RunDistract(common, *a); });
}

}  // namespace spinelab::cli
