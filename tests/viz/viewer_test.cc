// The viewer headless under Xvfb with Mesa's software OpenGL: it renders a scenario and a
// results file to PNG; the picture shows the spine (bone-coloured pixels) and coloured facets.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <stb_image.h>

namespace {

struct Picture {
  int w = 0, h = 0, bone = 0, blue = 0, distinct = 0;
  int bone_middle = 0, bone_right = 0;  // bone pixels in the middle and right thirds (split views)
};

Picture Look(const std::string& png) {
  Picture p;
  int n = 0;
  unsigned char* px = stbi_load(png.c_str(), &p.w, &p.h, &n, 3);
  if (!px) return p;
  unsigned char first[3] = {px[0], px[1], px[2]};
  for (int i = 0; i < p.w * p.h; ++i) {
    const unsigned char r = px[3 * i], g = px[3 * i + 1], b = px[3 * i + 2];
    if (r > 150 && g > 140 && b > 110 && r > b + 15) {  // vertebrae
      ++p.bone;
      const int x = i % p.w;
      if (x > p.w / 3 && x < 2 * p.w / 3) ++p.bone_middle;
      if (x > 3 * p.w / 4) ++p.bone_right;
    }
    if (b > 110 && b > r + 50 && b > g + 30) ++p.blue;                  // low end of the facet map
    if (r != first[0] || g != first[1] || b != first[2]) ++p.distinct;
  }
  stbi_image_free(px);
  return p;
}

// runs the viewer under Xvfb; its output goes to a log that is printed when it fails
int Viewer(const std::string& args) {
  const std::string log = ::testing::TempDir() + "/viewer_" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".log";
  // (sanitizer builds: no leak check in the viewer process: the GL driver stack keeps a few
  // allocations to exit that LeakSanitizer cannot attribute; spinelab's code is leak-checked by
  // every other test)
  const std::string cmd = std::string("ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 xvfb-run -a -s '-screen 0 1280x720x24' ") +
                          SPINELAB_VIEWER + " " + args + " > " + log + " 2>&1";
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    if (FILE* f = std::fopen(log.c_str(), "r")) {
      char line[512];
      int n = 0;
      while (std::fgets(line, sizeof(line), f) && n++ < 40) std::fputs(line, stderr);
      std::fclose(f);
    }
  }
  return rc;
}

TEST(Viewer, HeadlessScreenshotShowsTheSpineAndColouredFacets) {
  const std::string png = ::testing::TempDir() + "/viewer_twist.png";
  std::remove(png.c_str());
  ASSERT_EQ(Viewer(std::string("--scenario ") + SPINELAB_SOURCE_DIR + "/scenarios/seated_twist.toml --frames 30 --screenshot " + png), 0);
  const Picture p = Look(png);
  ASSERT_EQ(p.w, 1280);
  ASSERT_EQ(p.h, 720);
  EXPECT_GT(p.distinct, 20000) << "not blank";
  EXPECT_GT(p.bone, 3000) << "vertebrae drawn";
  EXPECT_GT(p.blue, 100) << "facet joints coloured";
}

TEST(Viewer, OpensARunOfAResultsFile) {
  const std::string h5 = ::testing::TempDir() + "/viewer_runs.h5", png = ::testing::TempDir() + "/viewer_roller.png";
  std::remove(png.c_str());
  const std::string run = std::string(SPINELAB_BIN) + " run " + SPINELAB_SOURCE_DIR + "/scenarios/dead_hang.toml " +
                          SPINELAB_SOURCE_DIR + "/scenarios/foam_roller_thoracic.toml -o " + h5 + " --overwrite > /dev/null";
  ASSERT_EQ(std::system(run.c_str()), 0);
  ASSERT_EQ(Viewer("--results " + h5 + " --run foam_roller_thoracic --frames 20 --screenshot " + png), 0);
  const Picture p = Look(png);
  EXPECT_GT(p.bone, 3000);
  // a run that is not in the file is an error naming the runs there
  EXPECT_NE(Viewer("--results " + h5 + " --run nosuchrun --frames 2"), 0);
}

TEST(Viewer, OpensARunOfABatchStudyThroughItsLink) {
  // spinelab batch stores each run in its own file, linked from the study file
  const std::string dir = ::testing::TempDir() + "/viewer_study", png = dir + "/run.png";
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  const std::string batch = std::string(SPINELAB_BIN) + " batch " + SPINELAB_SOURCE_DIR +
                            "/scenarios/dead_hang.toml --set run.duration_s=1 --sweep subject.body_mass_kg=60,90 -q -o " + dir +
                            "/study.h5 > /dev/null";
  ASSERT_EQ(std::system(batch.c_str()), 0);
  ASSERT_EQ(Viewer("--results " + dir + "/study.h5 --run dead_hang__subject.body_mass_kg=90 --frames 20 --screenshot " + png), 0);
  EXPECT_GT(Look(png).bone, 3000);
}

TEST(Viewer, CompareShowsTwoRunsSideBySide) {
  const std::string png = ::testing::TempDir() + "/viewer_compare.png";
  std::remove(png.c_str());
  ASSERT_EQ(Viewer(std::string("--compare ") + SPINELAB_SOURCE_DIR + "/scenarios/seated_twist.toml " + SPINELAB_SOURCE_DIR +
                   "/scenarios/dead_hang.toml --frames 20 --view back --screenshot " + png),
            0);
  const Picture p = Look(png);
  EXPECT_GT(p.bone_middle, 1500) << "left run";
  EXPECT_GT(p.bone_right, 1500) << "right run";
}

TEST(Viewer, StartsEmptyWithAPicker) {
  const std::string png = ::testing::TempDir() + "/viewer_picker.png";
  std::remove(png.c_str());
  ASSERT_EQ(Viewer("--frames 3 --screenshot " + png), 0);
  EXPECT_GT(Look(png).distinct, 5000) << "the list of scenarios is drawn";
}

TEST(Viewer, BadInputsAreRefused) {
  EXPECT_NE(Viewer(std::string("--scenario ") + SPINELAB_SOURCE_DIR + "/tests/testdata/scenarios/unknown_key.toml --frames 2"), 0);
}

}  // namespace
