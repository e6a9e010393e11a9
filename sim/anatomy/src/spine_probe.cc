// The quasi-static neutral-zone probe of a spinal level (the hypermobility index).
//
// Design note. The probe turns the level's upper body about the disc mid-frame with everything
// else at the model's rest pose and balances a pure moment with the level's own passive elements
// (bisection on one angle): the level's segment (ExtractSegment: no muscle tone, no capsule fluid)
// evaluated by the engine's StaticProbe, so the probe sees the same element laws a World does.
// Rejected: stepping a segment model to equilibrium for each probe (~1000 steps; the long
// protocols probe every level at every long-series sample).
#include "spinelab/anatomy/spine_probe.h"

#include <algorithm>
#include <cmath>

namespace spinelab::sim {

namespace {
constexpr int kBisections = 24;
constexpr BodyId kUpper = 1;  // ExtractSegment: lower body 0 (fixed), upper body 1
}  // namespace

struct LevelProbe::Segment {
  std::shared_ptr<const Model> model;
  std::vector<int> ligaments;        // segment ligament k is the source model's ligaments[k]
  size_t num_model_ligaments = 0;
  std::vector<Pose> X_WB0;           // rest poses (lower, upper)
  Vec3 p_WD = Vec3::Zero();
  Mat3 R_WD = Mat3::Identity();
  mutable StaticProbe probe;
  mutable std::vector<LigamentState> slack;
  mutable std::vector<Pose> X_WB;
  Segment(std::shared_ptr<const Model> m) : model(m), probe(m) {}
};

LevelProbe::LevelProbe(const ModelDesc& model, int level) {
  SPINELAB_THROW_UNLESS(level >= 0 && level < static_cast<int>(model.joints.size()), "level index out of range");
  std::vector<int> ligaments;
  auto seg = ExtractSegment(model, model.joints[level].name, &ligaments);
  SPINELAB_THROW_UNLESS(seg.ok(), "the level's segment could not be extracted");
  auto compiled = Model::Compile(std::move(seg).value());
  SPINELAB_THROW_UNLESS(compiled.ok(), "the level's segment does not compile: " + compiled.ErrorText());
  seg_ = std::make_shared<Segment>(std::make_shared<const Model>(std::move(compiled).value()));
  seg_->ligaments = std::move(ligaments);
  seg_->num_model_ligaments = model.ligaments.size();
  for (const BodyDesc& b : seg_->model->desc().bodies) seg_->X_WB0.push_back(b.X_WB);
  seg_->p_WD = model.joints[level].X_WD0.p;
  seg_->R_WD = model.joints[level].X_WD0.R;
  seg_->slack.resize(seg_->ligaments.size());
  seg_->X_WB = seg_->X_WB0;
}

// The level's upper body turned by θ about axis `ax` of the disc frame through D: the passive
// moment about that axis on the upper body [N·m]; `slow_strain` (may be null) receives the strain
// the slow laws see for every ligament of the level at this pose.
double LevelProbe::PassiveMoment(const State& s, int ax, double theta, std::vector<double>* slow_strain) const {
  Segment& g = *seg_;
  const Vec3 u = g.R_WD.col(ax);
  const Mat3 R = Eigen::AngleAxisd(theta, u).toRotationMatrix();
  const Pose& X0 = g.X_WB0[kUpper];
  g.X_WB[kUpper] = Pose{R * X0.R, g.p_WD + R * (X0.p - g.p_WD)};
  for (size_t k = 0; k < g.ligaments.size(); ++k)
    g.slack[k] = s.ligaments.empty() ? LigamentState{} : s.ligaments[g.ligaments[k]];
  g.probe.Evaluate(g.X_WB, g.slack);
  const Vec6 F = g.probe.GeneralizedForce(kUpper);
  const Vec3 M_D = F.tail<3>() + (g.X_WB[kUpper].p - g.p_WD).cross(F.head<3>());
  if (slow_strain) {
    slow_strain->assign(g.num_model_ligaments, 0.0);
    for (size_t k = 0; k < g.ligaments.size(); ++k) (*slow_strain)[g.ligaments[k]] = g.probe.SlowStrain(static_cast<int>(k));
  }
  return M_D.dot(u);
}

// θ in [lo, hi] where the passive moment balances the applied moment (M_passive + M_applied = 0),
// assuming the passive moment falls with θ
double LevelProbe::Balance(const State& s, int ax, double applied, double lo, double hi) const {
  auto g = [&](double th) { return PassiveMoment(s, ax, th, nullptr) + applied; };
  if (g(hi) > 0) return hi;
  if (g(lo) < 0) return lo;
  for (int i = 0; i < kBisections; ++i) {
    const double mid = 0.5 * (lo + hi);
    (g(mid) > 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

const std::vector<int>& LevelProbe::ligaments() const { return seg_->ligaments; }

Vec3 LevelNeutralZone(const ModelDesc& m, const State& s, int level, double moment_Nm) {
  const LevelProbe probe(m, level);
  Vec3 range;
  for (int ax = 0; ax < 3; ++ax) {
    const double eq = probe.Balance(s, ax, 0.0, -LevelProbe::kMaxProbe_rad, LevelProbe::kMaxProbe_rad);
    range[ax] = probe.Balance(s, ax, moment_Nm, eq, eq + LevelProbe::kMaxProbe_rad) -
                probe.Balance(s, ax, -moment_Nm, eq - LevelProbe::kMaxProbe_rad, eq);
  }
  return range;
}

std::vector<Vec3> NeutralZones(const ModelDesc& m, const State& s, double moment_Nm) {
  std::vector<Vec3> out;
  for (size_t l = 0; l < m.joints.size(); ++l) out.push_back(LevelNeutralZone(m, s, static_cast<int>(l), moment_Nm));
  return out;
}

std::vector<double> HypermobilityIndex(const std::vector<Vec3>& now, const std::vector<Vec3>& base) {
  std::vector<double> hi(now.size(), 1.0);
  for (size_t l = 0; l < now.size() && l < base.size(); ++l) {
    double r = 0;
    for (int ax = 0; ax < 3; ++ax)
      if (base[l][ax] > 0) r = std::max(r, now[l][ax] / base[l][ax]);
    hi[l] = r > 0 ? r : 1.0;
  }
  return hi;
}

}  // namespace spinelab::sim
