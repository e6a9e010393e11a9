#pragma once
/// @file skeleton.h
/// The figure as bones, made once per model (no OpenGL): every body's procedural parts turned
/// into bone shapes (vertebrae with rounded processes, the skull, ribs and cartilages, the
/// sternum, clavicles, scapular blades, the pelvis, long bones with their epiphyses, hands and
/// feet), the parts a model leaves lumped drawn where they are (the lumped rib cage from the rib
/// geometry, carried rigidly by each rib's vertebra; lumped arms and legs in the posture's pose,
/// carried by the bodies they are lumped on), a translucent body surface (skin) and the scene's
/// objects as what they are (a chair with legs, the bar, a practitioner's hands and forearms).
///
/// Design: each piece is a unit mesh (meshes.h) with a pose in the body that carries it, so the
/// meshes are uploaded once and a frame costs one matrix per piece. Rejected: meshes per body
/// rebuilt every frame (the lumped parts are rigid on their bodies anyway) and one skinned mesh
/// (needs weights the model does not have).

#include <string>
#include <vector>

#include "spinelab/anatomy/spine.h"
#include "spinelab/scenario/scenario.h"
#include "spinelab/viz/scene.h"

namespace spinelab::viz {

/// One piece of the figure: a unit mesh scaled by `size_m` and placed at X_BG in body `body`'s
/// frame (body -1: fixed in W, X_BG is then X_WG).
struct Bone {
  int body = -1;
  Mesh mesh = Mesh::kRoundBox;
  Pose X_BG;
  Vec3 size_m = Vec3::Zero();  ///< [m] the unit mesh's scale along G's axes
  Rgba color;
  std::string part;            ///< what it is ("femur", "rib 6 L", "chair leg", ...)
};

struct Skeleton {
  std::vector<Bone> bones;   ///< opaque: bone, cartilage and the objects' parts
  std::vector<Bone> skin;    ///< the body surface, drawn translucent when asked
  bool lumped_ribs = false;  ///< the ribs are drawn from the rib geometry on their vertebrae
  bool lumped_limbs = false; ///< the arms and legs are drawn in the posture's pose on T2 and the pelvis
};

/// The figure of `model` (scenario's model: BuildScenarioModel) in the scenario's posture. With
/// `params` (the model's SpineParams), what the model lumps is drawn too: the rib cage, and the
/// arms and legs in the pose the limbs would take as bodies (sim::LimbPoseOf the scenario, the
/// anatomy's [limbs] pose_*_deg); without, only its bodies' parts. The poses are those of
/// model.bodies' X_WB (the run's first frame).
Skeleton BuildSkeleton(const sim::ModelDesc& model, const sim::Scenario& scenario, const sim::SpineParams* params);

/// The world pose of a piece in a frame (poses of every body, W).
Pose PieceInWorld(const Bone& bone, const std::vector<Pose>& X_WB);

}  // namespace spinelab::viz
