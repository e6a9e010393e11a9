// The force-element table (element_type.h): the engine's element types in evaluation order.
#include "forces/element_type.h"

#include "forces/bushing.h"
#include "forces/contact.h"
#include "forces/ligament.h"
#include "forces/reflex.h"
#include "forces/synovial_joint.h"
#include "forces/viscoelastic_bushing.h"

namespace spinelab::internal {

const std::vector<const sim::ElementType*>& BuiltinElementTypes() {
  // order matters: forces add up in this order (bitwise results), and synovial joints read the
  // strain of their capsular fibres (ligaments) evaluated before them
  static const std::vector<const sim::ElementType*> table = {
      &ContactElementType(),
      &BushingElementType(),
      &ViscoelasticBushingElementType(),
      &LigamentElementType(),
      &SynovialJointElementType(),
      &ReflexElementType(),
  };
  return table;
}

std::vector<const sim::ElementType*> ElementTypes(const sim::ModelDesc& model) {
  std::vector<const sim::ElementType*> types = BuiltinElementTypes();
  for (const auto& t : model.extra_element_types) types.push_back(t.get());
  return types;
}

}  // namespace spinelab::internal
