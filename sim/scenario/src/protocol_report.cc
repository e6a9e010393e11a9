// What a protocol run shows, as text (spinelab run prints it after the summary).
#include "spinelab/scenario/protocol.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace spinelab::sim {

std::string ProtocolReport(const Scenario& sc, const ScenarioResult& r) {
  std::string out;
  char buf[512];
  auto line = [&](const char* fmt, auto... args) {
    std::snprintf(buf, sizeof buf, fmt, args...);
    out += buf;
  };
  const size_t T = r.time_s.size(), L = r.level_names.size(), F = r.facet_names.size();
  if (T == 0) return out;
  std::map<int, int> per_day;
  int pops = 0;
  for (const auto& a : r.attempts) {
    pops += a.cavitated;
    per_day[static_cast<int>(a.time_s / 86400)] += a.cavitated;
  }
  int most = 0;
  for (const auto& [d, n] : per_day) most = std::max(most, n);
  const std::string target = sc.protocol.level.empty() ? "any level" : sc.protocol.level;
  line("protocol: %.1f h, %zu attempts, %d popped %s (at most %d a day); %zu cracks anywhere\n",
       r.time_s.back() / 3600, r.attempts.size(), pops, target.c_str(), most, r.cavitations.size());
  const auto lv = std::find(r.level_names.begin(), r.level_names.end(), sc.protocol.level);
  if (lv != r.level_names.end()) {
    const size_t l = lv - r.level_names.begin();
    double lax = 0, tone = 0;
    for (size_t f = 0; f < F; ++f)
      if (r.facet_names[f].rfind(sc.protocol.level + " ", 0) == 0) lax = std::max(lax, r.facet_laxity[(T - 1) * F + f]);
    for (size_t k : {l - 1, l + 1})
      if (k < L)
        for (size_t t = 0; t < T; ++t) tone = std::max(tone, r.level_tone[t * L + k]);
    line("%s at the end: capsule laxity %.2f %% of its slack length, hypermobility index %.4f; neighbours' protective tone up to %.2f\n",
         sc.protocol.level.c_str(), 100 * lax, r.level_hypermobility[(T - 1) * L + l], tone);
  }
  double creep = 0;
  int n = 0;
  for (size_t l = 0; l < L; ++l)
    if (r.level_names[l][0] != 'C') creep += r.level_creep[(T - 1) * L + l], ++n;
  line("trunk (T1-T2 .. L5-S1) mean creep strain at the end: %.3g\n", n ? creep / n : 0.0);
  return out;
}

}  // namespace spinelab::sim
