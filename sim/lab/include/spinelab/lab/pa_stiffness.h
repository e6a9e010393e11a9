#pragma once
/// @file pa_stiffness.h
/// Posterior-anterior (PA) stiffness of the prone spine: a hand pad pressed on one vertebra's
/// back with a slow ramp, as in clinical PA stiffness testing (Edmondston et al. 1999). It
/// calibrates the trunk's soft-tissue contact (models/spine_adult.toml, [tissue]).

#include <string>
#include <vector>

#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim {

struct PaStiffnessResult {
  std::string body;                ///< vertebra pressed, e.g. "T7"
  double stiffness_N_per_m = 0;    ///< [N/m] force change / pad travel between the two forces
  double pad_travel_m = 0;         ///< [m] hand travel between them (skin + spine + table)
  double vertebra_travel_m = 0;    ///< [m] the vertebra's own travel
  double force_low_N = 50, force_high_N = 200;  ///< [N] the two force levels compared
};

/// Prone on a table with a face cradle, trunk muscles nearly relaxed (tone 0.05; neck 0.5); the pad's force ramps from 0
/// to 200 N over 2 s; the stiffness is taken between 50 and 200 N (quasi-static).
Expected<PaStiffnessResult> MeasurePaStiffness(const SpineParams& params, const Subject& subject,
                                               const std::string& body);

/// Where the hand's force goes (issue 20): the PA stiffness scene run as MeasurePaStiffness runs
/// it, stopped at the hand's touch (the ramp's start, PushForce 2 N), at 50 N and at 200 N. A cut
/// is a set of free bodies; each family is one kind of force across the cut's boundary (an
/// element type and name, the hand's or the table's contact by the bodies it touches, gravity)
/// and holds the force it exerts on the cut's bodies along the hand's push [N] (+: towards the
/// table). Elements with both bodies inside the cut cancel; a fixed body (the held sacrum) is
/// outside every cut. Quasi-statically each cut's families sum to ~0 (the rest is the bodies'
/// inertia, `residual`): the conservation the load path is checked by.
struct PaLoadPathFamily {
  std::string name;                ///< e.g. "disc", "facet joint", "CV joint", "table on sternum"
  double touch_N = 0;              ///< [N] at the hand's touch (the ramp's start)
  double low_N = 0;                ///< [N] at the hand's 50 N
  double high_N = 0;               ///< [N] at the hand's 200 N
};
struct PaLoadPathCut {
  std::string name;                ///< e.g. "T7", "rib cage (ribs + sternum)"
  std::vector<PaLoadPathFamily> families;  ///< in order of first appearance (the model's element order)
  /// [N] sum of all families (what the bodies' inertia and anything unaccounted take), at touch / 50 / 200 N
  double residual_touch_N = 0, residual_low_N = 0, residual_high_N = 0;
};
struct PaLoadPathResult {
  std::string body;                ///< vertebra pressed
  /// [N] the hand's contact force on the trunk along the push at touch / 50 / 200 N (its pad's
  /// push plus the pad's weight)
  double hand_touch_N = 0, hand_low_N = 0, hand_high_N = 0;
  std::vector<PaLoadPathCut> cuts; ///< the whole trunk; the pressed vertebra; the rib cage; its front (anterior segments + sternum); the sternum
  /// where the hand's travel goes: the travel along the push [m] from touch / 50 N to 200 N of
  /// the hand, the pressed vertebra, its level's rib segments and the sternum, and the table
  /// contacts' bodies (force-weighted at 200 N): the differences down the chain are the skin
  /// under the hand, the spine to the cage's front, the front's tissue on the table
  struct Travel {
    std::string name;
    double from_touch_m = 0, from_low_m = 0;
  };
  std::vector<Travel> travel;
};
Expected<PaLoadPathResult> MeasurePaLoadPath(const SpineParams& params, const Subject& subject, const std::string& body);

/// The prone rest of the PA stiffness scene without the hand: how level the trunk lies on the
/// table after the static settle (a body that rolls on a rounded chest shows here first).
struct ProneRestBody {
  std::string name;                ///< body (head .. sacrum, then "sternum" when the cage is bodies)
  double roll_rad = 0;             ///< [rad] its left axis' tilt out of the horizontal (+: left side up); vertebrae and head only
  double lateral_m = 0;            ///< [m] its position along the pelvis' left axis, from the pelvis
  double table_N = 0;              ///< [N] the table's normal force on it
  double table_lateral_m = 0;      ///< [m] where the table pushes (force-weighted, along the pelvis' left axis)
};
struct ProneRestResult {
  std::vector<ProneRestBody> bodies;
  double sternum_off_T7_m = 0;     ///< [m] the sternum's offset along T7's left axis, from T7 (0: the cage does not shear; lumped: 0)
  double max_roll_rad = 0;         ///< [rad] largest |roll| of head, vertebrae and sacrum
};
/// Settles the PA stiffness scene with no hand pad and reads the rest pose (fails as a scenario
/// does, e.g. "found no resting pose", when the settle does).
Expected<ProneRestResult> MeasureProneRest(const SpineParams& params, const Subject& subject);

/// The literature the PA stiffness is checked against: Edmondston SJ et al. 1999 Man Ther 4(3):157,
/// 20 healthy subjects, prone, 50-200 N. T7 calibrates the chest's contact; T4 and T10 are held out.
struct PaStiffnessTarget {
  const char* body;
  double stiffness_N_per_mm;
  const char* role;                ///< "calibrated" or "held out"
};
const std::vector<PaStiffnessTarget>& PaStiffnessTargets();
constexpr double kPaStiffnessTolerance = 0.5;  ///< [-] |model / measured − 1| that passes
constexpr const char* kPaStiffnessSource = "Edmondston et al. 1999, Man Ther 4:157";

}  // namespace spinelab::sim
