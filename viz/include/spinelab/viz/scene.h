#pragma once
/// @file scene.h
/// Model + state -> a list of things to draw (no OpenGL here, so it is unit-tested without a
/// display): the procedural vertebrae, the facet joints coloured by a chosen quantity, a bubble
/// in a joint that holds gas, hand pads and the scene's objects (floor, chair, roller).

#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "spinelab/sim/model.h"

namespace spinelab::viz {

struct Rgba {
  float r = 1, g = 1, b = 1, a = 1;
};

/// Unit meshes (meshes.h builds them): box [-1,1]^3, cylinder of radius 1 about z from -1 to 1,
/// sphere of radius 1, a large square in z = 0 (a floor), a capsule, a rounded box, a long bone
/// (shaft and epiphyses along z) and a skull (x forwards, z up).
enum class Mesh { kBox, kCylinder, kSphere, kPlane, kCapsule, kRoundBox, kLongBone, kSkull, kCount };

struct Skeleton;  // skeleton.h

struct DrawItem {
  Mesh mesh = Mesh::kBox;
  Eigen::Matrix4f model = Eigen::Matrix4f::Identity();  ///< unit mesh -> world [m]
  Rgba color;
  int body = -1;   ///< body id (picking), -1 for none
  int facet = -1;  ///< facet index (picking), -1 for none
  /// the body surface (skin): translucent, drawn after everything opaque as one layer (only
  /// the skin nearest the eye shows), never picked
  bool skin = false;
};

/// What the facet joints are coloured by.
enum class FacetQuantity { kGap, kFluidPressure, kCapsuleStrain, kContactForce };
const char* QuantityName(FacetQuantity q);   ///< "gap [mm]", ...
struct Range {
  double lo = 0, hi = 1;  ///< in display units (mm, kPa, -, N)
};
/// Fixed physical ranges, so colours mean the same in every run and every frame of a model. The
/// capsule strain runs up to the model's pain-behaviour strain (the largest of its capsules').
Range QuantityRange(FacetQuantity q, const sim::ModelDesc& model);
/// The value in display units.
double DisplayValue(FacetQuantity q, double value_si);

/// One instant of a run, in SI: poses of every body and the facet values (indexed like the
/// model's bodies and facets).
struct Frame {
  double time_s = 0;
  std::vector<Pose> X_WB;
  std::vector<double> facet_gap_m, facet_pressure_Pa, facet_capsule_strain, facet_contact_N, facet_bubble_radius_m;
  std::vector<double> disc_shear_N, disc_pressure_Pa;  ///< per level (may be empty)
  std::vector<Vec3> disc_shear_W;                      ///< per level: shear force on the upper body, W [N] (may be empty)
  struct Arrow {
    Vec3 at_W, force_W;                                ///< [m], [N]
  };
  std::vector<Arrow> contact_forces;                   ///< contact forces on the bodies (live runs)
  std::vector<Arrow> applied_forces;                   ///< the scenario's loads and hand pushes
  struct TorqueArrow {
    Vec3 at_W, torque_W;                               ///< [m], [N·m]
  };
  std::vector<TorqueArrow> applied_torques;            ///< the scenario's applied moments (a drive's: what its servo applies)
  /// per drive of the scenario (its loads with a target rotation, in load order): the torque its
  /// servo applies on the driven body now, W [N·m] (drives/torque; may be empty)
  std::vector<Vec3> drive_torque_W;
  double Value(FacetQuantity q, size_t facet) const;
};

/// Perceptual blue -> white -> red map of t in [0, 1] (clamped).
Rgba ColorMap(double t);

/// What the discs are coloured by (kNone: bone colour).
enum class DiscQuantity { kNone, kShear, kPressure };
Range DiscRange(DiscQuantity q);  ///< N for shear, MPa for pressure

struct SceneOptions {
  FacetQuantity facet_quantity = FacetQuantity::kCapsuleStrain;
  DiscQuantity disc_quantity = DiscQuantity::kNone;
  bool arrows = true;               ///< contact forces and disc shear as arrows
  bool tissue = true;               ///< the trunk's soft-tissue slices (contact surfaces), translucent
  bool closeup = true;              ///< the inset close-up of the picked (or followed) joint
  double arrow_m_per_N = 0.0005;    ///< [m/N] arrow length per newton
  double arrow_m_per_Nm = 0.01;     ///< [m/(N·m)] torque arrow (axis) length per newton metre
  int selected_body = -1;  ///< highlighted
  int selected_facet = -1;
  /// the figure as bones (skeleton.h: BuildSkeleton, made once per model); null: each body's
  /// procedural parts as they are (boxes, cylinders)
  std::shared_ptr<const Skeleton> skeleton;
  bool skin = false;     ///< the translucent body surface around the bones (needs `skeleton`)
  bool shadows = true;   ///< soft blob shadows of the bodies on the floor
};

/// The draw item under a ray (origin, unit direction; world) or -1: the nearest facet joint on
/// the ray (joints sit inside bone, so they win), else the nearest body part; tested against
/// each unit mesh's bounding cube.
int Pick(const std::vector<DrawItem>& items, const Eigen::Vector3f& origin, const Eigen::Vector3f& direction);

/// A text placed at a point of the scene (the renderer projects it and draws it over the picture).
struct Label {
  Vec3 at_W;         ///< [m]
  std::string text;  ///< UTF-8, e.g. "532 N", "15 N·m"
  Rgba color;
};
/// The applied loads' magnitudes at their arrow tips ("532 N", "15 N·m"), when arrows are shown;
/// loads too small to draw an arrow get no label.
std::vector<Label> ArrowLabels(const Frame& frame, const SceneOptions& options);

/// The close-up of one synovial joint, drawn in a joint frame at its true size except along the
/// normal, where the gap is magnified kCloseUpGapScale times (a facet gap is tenths of a
/// millimetre beside a surface ~10 mm across): A's and B's articular surfaces (their tangential
/// offset shows sliding), the fluid film between them coloured by its pressure, the capsule around
/// them coloured by its strain (translucent), and the gas cavity at its radius while there is gas.
inline constexpr double kCloseUpGapScale = 5.0;
struct CloseUp {
  std::vector<DrawItem> items;
  Vec3 centre_W = Vec3::Zero();       ///< [m] between the two surfaces
  Vec3 normal_W = Vec3::UnitZ();      ///< [-] the opening direction (A to B)
  double radius_m = 0;                ///< [m] of the articular surface
  double gap_m = 0;                   ///< [m] signed, along the normal (negative: pressed)
};
/// The close-up of synovial joint `facet`; nothing (no items) when it is not in the model.
CloseUp BuildCloseUp(const sim::ModelDesc& model, const Frame& frame, int facet);
/// Its caption: "T7-T8 L  gap 0.42 mm (drawn x5)", then "fluid -23 kPa  capsule 0.12", and "gas
/// r 0.6 mm" while there is gas; "" for a joint not in the model.
std::string CloseUpCaption(const sim::ModelDesc& model, const Frame& frame, int facet);

/// Everything to draw for one frame.
std::vector<DrawItem> BuildDrawList(const sim::ModelDesc& model, const Frame& frame, const SceneOptions& options);

}  // namespace spinelab::viz
