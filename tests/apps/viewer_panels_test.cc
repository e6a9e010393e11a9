// The viewer's panels drawn headless with Dear ImGui and no renderer (no GL, no window): every
// panel of the table draws; without input the panels queue nothing but the load that the open
// explore panel applies each frame; a hidden panel is not drawn.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <variant>

#include <imgui.h>

#include "app_state.h"
#include "panels/panel_table.h"
#include "viewer_toy_recording.h"

namespace spinelab::viewer {
namespace {

// one ImGui frame of the control window, as the app draws it, the mouse at `mouse` [px] with
// its left button down or up; the commands it queued
std::vector<Command> DrawOnce(const AppState& s, ImVec2 mouse = ImVec2(-1, -1), bool down = false, int button = 0) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = mouse;
  io.MouseDown[0] = down && button == 0;
  io.MouseDown[1] = down && button == 1;
  io.DisplaySize = ImVec2(1280, 720);
  io.DeltaTime = 1.f / 60;
  CommandQueue queue;
  ImGui::NewFrame();
  DrawControlWindow(s, &queue);
  ImGui::Render();
  return queue.Take();
}

class ViewerPanels : public ::testing::Test {
 protected:
  void SetUp() override {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the font atlas (nothing uploaded)
  }
  void TearDown() override { ImGui::DestroyContext(); }
};

int PanelIndex(const char* name) {
  for (size_t i = 0; i < PanelTable().size(); ++i)
    if (std::string(PanelTable()[i].name) == name) return static_cast<int>(i);
  return -1;
}

TEST_F(ViewerPanels, TheTableNamesEachPanelOnce) {
  std::set<std::string> names;
  for (const PanelEntry& p : PanelTable()) {
    EXPECT_NE(p.draw, nullptr) << p.name;
    EXPECT_TRUE(names.insert(p.name).second) << "twice: " << p.name;
  }
  EXPECT_EQ(DefaultPanelVisibility().size(), PanelTable().size());
  EXPECT_GE(PanelIndex("live and explore"), 0);
}

TEST_F(ViewerPanels, ARecordedComparisonDrawsAndQueuesNothingWithoutInput) {
  Recording left = ToyRecording(), right = ToyRecording();
  left.has_summary = right.has_summary = true;  // the comparison table
  left.cavitations = {{0.25, 0, 0.4e-3, {}}};    // the events list and the caption
  AppState s = MakeAppState(left, right, ViewSettings{});
  s.panel_visible = DefaultPanelVisibility();
  ASSERT_EQ(s.mode, Mode::kCompare);
  AdvanceFrame(&s, 0.5);
  for (int picked_facet : {-1, 1}) {  // nothing picked, then a facet (the inspector)
    s.scene.selected_facet = picked_facet;
    s.scene.selected_body = picked_facet < 0 ? 1 : -1;
    for (int frame = 0; frame < 3; ++frame) EXPECT_TRUE(DrawOnce(s).empty());
  }
}

// a click (press, release) at `at` [px] after frames with the mouse there; the commands queued
std::vector<Command> Click(const AppState& s, ImVec2 at, int button = 0) {
  std::vector<Command> all;
  for (bool down : {false, false, false, true, false})  // the first frames lay the window out
    for (Command& c : DrawOnce(s, at, down, button)) all.push_back(std::move(c));
  return all;
}

// the control window lays out as on screen (the default font and style; window at 10, 10): the
// Play/Pause button is the first widget under the title and the source
const ImVec2 kPauseButton_px(38, 84);

TEST_F(ViewerPanels, AClickOnPauseQueuesPauseAndOnPlayQueuesPlay) {
  AppState s = ToyState();
  s.panel_visible = DefaultPanelVisibility();
  AdvanceFrame(&s, 0.0);
  ASSERT_TRUE(s.playing);
  std::vector<Command> queued = Click(s, kPauseButton_px);
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Pause>(queued.front()));
  s.playing = false;  // as ApplyCommands would
  queued = Click(s, kPauseButton_px);
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Play>(queued.front()));
}

TEST_F(ViewerPanels, TheRightClickMenuHidesAPanel) {
  AppState s = ToyState();
  s.panel_visible = DefaultPanelVisibility();
  AdvanceFrame(&s, 0.0);
  const ImVec2 in_window(200, 45);  // on the title panel's lines
  EXPECT_TRUE(Click(s, in_window, 1).empty()) << "the right click opens the menu";
  // the menu opens at the mouse; its first row is the first panel's
  const std::vector<Command> queued = Click(s, ImVec2(in_window.x + 20, in_window.y + 10));
  ASSERT_EQ(queued.size(), 1u);
  const auto* show = std::get_if<ShowPanel>(&queued.front());
  ASSERT_NE(show, nullptr);
  EXPECT_EQ(show->panel, 0);
  EXPECT_FALSE(show->visible);
}

TEST_F(ViewerPanels, TheOpenExplorePanelQueuesItsLoadEachFrameAndAHiddenOneNothing) {
  Source src;
  src.scenario = std::string(SPINELAB_SOURCE_DIR) + "/scenarios/dead_hang.toml";
  src.model = sim::DefaultSpineModelPath();
  src.explore = true;
  auto loaded = LoadAppState(src, ViewSettings{});
  ASSERT_TRUE(loaded) << loaded.ErrorText();
  AppState& s = loaded.value();
  s.panel_visible = DefaultPanelVisibility();
  s.explore.traction_N = 120.f;
  AdvanceFrame(&s, 1.0 / 60);
  for (int frame = 0; frame < 2; ++frame) {
    const std::vector<Command> queued = DrawOnce(s);
    ASSERT_EQ(queued.size(), 1u);
    const auto* load = std::get_if<ExploreApply>(&queued.front());
    ASSERT_NE(load, nullptr);
    EXPECT_EQ(load->level, s.explore.level);
    EXPECT_EQ(load->traction_N, 120.f) << "the load shown is the load applied";
  }
  s.panel_visible[PanelIndex("live and explore")] = false;
  EXPECT_TRUE(DrawOnce(s).empty());
}

}  // namespace
}  // namespace spinelab::viewer
