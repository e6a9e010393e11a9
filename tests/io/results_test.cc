// `spinelab run -o`: the HDF5 file explains itself (units on every dataset, the scenario text,
// the status) and refuses to overwrite without --overwrite.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "spinelab/io/h5.h"

namespace {

int RunCli(const std::string& args) {
  return WEXITSTATUS(std::system((std::string(SPINELAB_BIN) + " " + args + " > /dev/null 2>&1").c_str()));
}

TEST(Results, RunWritesTheDocumentedLayoutWithUnits) {
  const std::string out = ::testing::TempDir() + "/twist.h5";
  std::remove(out.c_str());
  ASSERT_EQ(RunCli(std::string("run ") + SPINELAB_SOURCE_DIR + "/scenarios/seated_twist.toml -o " + out), 0);
  auto f = spinelab::io::OpenFileReadOnly(out);
  ASSERT_TRUE(f.ok()) << f.ErrorText();
  const auto& F = f.value();
  EXPECT_EQ(spinelab::io::ReadStringAttr(F, "runs/seated_twist", "status").value(), "ok");
  EXPECT_NE(spinelab::io::ReadStringAttr(F, "runs/seated_twist", "scenario_text").value().find("Seated spinal twist"), std::string::npos);
  struct D {
    const char* name;
    const char* units;
    size_t rank;
  };
  for (const D& d : {D{"time", "s", 1}, D{"bodies/position", "m", 3}, D{"bodies/orientation", "-", 3},
                     D{"levels/rotation", "rad", 3}, D{"levels/disc_compression", "N", 2},
                     D{"levels/disc_shear", "N", 2}, D{"levels/disc_pressure", "Pa", 2}, D{"facets/gap", "m", 2},
                     D{"facets/fluid_pressure", "Pa", 2}, D{"facets/contact_force", "N", 2},
                     D{"facets/capsule_strain", "-", 2}, D{"facets/bubble_radius", "m", 2},
                     D{"events/cavitation/time", "s", 1}, D{"levels/annulus_shear_stress", "Pa", 2},
                     D{"levels/disc_torsion", "N*m", 2}, D{"levels/disc_shear_vector", "N", 3},
                     D{"safety/fracture_risk", "-", 2}, D{"safety/vertebral_artery_strain", "-", 2},
                     D{"scene/object_pose", "m, -", 2}}) {
    const std::string path = std::string("runs/seated_twist/") + d.name;
    std::vector<uint64_t> dims;
    auto v = spinelab::io::ReadDoubles(F, path, &dims);
    ASSERT_TRUE(v.ok()) << path;
    EXPECT_EQ(dims.size(), d.rank) << path;
    EXPECT_EQ(spinelab::io::ReadStringAttr(F, path, "units").value(), d.units) << path;
  }
  std::vector<uint64_t> dims;
  spinelab::io::ReadDoubles(F, "runs/seated_twist/levels/rotation", &dims);
  EXPECT_EQ(dims[1], 25u);
  EXPECT_EQ(dims[2], 3u);
  EXPECT_EQ(spinelab::io::ReadStrings(F, "runs/seated_twist/levels/name").value()[14], "T7-T8");
  spinelab::io::ReadDoubles(F, "runs/seated_twist/safety/vertebral_artery_strain", &dims);
  EXPECT_EQ(dims[1], 2u);
}

TEST(Results, ExistingFileIsNotOverwrittenWithoutTheFlag) {
  const std::string out = ::testing::TempDir() + "/exists.h5";
  std::FILE* f = std::fopen(out.c_str(), "w");
  std::fputs("keep me", f);
  std::fclose(f);
  EXPECT_NE(RunCli(std::string("run ") + SPINELAB_SOURCE_DIR + "/scenarios/seated_twist.toml -o " + out), 0);
  f = std::fopen(out.c_str(), "r");
  char buf[16] = {0};
  std::fgets(buf, sizeof buf, f);
  std::fclose(f);
  EXPECT_STREQ(buf, "keep me");
}

}  // namespace
