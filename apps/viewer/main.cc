// spinelab-viewer: see, scrub and inspect a scenario run. Opens a scenario (simulated, then
// played back) or a results file; draws the spine with its facet joints coloured by a chosen
// quantity, the scene's objects, a timeline with the cavitation events, and captions.
// Headless: --frames N --screenshot out.png [--print-frame-times].
//
// The frame loop: poll -> AdvanceFrame (time, live simulation, the frame to show; the pops it
// passed play) -> the mouse over the scene and the panels (panels/panel_table.cc) queue commands
// -> ApplyCommands (the one place the state changes) -> draw the scene and the UI -> swap.
// The state is app_state.h's AppState; nothing here keeps state of its own between frames.
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include "spinelab/io/atomic_file.h"
#include "app_state.h"
#include "video.h"
#include "audio.h"
#include "panels/panel_table.h"
#include "panels/picker_panel.h"
#include "renderer.h"
#include "scene_input.h"

namespace spinelab::viewer {
namespace {

constexpr int kMaxHeadlessFrames = 200000;  // a headless lesson stops here whatever happens (~1 h at 60 fps)

// lessons/ beside the model's folder (as scenarios/ is)
std::string LessonsFolder(const std::string& model_path) {
  return (std::filesystem::path(model_path).parent_path().parent_path() / "lessons").string();
}

struct Options {
  Source source;
  ViewSettings settings;
  std::string screenshot;
  int frames = 0, width = 1280, height = 720;
  bool print_frame_times = false;
  std::string export_dir;  // write every frame as a PNG here
  std::string video;       // --video: the frames (and the pops) as an MP4
  int fps = 30;            // --fps: the video's frame rate
  std::string lesson;      // --lesson NAME|FILE
  std::string lesson_shots;  // --lesson-shots DIR: a PNG at the end of every lesson step
};

// the frame buffer as RGB rows, bottom row first
std::vector<unsigned char> ReadPixels(int w, int h) {
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, px.data());
  return px;
}

bool SavePng(const std::string& path, int w, int h) {
  const std::vector<unsigned char> px = ReadPixels(w, h);
  std::vector<unsigned char> flipped(px.size());
  for (int y = 0; y < h; ++y)
    std::copy_n(&px[static_cast<size_t>(h - 1 - y) * w * 3], w * 3, &flipped[static_cast<size_t>(y) * w * 3]);
  io::AtomicFile out(path);  // a screenshot replaces the old one whole, or not at all
  return stbi_write_png(out.temp_path().c_str(), w, h, 3, flipped.data(), w * 3) != 0 && out.Commit().ok();
}

// An OpenGL 3.3 core window with Dear ImGui on it, or null (with a message) when there is no
// display or no such context.
GLFWwindow* OpenWindow(int width, int height, const std::string& title) {
  if (!glfwInit()) {
    std::fprintf(stderr, "spinelab-viewer: no display (GLFW could not initialise; run under xvfb-run for headless use)\n");
    return nullptr;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  GLFWwindow* win = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
  if (!win) {
    std::fprintf(stderr, "spinelab-viewer: could not open an OpenGL 3.3 core window\n");
    glfwTerminate();
    return nullptr;
  }
  glfwMakeContextCurrent(win);
  glfwSwapInterval(0);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(win, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  return win;
}

void CloseWindow(GLFWwindow* win) {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(win);
  glfwTerminate();
}

// Started empty: a window that lists the scenarios (with their titles) and the runs of the
// results files in results/; a click chooses what to show. None when the window was closed (or
// the headless frames ran out) without a choice.
std::optional<Source> PickSource(const Options& o) {
  const SourceList sources = ListSources(o.source.model);
  GLFWwindow* win = OpenWindow(o.width, o.height, "spinelab - choose a scenario or a run");
  if (!win) return std::nullopt;
  std::optional<Source> chosen;
  CommandQueue queue;
  for (int n = 0; !glfwWindowShouldClose(win) && !chosen; ++n) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    DrawPickerPanel(sources, o.source.model, static_cast<float>(o.width), static_cast<float>(o.height), &queue);
    for (const Command& c : queue.Take())
      if (const auto* load = std::get_if<LoadRun>(&c)) chosen = load->source;
    ImGui::Render();
    int w = 0, h = 0;
    glfwGetFramebufferSize(win, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.12f, 0.13f, 0.15f, 1.f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (o.frames > 0 && n + 1 >= o.frames) {
      if (!o.screenshot.empty()) SavePng(o.screenshot, w, h);
      break;
    }
    glfwSwapBuffers(win);
  }
  CloseWindow(win);
  if (chosen) chosen->set = o.source.set, chosen->explore = o.source.explore;
  return chosen;
}

// waits for the live simulation stepping on in the background (StepLiveTo), if it is; its wall
// time [ms]
double JoinLiveAhead(std::future<double>* ahead) { return ahead->valid() ? ahead->get() : 0.0; }

// the scene: one view right of the control window, or compare's two halves (same time, camera)
void DrawScene(Renderer* renderer, AppState* s, int w, int h) {
  const int x0 = SceneViewX(w);
  renderer->Draw({}, s->camera, 0, 0, x0, h);
  if (s->rec2) {
    const Recording& R2 = *s->rec2;
    size_t k2 = std::lower_bound(R2.frames.begin(), R2.frames.end(), s->t_s,
                                 [](const viz::Frame& f, double x) { return f.time_s < x; }) - R2.frames.begin();
    k2 = std::min(k2, R2.frames.size() - 1);
    const int half = (w - x0) / 2;
    viz::SceneOptions o1 = s->scene, o2 = s->scene;
    o1.skeleton = s->rec.skeleton;
    o2.skeleton = R2.skeleton;
    renderer->Draw(viz::BuildDrawList(s->rec.model, s->frame, o1), s->camera, x0, 0, half, h);
    renderer->Draw(viz::BuildDrawList(R2.model, R2.frames[k2], o2), s->camera, x0 + half, 0, w - x0 - half, h);
  } else {
    viz::SceneOptions o = s->scene;
    o.skeleton = s->rec.skeleton;
    s->drawn = viz::BuildDrawList(s->rec.model, s->frame, o);
    renderer->Draw(s->drawn, s->camera, x0, 0, w - x0, h);
    // the close-up of the picked joint, else of the one the run follows
    if (s->scene.closeup) {
      const viz::CloseUp cu = viz::BuildCloseUp(s->rec.model, s->frame, CloseUpFacet(*s));
      if (!cu.items.empty()) {
        const Viewport vp = CloseUpViewport(w, h);
        renderer->Draw(cu.items, CloseUpCamera(cu, s->camera), vp.x, vp.y, vp.width, vp.height);
      }
    }
  }
}

// the applied loads' magnitudes next to their arrows, over the scene (the ImGui overlay draws
// after the scene); the single view only (compare's halves draw no applied loads)
void DrawSceneLabels(const AppState& s, int w, int h) {
  if (s.rec2) return;
  const int x0 = SceneViewX(w);
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  if (s.scene.closeup) {  // the close-up's frame and caption
    const std::string caption = viz::CloseUpCaption(s.rec.model, s.frame, CloseUpFacet(s));
    if (!caption.empty()) {
      const Viewport vp = CloseUpViewport(w, h);
      const float sx = 1.f / std::max(scale.x, 1e-3f), sy = 1.f / std::max(scale.y, 1e-3f);
      const ImVec2 lo(vp.x * sx, (h - vp.y - vp.height) * sy), hi((vp.x + vp.width) * sx, (h - vp.y) * sy);
      dl->AddRect(ImVec2(lo.x - 1, lo.y - 1), ImVec2(hi.x + 1, hi.y + 1), IM_COL32(200, 200, 210, 255));
      dl->AddText(ImVec2(lo.x + 4, lo.y + 4), IM_COL32(235, 235, 240, 255), caption.c_str());
    }
  }
  for (const viz::Label& l : viz::ArrowLabels(s.frame, s.scene)) {
    const auto px = ProjectToViewport(s.camera, l.at_W, x0, 0, w - x0, h);
    if (!px || px->x() < x0 || px->x() > w || px->y() < 0 || px->y() > h) continue;
    const ImVec2 at(px->x() / std::max(scale.x, 1e-3f) + 6, px->y() / std::max(scale.y, 1e-3f) - 6);
    dl->AddText(ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 200), l.text.c_str());
    dl->AddText(at, ImGui::ColorConvertFloat4ToU32(ImVec4(l.color.r, l.color.g, l.color.b, 1.f)), l.text.c_str());
  }
}

int Run(Options o) {
  if (o.lesson.empty() && o.source.results.empty() && o.source.scenario.empty() && o.source.compare.empty()) {
    const std::optional<Source> chosen = PickSource(o);
    if (!chosen) return 0;  // closed without a choice
    o.source = *chosen;
  }
  o.settings.headless = o.frames > 0 || !o.video.empty() || !o.lesson_shots.empty();
  auto loaded = o.lesson.empty() ? LoadAppState(o.source, o.settings)
                                 : LoadLessonState(LessonPath(o.lesson, LessonsFolder(o.source.model)), o.source.model, o.settings);
  if (!loaded) {
    std::fprintf(stderr, "spinelab-viewer: %s\n", loaded.ErrorText().c_str());
    return 2;
  }
  AppState s = std::move(loaded).value();
  s.panel_visible = DefaultPanelVisibility();
  // screenshots of a lesson's steps without a video: each step's end at once
  if (s.lesson && !o.lesson_shots.empty() && o.video.empty()) s.lesson->jump_to_ends = true;
  // a video shows the whole run at the chosen speed unless --frames says how many frames
  const double frame_step_s = o.video.empty() ? 1.0 / 60.0 : 1.0 / o.fps;
  // (a headless lesson runs until its last step has ended)
  if (!o.video.empty() && o.frames == 0 && !s.lesson)
    o.frames = std::max(1, static_cast<int>(std::ceil(PlaybackLength_s(s) / s.speed / frame_step_s)) + 1);
  GLFWwindow* win = OpenWindow(o.width, o.height, "spinelab - " + s.rec.title);
  if (!win) return 3;
  int exit_code = 0;
  {
    Renderer renderer;
    if (!renderer.Init()) {
      exit_code = 3;
    } else {
      AudioPlayer audio;  // silent without an audio device
      s.audio_available = audio.available();
      std::unique_ptr<VideoWriter> video;
      if (!o.video.empty()) {
        int fw = 0, fh = 0;
        glfwGetFramebufferSize(win, &fw, &fh);
        auto opened = VideoWriter::Open(o.video, fw, fh, o.fps);
        if (!opened) {
          std::fprintf(stderr, "spinelab-viewer: %s\n", opened.ErrorText().c_str());
          exit_code = 2;
        } else {
          video = std::move(opened).value();
        }
      }
      CommandQueue queue;
      std::future<double> ahead;  // live: the simulation stepping on while a frame is drawn
      std::vector<double> frame_ms;
      // --print-frame-times: where each frame's wall time goes, per phase (llvmpipe rasterises
      // when the frame is flushed: in "present", with the copy to the X server)
      enum Phase { kAdvance, kPanels, kScene, kUi, kPresent, kPhases };
      static constexpr const char* kPhaseNames[kPhases] = {"advance (live: simulate)", "panels", "scene (draw calls)", "ui (draw calls)",
                                                           "present (rasterise, swap)"};
      std::vector<double> phase_ms[kPhases];
      auto tick = std::chrono::steady_clock::now();
      auto lap = [&](Phase p) {
        const auto t = std::chrono::steady_clock::now();
        phase_ms[p].push_back(std::chrono::duration<double>(t - tick).count() * 1e3);
        tick = t;
      };
      std::string title = s.rec.title;
      auto last = std::chrono::steady_clock::now();
      for (int n = 0; exit_code == 0 && !glfwWindowShouldClose(win); ++n) {
        glfwPollEvents();
        const auto now = std::chrono::steady_clock::now();
        const double wall_dt = std::chrono::duration<double>(now - last).count();
        last = now;
        if (n > 0) frame_ms.push_back(wall_dt * 1e3);
        tick = now;
        // headless runs advance a fixed 1/60 s (a video: 1/fps) per frame so the result does not
        // depend on speed
        const double frame_s = s.headless ? frame_step_s : wall_dt;
        const double ahead_ms = JoinLiveAhead(&ahead);
        AdvanceLesson(&s, frame_s);
        const std::vector<size_t> passed = AdvanceFrame(&s, frame_s);
        s.sim_ms_per_frame += ahead_ms;
        // live: simulate on to the next frame's time (if it takes as long as this one) while this
        // one is drawn; the steps are the same ones, on the other core
        if (s.live && s.playing && !s.live->done() && s.live_status == "ok")
          ahead = std::async(std::launch::async, [live = &*s.live, t = s.t_s + frame_s * s.speed] { return StepLiveTo(live, t); });
        for (size_t pop : passed) {
          audio.Play(s.rec.cavitations[pop].sound_Pa, sim::kSoundSampleRate_Hz);
          if (video) video->AddSound(s.rec.cavitations[pop].sound_Pa);
        }
        lap(kAdvance);

        int w = 0, h = 0;
        glfwGetFramebufferSize(win, &w, &h);
        QueueSceneInput(s, w, h, &queue);
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        DrawControlWindow(s, &queue);
        DrawSceneLabels(s, w, h);
        ImGui::Render();
        if (!queue.empty()) s.sim_ms_per_frame += JoinLiveAhead(&ahead);  // (a command may touch the runner)
        for (const std::string& why : ApplyCommands(&s, &queue)) std::fprintf(stderr, "spinelab-viewer: %s\n", why.c_str());
        if (s.rec.title != title) glfwSetWindowTitle(win, ("spinelab - " + (title = s.rec.title)).c_str());
        lap(kPanels);

        DrawScene(&renderer, &s, w, h);
        lap(kScene);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        lap(kUi);
        if (!o.export_dir.empty()) {
          char name[64];
          std::snprintf(name, sizeof(name), "/frame_%05d.png", n);
          if (!SavePng(o.export_dir + name, w, h)) {
            std::fprintf(stderr, "spinelab-viewer: cannot write %s%s\n", o.export_dir.c_str(), name);
            exit_code = 2;
            break;
          }
        }
        if (video) {
          if (auto ok = video->AddFrame(ReadPixels(w, h)); !ok) {
            std::fprintf(stderr, "spinelab-viewer: %s\n", ok.ErrorText().c_str());
            exit_code = 2;
            break;
          }
        }
        if (s.lesson && s.lesson->step_ended && !o.lesson_shots.empty()) {
          char name[64];
          std::snprintf(name, sizeof(name), "/step_%02d.png", s.lesson->step + 1);
          if (!SavePng(o.lesson_shots + name, w, h)) {
            std::fprintf(stderr, "spinelab-viewer: cannot write %s%s\n", o.lesson_shots.c_str(), name);
            exit_code = 2;
            break;
          }
        }
        const bool lesson_over = s.headless && s.lesson && s.lesson->finished && o.frames == 0;
        if ((o.frames > 0 && n + 1 >= o.frames) || lesson_over || (s.headless && n >= kMaxHeadlessFrames)) {
          if (video) {
            if (auto ok = video->Finish(); !ok) {
              std::fprintf(stderr, "spinelab-viewer: %s\n", ok.ErrorText().c_str());
              exit_code = 2;
            } else {
              std::printf("wrote %s: %d frames at %d fps (%.2f s), %s\n", o.video.c_str(), video->frames(), o.fps,
                          video->duration_s(), s.rec.cavitations.empty() ? "no pops" : "the pops on the audio track");
            }
          }
          if (!o.screenshot.empty() && !SavePng(o.screenshot, w, h)) {
            std::fprintf(stderr, "spinelab-viewer: cannot write %s\n", o.screenshot.c_str());
            exit_code = 2;
          }
          break;
        }
        glfwSwapBuffers(win);
        lap(kPresent);
      }
      JoinLiveAhead(&ahead);
      if (o.print_frame_times && !frame_ms.empty()) {
        auto median = [](std::vector<double> v) {
          if (v.empty()) return 0.0;
          std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
          return v[v.size() / 2];
        };
        const double m = median(frame_ms);
        std::printf("frames %zu, median frame time %.2f ms (%.0f fps)\n", frame_ms.size(), m, 1e3 / m);
        for (int p = 0; p < kPhases; ++p) std::printf("  %-26s median %.2f ms\n", kPhaseNames[p], median(phase_ms[p]));
      }
    }
  }
  CloseWindow(win);
  return exit_code;
}

}  // namespace
}  // namespace spinelab::viewer

int main(int argc, char** argv) {
  using namespace spinelab::viewer;
  CLI::App app{"spinelab-viewer: see, scrub and inspect a scenario run (teaching and research model, not medical advice)"};
  Options o;
  o.source.model = spinelab::sim::DefaultSpineModelPath();
  double speed = o.settings.speed;
  app.add_option("--scenario", o.source.scenario, "scenario file to simulate and show")->check(CLI::ExistingFile);
  app.add_option("--results", o.source.results, "results file (HDF5) to show")->check(CLI::ExistingFile);
  app.add_option("--run", o.source.run, "run in the results file (default: the first)");
  app.add_option("--model", o.source.model, "spine model file")->check(CLI::ExistingFile);
  app.add_option("--frames", o.frames, "render this many frames and exit (headless use)")->check(CLI::Range(1, 1000000));
  app.add_option("--screenshot", o.screenshot, "write the last frame to this PNG");
  app.add_flag("--print-frame-times", o.print_frame_times, "print the median frame time");
  app.add_option("--speed", speed, "playback speed")->check(CLI::Range(static_cast<double>(kMinSpeed), static_cast<double>(kMaxSpeed)));
  app.add_option("--width", o.width, "window width")->check(CLI::Range(64, 8192));
  app.add_option("--height", o.height, "window height")->check(CLI::Range(64, 8192));
  app.add_option("--quantity", o.settings.quantity, "facet colour: gap, fluid_pressure, capsule_strain, contact_force")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(kFacetQuantityNames), std::end(kFacetQuantityNames))));
  app.add_option("--view", o.settings.view, "auto (the view in which the technique shows: a twist from behind and above, a hang from the front), side, back, top or above_back")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(kViewNames), std::end(kViewNames))));
  app.add_flag("--skin", o.settings.skin, "draw the translucent body surface around the bones (off by default: the facet colours read best without)");
  app.add_flag("--explore", o.source.explore, "keep simulating past the scenario's end and open the explore panel");
  app.add_option("--set", o.source.set, "scenario override key.path=value (repeatable)");
  app.add_option("--compare", o.source.compare, "two scenarios side by side (split view, same time)")->expected(2)->check(CLI::ExistingFile);
  app.add_option("--video", o.video, "render headless to this MP4 (H.264, the pops on the audio track; needs ffmpeg)");
  app.add_option("--fps", o.fps, "video frame rate: 30 or 60")->check(CLI::IsMember({30, 60}));
  app.add_option("--lesson", o.lesson, "give a lesson: a name (twist-vs-traction: lessons/twist_vs_traction.toml) or a file");
  app.add_option("--lesson-shots", o.lesson_shots, "headless: write DIR/step_NN.png at the end of every lesson step")->check(CLI::ExistingDirectory);
  app.add_option("--export-frames", o.export_dir, "write every frame as DIR/frame_NNNNN.png")->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);
  o.settings.speed = static_cast<float>(speed);
  return Run(o);
}
