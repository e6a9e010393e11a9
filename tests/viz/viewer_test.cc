// The viewer headless under Xvfb with Mesa's software OpenGL: it renders a scenario and a
// results file to PNG; the picture shows the spine (bone-coloured pixels) and coloured facets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <stb_image.h>

namespace {

struct Picture {
  int w = 0, h = 0, bone = 0, blue = 0, distinct = 0;
  int bone_middle = 0, bone_right = 0;  // bone pixels in the middle and right thirds (split views)
  int bone_scene = 0;                   // bone pixels right of the control window (x > 440)
  // the bounding box of the bone pixels in the 3D view, the close-up inset (lower right) left out
  int fig_x0 = 1 << 30, fig_x1 = -1, fig_y0 = 1 << 30, fig_y1 = -1;
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
      if (x > 440) ++p.bone_scene;
      const int y = i / p.w;
      if (x > 440 && !(x >= p.w - 305 && y >= p.h - 305)) {
        p.fig_x0 = std::min(p.fig_x0, x), p.fig_x1 = std::max(p.fig_x1, x);
        p.fig_y0 = std::min(p.fig_y0, y), p.fig_y1 = std::max(p.fig_y1, y);
      }
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

// the whole figure as bones, in frame: the dead hang from the bar to the feet (tall, from the
// front), the seated twist with its shoulders and pelvis (from behind and above)
TEST(Viewer, TheDeadHangAndTheSeatedTwistShowTheWholeFigureInFrame) {
  for (const char* name : {"dead_hang", "seated_twist"}) {
    SCOPED_TRACE(name);
    const std::string png = ::testing::TempDir() + "/viewer_figure_" + name + ".png";
    std::remove(png.c_str());
    ASSERT_EQ(Viewer(std::string("--scenario ") + SPINELAB_SOURCE_DIR + "/scenarios/" + name + ".toml --frames 2 --screenshot " + png), 0);
    const Picture p = Look(png);
    ASSERT_EQ(p.h, 720);
    EXPECT_GT(p.bone_scene, 8000) << "the skeleton drawn";
    ASSERT_GE(p.fig_x1, 0);
    // in frame: the bones keep off the picture's edges and the control window
    EXPECT_GT(p.fig_y0, 4) << "the top of the figure in the picture";
    EXPECT_LT(p.fig_y1, p.h - 5) << "its bottom in the picture";
    EXPECT_GT(p.fig_x0, 445) << "right of the control window";
    EXPECT_LT(p.fig_x1, p.w - 5);
    const int width = p.fig_x1 - p.fig_x0, height = p.fig_y1 - p.fig_y0;
    EXPECT_GT(height, p.h / 3) << "large enough to see";
    if (std::string(name) == "dead_hang") {
      EXPECT_GT(height, p.h / 2) << "the hanging figure fills the view's height";
      EXPECT_GT(height, 2 * width) << "a tall figure: bar, arms, trunk, legs";
    } else {
      EXPECT_GT(width, 120) << "shoulders and pelvis across";
    }
  }
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

// what ffprobe says of a video's streams: "codec,width,height,rate" lines
std::string Probe(const std::string& mp4) {
  const std::string out = mp4 + ".probe";
  const std::string cmd = "ffprobe -v error -show_entries stream=codec_name,width,height,r_frame_rate -of csv=p=0 " + mp4 + " > " + out;
  if (std::system(cmd.c_str()) != 0) return "";
  std::string text;
  if (FILE* f = std::fopen(out.c_str(), "r")) {
    char line[256];
    while (std::fgets(line, sizeof(line), f)) text += line;
    std::fclose(f);
  }
  return text;
}

// the times [s] at which the video's audio first rises above a tenth of its peak after a quiet
// stretch of 50 ms (one onset per pop)
std::vector<double> SoundOnsets(const std::string& mp4, double* peak) {
  const std::string raw = mp4 + ".f32";
  std::vector<double> onsets;
  *peak = 0;
  if (std::system(("ffmpeg -v error -y -i " + mp4 + " -ac 1 -ar 44100 -f f32le " + raw).c_str()) != 0) return onsets;
  std::vector<float> a;
  if (FILE* f = std::fopen(raw.c_str(), "rb")) {
    float buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, sizeof(float), 4096, f)) > 0) a.insert(a.end(), buf, buf + n);
    std::fclose(f);
  }
  for (float x : a) *peak = std::max(*peak, static_cast<double>(std::abs(x)));
  long last = -100000;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i]) > 0.1 * *peak) {
      if (static_cast<long>(i) - last > 44100 / 20) onsets.push_back(i / 44100.0);
      last = static_cast<long>(i);
    }
  return onsets;
}

TEST(Viewer, VideoExportIsH264WithThePopsOnItsAudioTrack) {
  // a recorded side-posture thrust (it pops: the run prints when) played at 2x into a 30 fps
  // video: each pop sounds at its run time / 2, within a frame
  const std::string dir = ::testing::TempDir() + "/viewer_video";
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  const std::string h5 = dir + "/sp.h5", mp4 = dir + "/sp.mp4", log = dir + "/run.txt";
  ASSERT_EQ(std::system((std::string(SPINELAB_BIN) + " run " + SPINELAB_SOURCE_DIR +
                         "/scenarios/lumbar_side_posture_thrust.toml -o " + h5 + " > " + log).c_str()), 0);
  std::vector<double> pops;
  if (FILE* f = std::fopen(log.c_str(), "r")) {
    char line[4096];
    while (std::fgets(line, sizeof(line), f)) {
      const std::string l = line;
      if (l.rfind("cavitations:", 0) != 0) continue;
      for (size_t at = l.find(" at "); at != std::string::npos; at = l.find(" at ", at + 1)) pops.push_back(std::atof(l.c_str() + at + 4));
    }
    std::fclose(f);
  }
  ASSERT_FALSE(pops.empty()) << "the side-posture thrust pops";
  ASSERT_EQ(Viewer("--results " + h5 + " --speed 2 --video " + mp4), 0);
  const std::string streams = Probe(mp4);
  EXPECT_NE(streams.find("h264,1280,720,30/1"), std::string::npos) << streams;
  EXPECT_NE(streams.find("aac"), std::string::npos) << streams;
  double peak = 0;
  const std::vector<double> onsets = SoundOnsets(mp4, &peak);
  EXPECT_GT(peak, 0.02) << "the pops are audible (about 0.05 of full scale: 0.05 Pa at 10 cm)";
  // one onset per pop (pops closer than 50 ms in the video sound as one)
  const double tol_s = 1.0 / 30 + 0.015;
  auto near = [&](const std::vector<double>& xs, double t) {
    return std::any_of(xs.begin(), xs.end(), [&](double x) { return std::abs(x - t) < tol_s; });
  };
  std::vector<double> video_pops;
  for (double p : pops) video_pops.push_back(p / 2);
  for (size_t i = 0; i < video_pops.size(); ++i)
    EXPECT_TRUE(near(onsets, video_pops[i]) || (i > 0 && video_pops[i] - video_pops[i - 1] < 0.05)) << "pop at " << pops[i] << " s";
  for (double o : onsets) EXPECT_TRUE(near(video_pops, o)) << "a sound at " << o << " s of the video with no pop";
  // frames: the figure is there
  ASSERT_EQ(std::system(("ffmpeg -v error -y -ss 2 -i " + mp4 + " -frames:v 1 " + dir + "/f.png").c_str()), 0);
  EXPECT_GT(Look(dir + "/f.png").bone, 3000);
}

TEST(Viewer, AFailedOrKilledVideoExportLeavesTheOldFile) {
  const std::string dir = ::testing::TempDir() + "/viewer_video_fail", mp4 = dir + "/old.mp4";
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir + " && printf old > " + mp4).c_str()), 0);
  auto content = [&] {
    std::string t;
    if (FILE* f = std::fopen(mp4.c_str(), "rb")) {
      char b[64];
      size_t n = std::fread(b, 1, sizeof(b), f);
      t.assign(b, n);
      std::fclose(f);
    }
    return t;
  };
  // an unwritable place and a bad frame rate are refused before anything is rendered
  EXPECT_NE(Viewer(std::string("--scenario ") + SPINELAB_SOURCE_DIR + "/scenarios/seated_twist.toml --video " + dir + "/no/such/dir/v.mp4"), 0);
  EXPECT_NE(Viewer(std::string("--scenario ") + SPINELAB_SOURCE_DIR + "/scenarios/seated_twist.toml --fps 25 --video " + mp4), 0);
  // killed while it renders: the old file stays as it was
  const std::string cmd = std::string("xvfb-run -a -s '-screen 0 1280x720x24' ") + SPINELAB_VIEWER + " --scenario " +
                          SPINELAB_SOURCE_DIR + "/scenarios/seated_twist.toml --video " + mp4 +
                          " > /dev/null 2>&1 & sleep 4; pkill -KILL -f 'spinelab-viewer.*" + mp4 + "'; wait";
  std::system(cmd.c_str());
  EXPECT_EQ(content(), "old");
}

// every step of the lessons a class sees: a picture per step (--lesson-shots), each with the
// figure in the scene (bone-coloured pixels right of the control window) and not blank. The
// 30-day protocol lesson (repeated_popping_laxity) simulates two months of habits first (~1.5 min
// of CPU): it is read by ViewerLesson.EveryShippedLessonReads and shot by hand (docs/viewer.md).
TEST(Viewer, EveryLessonStepShowsTheFigure) {
  for (const std::string name : {"twist_vs_traction", "pop_and_refractory", "rate_matters", "neck_thrust_artery", "osteoporosis"}) {
    const std::string dir = ::testing::TempDir() + "/viewer_lesson_" + name;
    ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
    ASSERT_EQ(Viewer("--lesson " + name + " --lesson-shots " + dir), 0) << name;
    int steps = 0;
    if (FILE* f = std::fopen((std::string(SPINELAB_SOURCE_DIR) + "/lessons/" + name + ".toml").c_str(), "r")) {
      char line[1024];
      while (std::fgets(line, sizeof(line), f)) steps += std::string(line).rfind("[[step]]", 0) == 0;
      std::fclose(f);
    }
    ASSERT_GT(steps, 1) << name;
    for (int k = 1; k <= steps + 1; ++k) {
      char file[32];
      std::snprintf(file, sizeof(file), "/step_%02d.png", k);
      const Picture p = Look(dir + file);
      if (k > steps) {
        EXPECT_EQ(p.w, 0) << name << ": a picture for a step that does not exist";
        continue;
      }
      EXPECT_EQ(p.w, 1280) << name << file;
      EXPECT_GT(p.distinct, 20000) << name << file << ": not blank";
      EXPECT_GT(p.bone_scene, 2000) << name << file << ": the figure is in the scene";
    }
  }
}

TEST(Viewer, BadInputsAreRefused) {
  EXPECT_NE(Viewer(std::string("--scenario ") + SPINELAB_SOURCE_DIR + "/tests/testdata/scenarios/unknown_key.toml --frames 2"), 0);
  EXPECT_NE(Viewer("--lesson no-such-lesson --frames 2"), 0);
}

}  // namespace
