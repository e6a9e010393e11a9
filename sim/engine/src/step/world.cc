// World: the step pipeline (STYLE.md §3). Index:
//   [SECTION] construction       Create, options validation, initial state
//   [SECTION] step phases        kinematics, forces, solve, bullet, checks
//   [SECTION] state and energy   Save/Restore, hashes, energies
#include "spinelab/sim/world.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "bullet/bullet_world.h"
#include "forces/assembly.h"
#include "forces/element_type.h"
#include "forces/servo.h"

namespace spinelab::sim {

using internal::BodyKin;
using internal::ElementContext;
using internal::ForceAssembly;

struct World::Impl {
  std::shared_ptr<const Model> model;
  SimOptions options;
  State state;
  StepOutputs outputs;
  StepProfile profile;
  std::unique_ptr<internal::BulletWorld> bullet;
  std::vector<AppliedLoad> loads;     // (n_bodies)
  std::vector<Servo> servos;          // (n_servos) set by SetServo
  std::vector<ServoOutput> servo_out; // (n_servos) written by EvaluateForces
  std::vector<BodyKin> kin;           // (n_bodies) written by the kinematics phase
  ForceAssembly assembly;
  std::vector<Vec6> dv;               // (n_free) velocity change from the implicit solve
  std::vector<internal::ContactPoint> contacts;  // compliant contact points at the current state
  bool contacts_stale = true;         // a pose changed outside Step: detect again before use
  std::string failure_detail;         // the last failed step's source of a non-finite force
  bool may_touch = false;             // the model has something a compliant body can touch
  void RefreshContacts() {
    if (!contacts_stale) return;
    if (may_touch) bullet->DetectContacts(&contacts);
    contacts_stale = false;
  }
  // the element table (built-in types, then the model's own) and each type's scratch
  std::vector<const ElementType*> types;
  std::vector<std::unique_ptr<internal::ElementWorkspace>> workspaces;
  bool has_step_dynamics = false;     // some element has dynamics of its own over a step (capsules)
  bool has_slow = false;              // some element has slow state (creep, laxity, tone)
  bool tridiagonal = true;            // banded storage (else dense); the name from bandwidth 1
  int bandwidth = 1;                  // chain bandwidth of the banded system
  int num_border = 0;                 // props: the last free bodies (ForceAssembly border)
  bool outputs_stale = false;         // outputs describe the state before the last step
  bool static_solve = false;          // SolveStatic: rigid pairs' contacts as stiff springs

  const BodyKin& Kin(BodyId b) const {
    static const BodyKin kGroundKin;
    return b < 0 ? kGroundKin : kin[b];
  }
  ElementContext Context(size_t type) {
    ElementContext c{model->desc(), options, kin, state, outputs, contacts};
    c.workspace = workspaces[type].get();
    c.static_solve = static_solve;
    return c;
  }
  // calls f(type, context) for every element type, in table order
  template <class F>
  void ForEachType(F&& f) {
    for (size_t t = 0; t < types.size(); ++t) {
      ElementContext c = Context(t);
      f(*types[t], c);
    }
  }
  void ComputeKinematics();
  void EvaluateForces(ForceAssembly* assembly);
  // which source made the assembly non-finite (the step has failed; its forces are evaluated again)
  std::string NonFiniteSource();
  /// slow state (creep, laxity, protective tone) over h at the strains in `outputs`
  void AdvanceSlow(double h) {
    ForEachType([&](const ElementType& t, ElementContext& c) { t.AdvanceSlow(c, h); });
  }
};

// [SECTION] construction

namespace {
// the largest distance in the free-body order between two chain bodies an element couples (a
// spine chain: 1); border bodies (the trailing props) may couple to any body
int ChainBandwidth(const Model& m, const std::vector<const ElementType*>& types, int num_border) {
  const int nc = m.num_free_bodies() - std::max(num_border, 0);
  std::vector<std::pair<BodyId, BodyId>> pairs;
  for (const ElementType* t : types) t->Couplings(m.desc(), &pairs);
  int bw = 1;
  for (const auto& [a, b] : pairs) {
    const int fa = m.free_index(a), fb = m.free_index(b);
    if (fa >= 0 && fb >= 0 && fa < nc && fb < nc) bw = std::max(bw, std::abs(fa - fb));
  }
  return bw;
}
// beyond this bandwidth the banded solve costs about what the dense one does (26 bodies); 5 fits
// a chain with five bodies per link (a vertebra and two two-segment ribs: 75 bodies, where the
// dense solve would cost ~(75 / 6)² times the banded one)
constexpr int kMaxBandwidth = 5;

// props (hand pads) touch any body, and border bodies (BodyDesc::border) many: they are the
// border of the banded system, which needs them at the end of the free indices (the solve
// order). Their number, or -1 if one comes before another body
int NumBorderProps(const Model& m) {
  const ModelDesc& d = m.desc();
  std::vector<BodyId> by_free(m.num_free_bodies(), kGround);
  for (size_t i = 0; i < d.bodies.size(); ++i)
    if (const int fi = m.free_index(static_cast<BodyId>(i)); fi >= 0) by_free[fi] = static_cast<BodyId>(i);
  int border = 0;
  for (const BodyId b : by_free) {
    if (d.bodies[b].prop || d.bodies[b].border) ++border;
    else if (border > 0) return -1;
  }
  return border;
}
}  // namespace

Expected<World> World::Create(std::shared_ptr<const Model> model, const SimOptions& options) {
  std::vector<Diagnostic> errors;
  auto check = [&](bool cond, const std::string& key, double value, const std::string& allowed) {
    if (!cond) {
      errors.push_back({"", "options." + key,
                        "value " + std::to_string(value) + " is out of range; allowed: " + allowed});
    }
  };
  if (!model) errors.push_back({"", "model", "null model"});
  check(std::isfinite(options.dt_s) && options.dt_s > 0 && options.dt_s <= 0.02, "dt_s",
        options.dt_s, "0 < dt_s <= 0.02 s");
  check(options.contact_iterations >= 1 && options.contact_iterations <= 1000,
        "contact_iterations", options.contact_iterations, "1..1000");
  check(std::isfinite(options.max_speed_m_per_s) && options.max_speed_m_per_s > 0,
        "max_speed_m_per_s", options.max_speed_m_per_s, "> 0 m/s");
  check(std::isfinite(options.synovial.bubble_rel_tol) && options.synovial.bubble_rel_tol >= 1e-12 &&
            options.synovial.bubble_rel_tol <= 1e-3,
        "synovial.bubble_rel_tol", options.synovial.bubble_rel_tol, "1e-12 .. 1e-3");
  if (!options.gravity_W.allFinite()) errors.push_back({"", "options.gravity_W", "must be finite (got NaN or inf)"});
  check(std::isfinite(options.max_angular_speed_rad_per_s) &&
            options.max_angular_speed_rad_per_s > 0,
        "max_angular_speed_rad_per_s", options.max_angular_speed_rad_per_s, "> 0 rad/s");
  if (!errors.empty()) return errors;

  auto impl = std::make_unique<Impl>();
  impl->model = std::move(model);
  impl->options = options;
  const ModelDesc& d = impl->model->desc();
  impl->bullet = std::make_unique<internal::BulletWorld>(d, options.contact_iterations);
  impl->types = internal::ElementTypes(d);
  impl->num_border = NumBorderProps(*impl->model);
  impl->bandwidth = ChainBandwidth(*impl->model, impl->types, impl->num_border);
  impl->tridiagonal = impl->bandwidth <= kMaxBandwidth && impl->num_border >= 0;
  impl->num_border = std::max(impl->num_border, 0);
  impl->loads.assign(d.bodies.size(), AppliedLoad{});
  impl->state.bodies.resize(d.bodies.size());
  for (size_t i = 0; i < d.bodies.size(); ++i) {
    BodyState& s = impl->state.bodies[i];
    s.p_WB = d.bodies[i].X_WB.p;
    s.q_WB = Quat(d.bodies[i].X_WB.R).normalized();
  }
  for (const ElementType* t : impl->types) {
    t->Init(d, &impl->state, &impl->outputs);
    impl->workspaces.push_back(t->MakeWorkspace(d));
    impl->has_step_dynamics = impl->has_step_dynamics || t->HasStepDynamics(d);
    impl->has_slow = impl->has_slow || t->HasSlowState(d);
  }
  // compliant contact needs an environment object or a prop (bodies never touch each other)
  for (const BodyDesc& b : d.bodies) impl->may_touch = impl->may_touch || (b.prop && !b.shapes.empty());
  for (const EnvironmentDesc& e : d.environment) impl->may_touch = impl->may_touch || e.contact;
  impl->RefreshContacts();
  impl->ComputeKinematics();
  impl->EvaluateForces(nullptr);
  return World(std::move(impl));
}

World::World(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
World::World(World&&) noexcept = default;
World& World::operator=(World&&) noexcept = default;
World::~World() = default;

const Model& World::model() const { return *impl_->model; }
const SimOptions& World::options() const { return impl_->options; }
const State& World::state() const { return impl_->state; }
const StepOutputs& World::outputs() const {
  // element outputs at the current state, evaluated on demand (observers may not need them)
  if (impl_->outputs_stale) {
    impl_->RefreshContacts();
    impl_->ComputeKinematics();
    impl_->EvaluateForces(nullptr);
    impl_->outputs_stale = false;
  }
  return impl_->outputs;
}
const StepProfile& World::profile() const { return impl_->profile; }
const std::vector<SynovialJointOutput>& World::last_step_synovial_joints() const { return impl_->outputs.synovial_joints; }

void World::SetAppliedLoad(BodyId body, const AppliedLoad& load) {
  SPINELAB_THROW_UNLESS(body >= 0 && body < model().num_bodies(), "body id out of range");
  SPINELAB_THROW_UNLESS(load.force_N.allFinite() && load.torque_Nm.allFinite() &&
                            load.p_BoP_B.allFinite(),
                        "applied load must be finite");
  impl_->loads[body] = load;
}

void World::SetServo(int index, const Servo& servo) {
  SPINELAB_THROW_UNLESS(index >= 0, "servo index must be >= 0");
  if (servo.active) {
    const Model& m = model();
    SPINELAB_THROW_UNLESS(servo.body >= 0 && servo.body < m.num_bodies() && m.free_index(servo.body) >= 0,
                          "servo body must be a free body of the model");
    SPINELAB_THROW_UNLESS(servo.reference == -1 || (servo.reference >= 0 && servo.reference < m.num_bodies() &&
                                                    m.free_index(servo.reference) < 0),
                          "servo reference must be a held (fixed) body or -1 (the ground)");
    SPINELAB_THROW_UNLESS(servo.axis_A.allFinite() && std::abs(servo.axis_A.norm() - 1.0) < 1e-9, "servo axis must be a unit vector");
    SPINELAB_THROW_UNLESS(servo.R_AB0.allFinite() && std::isfinite(servo.target_rad), "servo target and rest orientation must be finite");
    SPINELAB_THROW_UNLESS(std::isfinite(servo.stiffness_Nm_per_rad) && servo.stiffness_Nm_per_rad >= 0 &&
                              std::isfinite(servo.damping_Nms_per_rad) && servo.damping_Nms_per_rad >= 0 &&
                              std::isfinite(servo.max_torque_Nm) && servo.max_torque_Nm >= 0,
                          "servo stiffness, damping and max torque must be finite and >= 0");
  }
  if (static_cast<size_t>(index) >= impl_->servos.size()) {
    impl_->servos.resize(index + 1);
    impl_->servo_out.resize(index + 1);
  }
  impl_->servos[index] = servo;
  // an inactive servo still reports its angle (ServoOutput), when its bodies are the model's
  const int n = model().num_bodies();
  if (!servo.active && (servo.body >= n || servo.reference < -1 || servo.reference >= n)) impl_->servos[index].body = -1;
}

ServoOutput World::servo_output(int index) const {
  if (index < 0 || static_cast<size_t>(index) >= impl_->servo_out.size()) return {};
  if (impl_->outputs_stale) outputs();
  return impl_->servo_out[index];
}

void World::ClearAppliedLoads() {
  for (AppliedLoad& l : impl_->loads) l = AppliedLoad{};
}

void World::SetHeldBodyMotion(BodyId body, const Pose& X_WB, const Vec3& v_WB, const Vec3& w_WB) {
  SPINELAB_THROW_UNLESS(body >= 0 && body < model().num_bodies(), "body id out of range");
  SPINELAB_THROW_UNLESS(model().free_index(body) < 0, "only a fixed (held) body can be driven");
  SPINELAB_THROW_UNLESS(X_WB.p.allFinite() && X_WB.R.allFinite() && v_WB.allFinite() && w_WB.allFinite(),
                        "held-body motion must be finite");
  BodyState& s = impl_->state.bodies[body];
  s.p_WB = X_WB.p;
  s.q_WB = Quat(X_WB.R).normalized();
  s.v_WB = v_WB;
  s.w_WB = w_WB;
  impl_->bullet->SetStaticPose(body, s.p_WB, s.q_WB);
  impl_->contacts_stale = true;
  impl_->outputs_stale = true;
}

// [SECTION] step phases

void World::Impl::ComputeKinematics() {
  const int n = model->num_bodies();
  kin.resize(n);
  for (int i = 0; i < n; ++i) {
    const BodyState& s = state.bodies[i];
    kin[i].p_WB = s.p_WB;
    kin[i].R_WB = s.q_WB.toRotationMatrix();
    kin[i].v_WB = s.v_WB;
    kin[i].w_WB = s.w_WB;
    kin[i].free_index = model->free_index(i);
  }
}

void World::Impl::EvaluateForces(ForceAssembly* asmb) {
  const ModelDesc& d = model->desc();
  // gravity, applied loads and gyroscopic moments (explicit)
  if (asmb) {
    for (int i = 0; i < model->num_bodies(); ++i) {
      const BodyKin& k = kin[i];
      if (k.free_index < 0) continue;
      const BodyDesc& b = d.bodies[i];
      asmb->AddForce(k.free_index, Vec3::Zero(), b.mass_kg * options.gravity_W);
      const AppliedLoad& L = loads[i];
      const Vec3 F_W = L.in_body_frame ? Vec3(k.R_WB * L.force_N) : L.force_N;
      const Vec3 T_W = L.in_body_frame ? Vec3(k.R_WB * L.torque_Nm) : L.torque_Nm;
      asmb->AddForce(k.free_index, k.R_WB * L.p_BoP_B, F_W);
      asmb->AddTorque(k.free_index, T_W);
      const Mat3 I_W = k.R_WB * b.inertia_kgm2.asDiagonal() * k.R_WB.transpose();
      asmb->AddTorque(k.free_index, -k.w_WB.cross(I_W * k.w_WB));
      asmb->AddMass(k.free_index, b.mass_kg, I_W);
    }
  }
  // servos (actuators between two bodies), in index order
  for (size_t i = 0; i < servos.size(); ++i)
    servo_out[i] = internal::AddServoTorque(servos[i], Kin(servos[i].reference), Kin(servos[i].body), asmb);
  // force elements: the table, in order (contact first)
  ForEachType([&](const ElementType& t, ElementContext& c) { t.AddForces(c, asmb); });
}

std::string World::Impl::NonFiniteSource() {
  const ModelDesc& d = model->desc();
  const int n = model->num_bodies();
  // each element type alone into a scratch system: the first whose forces are not finite, and
  // the bodies it made so (applied loads are finite: SetAppliedLoad refuses others)
  std::string found;
  ForEachType([&](const ElementType& t, ElementContext& c) {
    if (!found.empty()) return;
    ForceAssembly one;
    one.Reset(model->num_free_bodies(), tridiagonal, options.dt_s, num_border, bandwidth);
    t.AddForces(c, &one);
    if (one.AllFinite()) return;
    std::string bodies;
    int count = 0;
    for (int i = 0; i < n; ++i)
      if (const int fi = model->free_index(i); fi >= 0 && !one.force(fi).allFinite())
        bodies += (count++ ? ", '" : "'") + d.bodies[i].name + "'";
    found = std::string("the ") + t.name() + " elements on bod" + (count == 1 ? "y " : "ies ") + bodies +
            " (check their parameters in the model)";
  });
  return found.empty() ? "a body's weight, load or inertia (check its mass and inertia)" : found;
}

const std::string& World::failure_detail() const { return impl_->failure_detail; }

uint32_t World::Step() { return StepTicks(1); }

int World::num_contacts() const { return static_cast<int>(impl_->contacts.size()); }

uint32_t World::StepTicks(int64_t ticks) {
  Impl& m = *impl_;
  using Clock = std::chrono::steady_clock;
  SPINELAB_THROW_UNLESS(ticks >= 1 && static_cast<double>(ticks) * m.options.dt_s <= 0.02 * (1 + 1e-12),
                        "a step is 1 or more ticks of dt_s, at most 0.02 s");
  const double h = static_cast<double>(ticks) * m.options.dt_s;  // 1 tick: dt_s exactly
  const int n = m.model->num_bodies();

  // 1. kinematics and contact points from the state
  const auto t0 = Clock::now();
  m.RefreshContacts();
  m.ComputeKinematics();
  // 2. force elements: forces and tangents into the implicit system
  m.assembly.Reset(m.model->num_free_bodies(), m.tridiagonal, h, m.num_border, m.bandwidth);
  m.EvaluateForces(&m.assembly);
  m.failure_detail.clear();
  if (!m.assembly.AllFinite()) {
    m.failure_detail = m.NonFiniteSource();
    return kStepNonFiniteForce;
  }
  const auto t1 = Clock::now();
  // 3. implicit solve for the velocity change of every free body
  if (!m.assembly.Solve(&m.dv)) return kStepSolveFailed;
  const auto t2 = Clock::now();
  // 4. push poses and new velocities to bullet, which adds contact and integrates poses; the
  //    pose is pushed too so that bullet always starts from our State (bitwise restore)
  for (int i = 0; i < n; ++i) {
    const int fi = m.model->free_index(i);
    if (fi < 0) continue;
    const BodyState& s = m.state.bodies[i];
    m.bullet->SetBodyState(i, s.p_WB, s.q_WB, s.v_WB + m.dv[fi].head<3>(), s.w_WB + m.dv[fi].tail<3>());
  }
  if (m.may_touch) m.bullet->Step(h); else m.bullet->IntegratePoses(h);
  // 5. pull poses and twists back into the state
  for (int i = 0; i < n; ++i) {
    if (m.model->free_index(i) < 0) continue;
    BodyState& s = m.state.bodies[i];
    m.bullet->GetBodyState(i, &s.p_WB, &s.q_WB, &s.v_WB, &s.w_WB);
  }
  // 6. the elements' own dynamics over the step (capsule bubbles), at the new poses
  if (m.has_step_dynamics) {
    const double t_start = m.state.time_s;
    m.ComputeKinematics();
    m.ForEachType([&](const ElementType& t, ElementContext& c) { t.AdvanceStep(c, t_start, h); });
  }
  // 6b. slow state (creep, laxity, protective tone) at the strains of the step's start
  if (m.has_slow) m.AdvanceSlow(h);
  const auto t3 = Clock::now();
  // 7. post-checks: finite, plausible speeds
  uint32_t status = kStepOk;
  for (const BodyState& s : m.state.bodies) {
    if (!s.p_WB.allFinite() || !s.q_WB.coeffs().allFinite() || !s.v_WB.allFinite() ||
        !s.w_WB.allFinite()) {
      status |= kStepNonFiniteState;
    } else if (s.v_WB.norm() > m.options.max_speed_m_per_s ||
               s.w_WB.norm() > m.options.max_angular_speed_rad_per_s) {
      status |= kStepTooFast;
    }
  }
  // 8. contact points at the new poses are detected when next needed (step or outputs)
  m.contacts_stale = true;
  // 9. advance time (integer step count; time derived)
  m.state.step_index += ticks;
  m.state.time_s = static_cast<double>(m.state.step_index) * m.options.dt_s;
  m.profile.forces_s += std::chrono::duration<double>(t1 - t0).count();
  m.profile.solve_s += std::chrono::duration<double>(t2 - t1).count();
  m.profile.bullet_s += std::chrono::duration<double>(t3 - t2).count();
  ++m.profile.steps;
  // 10. outputs at the new state are evaluated when read (World::outputs)
  m.outputs_stale = true;
  return status;
}

void World::AcceptPostureAsBaseline() {
  Impl& m = *impl_;
  outputs();
  m.ForEachType([&](const ElementType& t, ElementContext& c) { t.AcceptBaseline(c); });
}

int World::SolveStatic(int max_iterations, double tol_m, bool damped) {
  Impl& m = *impl_;
  constexpr double kH = 10.0;           // [s] pseudo-step: A = M + hC + h²K, Δx = h²·A⁻¹·f
  constexpr double kMaxMove_m = 5e-4;   // [m] largest translation per iteration
  constexpr double kMaxTurn_rad = 0.5 * kDegToRad;
  const int n = m.model->num_bodies();
  for (BodyState& b : m.state.bodies) b.v_WB.setZero(), b.w_WB.setZero();
  int result = -1;
  double relax = 1.0;             // damped: the share of the Newton move taken
  std::vector<Vec6> last_move;    // damped: the move before, per free body
  for (int it = 1; it <= max_iterations; ++it) {
    for (int i = 0; i < n; ++i) {
      const BodyState& s = m.state.bodies[i];
      m.bullet->SetBodyState(i, s.p_WB, s.q_WB, s.v_WB, s.w_WB);
    }
    if (m.may_touch) m.bullet->DetectContacts(&m.contacts, /*include_rigid_pairs=*/true);
    m.ComputeKinematics();
    m.assembly.Reset(m.model->num_free_bodies(), m.tridiagonal, kH, m.num_border, m.bandwidth);
    m.static_solve = true;
    m.EvaluateForces(&m.assembly);
    m.static_solve = false;
    if (!m.assembly.AllFinite() || !m.assembly.Solve(&m.dv)) {
      result = -2;
      break;
    }
    // the move h·Δv, scaled as a whole so that no body moves or turns more than the caps
    double scale = 1.0, largest = 0;
    for (int i = 0; i < n; ++i) {
      const int fi = m.model->free_index(i);
      if (fi < 0) continue;
      const double dp = kH * m.dv[fi].head<3>().norm(), dq = kH * m.dv[fi].tail<3>().norm();
      largest = std::max(largest, dp);
      scale = std::min({scale, dp > kMaxMove_m ? kMaxMove_m / dp : 1.0, dq > kMaxTurn_rad ? kMaxTurn_rad / dq : 1.0});
    }
    if (damped) {
      // a move against the one before halves the share taken; one along it lets it grow back
      double along = 0;
      if (last_move.size() == m.dv.size())
        for (size_t f = 0; f < m.dv.size(); ++f) along += m.dv[f].dot(last_move[f]);
      relax = along < 0 ? 0.5 * relax : std::min(1.0, 1.25 * relax);
      last_move = m.dv;
      scale *= relax;
    }
    for (int i = 0; i < n; ++i) {
      const int fi = m.model->free_index(i);
      if (fi < 0) continue;
      BodyState& s = m.state.bodies[i];
      s.p_WB += scale * kH * m.dv[fi].head<3>();
      s.q_WB = (Quat(RotationFromVector(scale * kH * m.dv[fi].tail<3>())) * s.q_WB).normalized();
    }
    if (largest * scale < tol_m) {
      result = it;
      break;
    }
  }
  for (int i = 0; i < n; ++i) {
    const BodyState& s = m.state.bodies[i];
    m.bullet->SetBodyState(i, s.p_WB, s.q_WB, s.v_WB, s.w_WB);
  }
  m.bullet->ResetCaches();
  // internal state that follows the pose (a joint's fluid held at rest)
  m.ComputeKinematics();
  m.ForEachType([&](const ElementType& t, ElementContext& c) { t.AfterStaticSolve(c); });
  m.contacts_stale = true;
  m.outputs_stale = true;
  return result;
}

void World::DampVelocities(double factor) {
  SPINELAB_THROW_UNLESS(std::isfinite(factor) && factor >= 0 && factor <= 1, "factor must be in [0, 1]");
  Impl& m = *impl_;
  for (size_t i = 0; i < m.state.bodies.size(); ++i) {
    BodyState& b = m.state.bodies[i];
    b.v_WB *= factor;
    b.w_WB *= factor;
    m.bullet->SetBodyState(static_cast<int>(i), b.p_WB, b.q_WB, b.v_WB, b.w_WB);
  }
  m.outputs_stale = true;
}

std::string StepStatusText(uint32_t status) {
  if (status == kStepOk) return "ok";
  std::string out;
  auto add = [&](uint32_t flag, const char* text) {
    if (status & flag) out += (out.empty() ? "" : " | ") + std::string(text);
  };
  add(kStepNonFiniteForce, "non-finite force (check element parameters)");
  add(kStepSolveFailed, "implicit solve failed (check masses/inertias)");
  add(kStepNonFiniteState, "non-finite state");
  add(kStepTooFast, "a body moves faster than the speed limit");
  return out;
}

bool World::Rest(double duration_s) {
  SPINELAB_THROW_UNLESS(std::isfinite(duration_s) && duration_s >= 0, "duration_s must be >= 0");
  Impl& m = *impl_;
  for (const ElementType* t : m.types)
    if (t->Busy(m.state)) return false;
  const int64_t steps = std::llround(duration_s / m.options.dt_s);
  const double span = static_cast<double>(steps) * m.options.dt_s;
  for (BodyState& b : m.state.bodies) {
    b.v_WB.setZero();
    b.w_WB.setZero();
  }
  m.ComputeKinematics();
  if (m.has_slow) {
    // element strains at the held pose, then the slow state in growing substeps (its fast
    // parts settle early; the slow parts need few, long steps)
    m.RefreshContacts();
    m.EvaluateForces(nullptr);
    for (double t = 0; t < span;) {
      const double hs = std::min(span - t, std::clamp(0.25 * t, 5.0, 600.0));
      m.AdvanceSlow(hs);
      t += hs;
    }
  }
  m.ForEachType([&](const ElementType& t, ElementContext& c) { t.Rest(c, span); });
  for (size_t i = 0; i < m.state.bodies.size(); ++i) {
    const BodyState& b = m.state.bodies[i];
    m.bullet->SetBodyState(static_cast<int>(i), b.p_WB, b.q_WB, b.v_WB, b.w_WB);
  }
  m.state.step_index += steps;
  m.state.time_s = static_cast<double>(m.state.step_index) * m.options.dt_s;
  m.outputs_stale = true;
  return true;
}

// [SECTION] state and energy

State World::SaveState() const { return impl_->state; }

void World::RestoreState(const State& state) {
  SPINELAB_THROW_UNLESS(state.bodies.size() == impl_->state.bodies.size(),
                        "state has a different number of bodies than the model");
  impl_->state = state;
  // a state saved without slow state (older callers) starts it from zero
  for (const ElementType* t : impl_->types) {
    StepOutputs scratch;
    t->Init(impl_->model->desc(), &impl_->state, &scratch);
  }
  for (size_t i = 0; i < state.bodies.size(); ++i) {
    const BodyState& s = state.bodies[i];
    impl_->bullet->SetBodyState(static_cast<int>(i), s.p_WB, s.q_WB, s.v_WB, s.w_WB);
  }
  impl_->bullet->ResetCaches();
  impl_->contacts_stale = true;
  impl_->outputs_stale = true;
}

double World::PotentialEnergy() const {
  outputs();  // refreshes the kinematics cache
  Impl& m = *impl_;
  const ModelDesc& d = m.model->desc();
  double E = 0;
  for (int i = 0; i < m.model->num_bodies(); ++i) {
    if (d.bodies[i].fixed) continue;
    E -= d.bodies[i].mass_kg * m.options.gravity_W.dot(m.kin[i].p_WB);
  }
  m.ForEachType([&](const ElementType& t, ElementContext& c) { E += t.PotentialEnergy(c); });
  return E;
}

double World::KineticEnergy() const {
  outputs();
  const Impl& m = *impl_;
  const ModelDesc& d = m.model->desc();
  double E = 0;
  for (int i = 0; i < m.model->num_bodies(); ++i) {
    if (d.bodies[i].fixed) continue;
    const BodyKin& k = m.kin[i];
    const Vec3 w_B = k.R_WB.transpose() * k.w_WB;
    E += 0.5 * d.bodies[i].mass_kg * k.v_WB.squaredNorm() +
         0.5 * w_B.dot(d.bodies[i].inertia_kgm2.cwiseProduct(w_B));
  }
  return E;
}

uint64_t World::HashState() const {
  internal::StateHasher h;
  const State& state = impl_->state;
  h.Mix(&state.step_index, sizeof(state.step_index));
  for (const BodyState& s : state.bodies) {
    h.Mix(s.p_WB.data(), 3 * sizeof(double));
    h.Mix(s.q_WB.coeffs().data(), 4 * sizeof(double));
    h.Mix(s.v_WB.data(), 3 * sizeof(double));
    h.Mix(s.w_WB.data(), 3 * sizeof(double));
  }
  for (const ElementType* t : impl_->types) t->Hash(state, &h);
  return h.value();
}

}  // namespace spinelab::sim
