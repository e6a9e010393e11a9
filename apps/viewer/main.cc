// spinelab-viewer: see, scrub and inspect a scenario run. Opens a scenario (simulated, then
// played back) or a results file; draws the spine with its facet joints coloured by a chosen
// quantity, the scene's objects, a timeline with the cavitation events, and captions.
// Headless: --frames N --screenshot out.png [--print-frame-times].
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include "audio.h"
#include "recording.h"
#include "renderer.h"

namespace spinelab::viewer {
namespace {

struct Options {
  std::string scenario, results, run, screenshot, model = sim::DefaultSpineModelPath();
  int frames = 0, width = 1280, height = 720;
  bool print_frame_times = false;
  bool explore = false;              // keep simulating past the scenario's end, with the explore panel
  std::vector<std::string> set;      // scenario overrides
  std::vector<std::string> compare;  // two scenarios side by side
  std::string export_dir;            // write every frame as a PNG here
  double speed = 1.0;
  std::string quantity = "capsule_strain";
  std::string view = "side";
};

bool SavePng(const std::string& path, int w, int h) {
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, px.data());
  std::vector<unsigned char> flipped(px.size());
  for (int y = 0; y < h; ++y)
    std::copy_n(&px[static_cast<size_t>(h - 1 - y) * w * 3], w * 3, &flipped[static_cast<size_t>(y) * w * 3]);
  return stbi_write_png(path.c_str(), w, h, 3, flipped.data(), w * 3) != 0;
}

void SetView(const std::string& v, Camera* c) {
  if (v == "back") c->yaw_rad = static_cast<float>(kPi), c->pitch_rad = 0.1f;
  else if (v == "top") c->yaw_rad = 1.5708f, c->pitch_rad = 1.45f;
  else c->yaw_rad = 1.5708f, c->pitch_rad = 0.12f;  // side: the subject's left
}

// left edge [px] of the 3D view: the control panel keeps the strip left of it, so the scene is
// framed and picked in the rest of the window (a body behind the panel could not be seen)
int SceneViewX(int framebuffer_width) { return std::min(framebuffer_width / 3, 440); }

// frames the bodies: target at their centre, distance to fit
void FrameBodies(const viz::Frame& f, Camera* c) {
  if (f.X_WB.empty()) return;
  Eigen::Vector3f lo = Eigen::Vector3f::Constant(1e9f), hi = -lo;
  for (const auto& X : f.X_WB) {
    lo = lo.cwiseMin(X.p.cast<float>());
    hi = hi.cwiseMax(X.p.cast<float>());
  }
  c->target = 0.5f * (lo + hi);
  c->distance_m = std::max(0.6f, 1.5f * (hi - lo).norm());
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
// results files in results/; a click chooses what to show. False when the window was closed (or
// the headless frames ran out) without a choice.
bool PickSource(Options* o) {
  std::vector<std::pair<std::string, std::string>> scenarios;  // path, title
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(o->model).parent_path().parent_path() / "scenarios";
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto sc = sim::LoadScenario(f.string());
    scenarios.emplace_back(f.string(), sc ? sc.value().title : "(invalid: spinelab run it for the errors)");
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> results;  // file, runs
  for (const auto& e : fs::directory_iterator("results", ec))
    if (e.path().extension() == ".h5") results.emplace_back(e.path().string(), ListRuns(e.path().string()));
  GLFWwindow* win = OpenWindow(o->width, o->height, "spinelab - choose a scenario or a run");
  if (!win) return false;
  bool chosen = false;
  for (int n = 0; !glfwWindowShouldClose(win) && !chosen; ++n) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(10, 10));
    ImGui::SetNextWindowSize(ImVec2(static_cast<float>(o->width) - 20, static_cast<float>(o->height) - 20));
    ImGui::Begin("spinelab: what to show", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove);
    ImGui::TextColored(ImVec4(1.f, 0.8f, 0.4f, 1.f), "Teaching and research model - not medical advice.");
    ImGui::Text("Scenarios (simulated live) - %s", dir.string().c_str());
    for (const auto& [path, title] : scenarios)
      if (ImGui::Selectable((fs::path(path).stem().string() + "  -  " + title).c_str())) o->scenario = path, chosen = true;
    ImGui::Separator();
    ImGui::Text("Results files in results/");
    if (results.empty()) ImGui::TextDisabled("(none: `make run` writes results/demo.h5)");
    for (const auto& [file, runs] : results)
      for (const auto& run : runs)
        if (ImGui::Selectable((file + " : " + run).c_str())) o->results = file, o->run = run, chosen = true;
    ImGui::End();
    ImGui::Render();
    int w = 0, h = 0;
    glfwGetFramebufferSize(win, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.12f, 0.13f, 0.15f, 1.f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (o->frames > 0 && n + 1 >= o->frames) {
      if (!o->screenshot.empty()) SavePng(o->screenshot, w, h);
      break;
    }
    glfwSwapBuffers(win);
  }
  CloseWindow(win);
  return chosen;
}

int Run(Options o) {
  if (o.results.empty() && o.scenario.empty() && o.compare.empty()) {
    if (!PickSource(&o)) return 0;  // closed without a choice
  }
  Recording R;
  std::optional<Recording> R2;  // compare mode: the right-hand run
  std::optional<sim::ScenarioRunner> live;  // a scenario is simulated live, frame by frame
  if (!o.compare.empty()) {
    for (size_t i = 0; i < 2; ++i) {
      auto rec = RecordScenario(o.compare[i], o.model);
      if (!rec) {
        std::fprintf(stderr, "spinelab-viewer: %s\n", rec.ErrorText().c_str());
        return 2;
      }
      if (i == 0) R = std::move(rec).value(); else R2 = std::move(rec).value();
    }
  } else if (!o.results.empty()) {
    auto rec = ReadResults(o.results, o.run, o.model);
    if (!rec) {
      std::fprintf(stderr, "spinelab-viewer: %s\n", rec.ErrorText().c_str());
      return 2;
    }
    R = std::move(rec).value();
  } else {
    auto params = sim::LoadSpineParams(o.model);
    std::vector<std::string> set = o.set;
    if (o.explore) set.push_back("run.duration_s=3600");
    auto sc = params ? sim::LoadScenario(o.scenario, set) : Expected<sim::Scenario>(params.errors());
    auto runner = sc ? sim::ScenarioRunner::Create(sc.value(), params.value()) : Expected<sim::ScenarioRunner>(sc.errors());
    if (!runner) {
      std::fprintf(stderr, "spinelab-viewer: %s\n", runner.ErrorText().c_str());
      return 2;
    }
    live.emplace(std::move(runner).value());
    R.name = sc.value().name;
    R.title = sc.value().title;
    R.notice = sc.value().notice;
    R.source = o.scenario + " (live)";
    R.scenario = sc.value();
    R.model = live->model();
    SyncFromRunner(*live, &R);
  }
  if (R.frames.empty()) {
    std::fprintf(stderr, "spinelab-viewer: the run has no frames\n");
    return 2;
  }
  GLFWwindow* win = OpenWindow(o.width, o.height, "spinelab - " + R.title);
  if (!win) return 3;
  int exit_code = 0;
  {
    Renderer renderer;
    if (!renderer.Init()) {
      exit_code = 3;
    } else {
      Camera cam;
      FrameBodies(R.frames.front(), &cam);
      if (R2) cam.distance_m *= 0.8f;
      SetView(o.view, &cam);
      viz::SceneOptions scene;
      const char* kQuantities[] = {"gap", "fluid_pressure", "capsule_strain", "contact_force"};
      int q = 2;
      for (int i = 0; i < 4; ++i)
        if (o.quantity == kQuantities[i]) q = i;
      double t = R.frames.front().time_s;
      double t_end = std::max(R.frames.back().time_s, R2 ? R2->frames.back().time_s : 0.0);
      bool playing = true;
      // explore: a level, and the loads applied to its upper vertebra (its own axes)
      int explore_level = 14;  // T7-T8
      float explore_torque[3] = {0, 0, 0}, explore_traction = 0, explore_pa = 0;
      double sim_ms_per_frame = 0;
      float speed = static_cast<float>(o.speed);
      std::vector<double> frame_ms;
      std::vector<viz::DrawItem> last_items;  // for picking
      AudioPlayer audio;                      // silent without an audio device
      double t_prev = t;
      auto last = std::chrono::steady_clock::now();
      for (int n = 0; !glfwWindowShouldClose(win); ++n) {
        glfwPollEvents();
        const auto now = std::chrono::steady_clock::now();
        const double wall_dt = std::chrono::duration<double>(now - last).count();
        last = now;
        if (n > 0) frame_ms.push_back(wall_dt * 1e3);
        // headless runs advance a fixed 1/60 s per frame so the result does not depend on speed
        const double step = o.frames > 0 ? 1.0 / 60.0 : wall_dt;
        if (playing) t += step * speed;
        if (live) {
          // simulate up to the playback time (bounded work per frame), then show the live state
          const auto s0 = std::chrono::steady_clock::now();
          int budget = 20000;
          while (!live->done() && live->world().state().time_s < t - 1e-12 && budget-- > 0) live->Step();
          sim_ms_per_frame = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count() * 1e3;
          SyncFromRunner(*live, &R);
          t_end = live->world().state().time_s;
          if (live->result().status != "ok") playing = false;
        }
        if (t > t_end) t = (o.frames > 0 || live) ? t_end : R.frames.front().time_s;
        size_t k = std::lower_bound(R.frames.begin(), R.frames.end(), t,
                                    [](const viz::Frame& f, double x) { return f.time_s < x; }) - R.frames.begin();
        k = std::min(k, R.frames.size() - 1);
        // the pop: play each cavitation the playback passes (at up to 4x; slow motion plays it too)
        if (playing && speed <= 4.f)
          for (const auto& e : R.cavitations)
            if (e.time_s > t_prev && e.time_s <= t) audio.Play(e.sound_Pa, sim::kSoundSampleRate_Hz);
        t_prev = t;
        viz::Frame live_frame;
        if (live && t >= t_end - 1e-9) live_frame = FrameFromWorld(live->world());
        viz::Frame shown = live && t >= t_end - 1e-9 ? live_frame : R.frames[k];
        AddAppliedForces(R, &shown);
        const viz::Frame& F = shown;

        // camera: left drag orbits, right drag pans, wheel zooms (when ImGui does not want the mouse)
        ImGuiIO& io = ImGui::GetIO();
        if (!io.WantCaptureMouse) {
          if (ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
            cam.yaw_rad -= 0.005f * io.MouseDelta.x;
            cam.pitch_rad = std::clamp(cam.pitch_rad + 0.005f * io.MouseDelta.y, -1.5f, 1.5f);
          }
          if (ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
            const Eigen::Matrix4f V = cam.View();
            cam.target += cam.distance_m * 0.0015f * (-io.MouseDelta.x * V.block<1, 3>(0, 0).transpose() + io.MouseDelta.y * V.block<1, 3>(1, 0).transpose());
          }
          if (io.MouseWheel != 0) cam.distance_m *= std::pow(0.9f, io.MouseWheel);
          if (ImGui::IsMouseReleased(ImGuiMouseButton_Left) && io.MouseDragMaxDistanceSqr[0] < 9.f) {
            // pick: the ray through the mouse, into the scene as last drawn
            int fw = 0, fh = 0;
            glfwGetFramebufferSize(win, &fw, &fh);
            const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
            const int vx = SceneViewX(fw), vw = std::max(fw - vx, 1);
            const float nx = 2.f * (io.MousePos.x * sx - vx) / vw - 1.f, ny = 1.f - 2.f * io.MousePos.y * sy / fh;
            const Eigen::Matrix4f inv = (cam.Projection(static_cast<float>(vw) / std::max(fh, 1)) * cam.View()).inverse();
            Eigen::Vector4f a = inv * Eigen::Vector4f(nx, ny, -1, 1), b = inv * Eigen::Vector4f(nx, ny, 1, 1);
            const Eigen::Vector3f o3 = a.head<3>() / a.w(), dir = (b.head<3>() / b.w() - o3).normalized();
            const int hit = viz::Pick(last_items, o3, dir);
            scene.selected_body = hit >= 0 ? last_items[hit].body : -1;
            scene.selected_facet = hit >= 0 ? last_items[hit].facet : -1;
            if (scene.selected_facet >= 0) scene.selected_body = -1;
          }
        }

        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(10, 10), ImGuiCond_FirstUseEver);
        ImGui::SetNextWindowSize(ImVec2(420, 0), ImGuiCond_FirstUseEver);
        ImGui::Begin("spinelab");
        ImGui::TextWrapped("%s", R.title.c_str());
        ImGui::TextDisabled("%s", R.source.c_str());
        ImGui::Separator();
        if (ImGui::Button(playing ? "Pause" : "Play")) playing = !playing;
        ImGui::SameLine();
        if (ImGui::Button("Step")) t = R.frames[std::min(k + 1, R.frames.size() - 1)].time_s, playing = false;
        ImGui::SameLine();
        ImGui::SetNextItemWidth(150);
        ImGui::SliderFloat("speed", &speed, 0.01f, 100.f, "%.2fx", ImGuiSliderFlags_Logarithmic);
        float tf = static_cast<float>(t);
        if (ImGui::SliderFloat("time [s]", &tf, static_cast<float>(R.frames.front().time_s), static_cast<float>(t_end), "%.3f"))
          t = tf, playing = false;
        // cavitation markers on a strip under the slider
        {
          ImDrawList* dl = ImGui::GetWindowDrawList();
          const ImVec2 p0 = ImGui::GetCursorScreenPos();
          const float w = ImGui::GetContentRegionAvail().x;
          dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + 8), IM_COL32(60, 60, 70, 255));
          for (const auto& e : R.cavitations) {
            const float x = p0.x + w * static_cast<float>((e.time_s - R.frames.front().time_s) / std::max(1e-9, t_end - R.frames.front().time_s));
            dl->AddRectFilled(ImVec2(x - 1, p0.y), ImVec2(x + 1, p0.y + 8), IM_COL32(120, 200, 255, 255));
          }
          const float xc = p0.x + w * static_cast<float>((t - R.frames.front().time_s) / std::max(1e-9, t_end - R.frames.front().time_s));
          dl->AddRectFilled(ImVec2(xc - 1, p0.y - 2), ImVec2(xc + 1, p0.y + 10), IM_COL32(255, 200, 80, 255));
          ImGui::Dummy(ImVec2(w, 10));
        }
        ImGui::Combo("facets", &q, "gap\0fluid pressure\0capsule strain\0contact force\0");
        static int dq = 0;
        ImGui::Combo("discs", &dq, "bone\0shear force (0-300 N)\0pressure (0-2 MPa)\0");
        scene.disc_quantity = static_cast<viz::DiscQuantity>(dq);
        ImGui::Checkbox("arrows (applied red, contact green, disc shear orange; 2 cm per 40 N)", &scene.arrows);
        ImGui::Checkbox("soft tissue (the surfaces that touch floor, roller, hands)", &scene.tissue);
        scene.facet_quantity = static_cast<viz::FacetQuantity>(q);
        {  // colour bar
          const viz::Range r = viz::QuantityRange(scene.facet_quantity);
          ImDrawList* dl = ImGui::GetWindowDrawList();
          const ImVec2 p0 = ImGui::GetCursorScreenPos();
          const float w = ImGui::GetContentRegionAvail().x;
          for (int i = 0; i < 64; ++i) {
            const viz::Rgba c = viz::ColorMap(i / 63.0);
            dl->AddRectFilled(ImVec2(p0.x + w * i / 64.f, p0.y), ImVec2(p0.x + w * (i + 1) / 64.f, p0.y + 10),
                              IM_COL32(c.r * 255, c.g * 255, c.b * 255, 255));
          }
          ImGui::Dummy(ImVec2(w, 12));
          ImGui::Text("%s: %.3g .. %.3g", viz::QuantityName(scene.facet_quantity), r.lo, r.hi);
        }
        if (ImGui::Button("Side")) SetView("side", &cam);
        ImGui::SameLine();
        if (ImGui::Button("Back")) SetView("back", &cam);
        ImGui::SameLine();
        if (ImGui::Button("Top")) SetView("top", &cam);
        ImGui::SameLine();
        if (ImGui::Button("Fit")) FrameBodies(F, &cam);
        ImGui::Separator();
        if (!R.notice.empty()) ImGui::TextWrapped("Watch: %s", R.notice.c_str());
        // caption: the last cavitation up to now
        for (auto it = R.cavitations.rbegin(); it != R.cavitations.rend(); ++it)
          if (it->time_s <= t && t - it->time_s < 1.0) {
            ImGui::TextColored(ImVec4(0.5f, 0.8f, 1.f, 1.f), "%s facet cavitated: gap +%.2f mm",
                               R.model.synovial_joints[it->facet].name.c_str(), it->gap_jump_m * 1e3);
            break;
          }
        if (scene.selected_facet >= 0) {  // inspector: the picked facet now, against its thresholds
          const int fi = scene.selected_facet;
          ImGui::Separator();
          ImGui::Text("%s", R.model.synovial_joints[fi].name.c_str());
          ImGui::Text("gap %.2f mm   fluid %.1f kPa   contact %.0f N", F.facet_gap_m[fi] * 1e3, F.facet_pressure_Pa[fi] * 1e-3,
                      F.facet_contact_N[fi]);
          const double e = F.facet_capsule_strain[fi];
          const sim::CapsuleParams& cap = R.model.synovial_joints[fi].capsule;  // its own thresholds
          ImGui::Text("capsule strain %.3f  %s %.2f", e,
                      e >= cap.pain_strain ? "above the pain-behaviour strain" : e >= cap.nociceptor_strain ? "above the nociceptor threshold" : "(nociceptors from",
                      e >= cap.pain_strain ? cap.pain_strain : cap.nociceptor_strain);
          if (F.facet_bubble_radius_m[fi] > 0) ImGui::Text("gas bubble radius %.2f mm", F.facet_bubble_radius_m[fi] * 1e3);
        } else if (scene.selected_body >= 0) {
          ImGui::Separator();
          const int b = scene.selected_body;
          ImGui::Text("%s", R.model.bodies[b].name.c_str());
          for (size_t l = 0; l < R.model.joints.size(); ++l) {
            if (R.model.joints[l].upper != b) continue;  // the disc below this vertebra
            if (l < F.disc_shear_N.size())
              ImGui::Text("disc %s: shear %.0f N, pressure %.2f MPa%s", R.model.joints[l].name.c_str(), F.disc_shear_N[l],
                          F.disc_pressure_Pa[l] * 1e-6, F.disc_pressure_Pa[l] > 1.0e6 ? " (above ~1 MPa: lifting-like loads)" : "");
            for (int fi : R.model.joints[l].synovial)
              if (fi >= 0)
                ImGui::Text("  %s: gap %.2f mm, strain %.3f%s", R.model.synovial_joints[fi].name.c_str(), F.facet_gap_m[fi] * 1e3,
                            F.facet_capsule_strain[fi],
                            F.facet_capsule_strain[fi] >= R.model.synovial_joints[fi].capsule.nociceptor_strain ? " (nociceptors)" : "");
          }
          const Vec3 p = F.X_WB[b].p;
          ImGui::TextDisabled("centre of mass (%.3f, %.3f, %.3f) m", p.x(), p.y(), p.z());
        }
        if (!R.cavitations.empty() && ImGui::CollapsingHeader("Cavitations")) {
          for (size_t i = 0; i < R.cavitations.size(); ++i) {
            const auto& e = R.cavitations[i];
            ImGui::PushID(static_cast<int>(i));
            if (ImGui::SmallButton("go")) t = e.time_s - 0.05, playing = false;
            ImGui::SameLine();
            ImGui::Text("%.3f s  %s  +%.2f mm", e.time_s, R.model.synovial_joints[e.facet].name.c_str(), e.gap_jump_m * 1e3);
            ImGui::PopID();
          }
        }
        if (R.cavitations.empty() && R.has_summary && R.summary.closest_pop_facet >= 0) {
          const sim::ScenarioSummary& S = R.summary;
          ImGui::TextWrapped("No pop. Closest: %s, its fluid at %.0f kPa, %.0f %% of the %.0f kPa a pop needs.",
                             R.model.synovial_joints[S.closest_pop_facet].name.c_str(), S.closest_pop_pressure_Pa * 1e-3,
                             100 * S.closest_pop_fraction(), S.closest_pop_threshold_Pa * 1e-3);
        }
        {  // plot: the chosen facet's quantity over the run, cursor at the current time
          // until the user chooses one (the list, or a facet picked in the view), the plot follows
          // the joint that matters: the first to pop, else the one with the deepest suction so far
          static int plot_facet = 0, last_picked = -1;
          static bool plot_chosen = false;
          if (scene.selected_facet >= 0 && scene.selected_facet != last_picked) plot_facet = scene.selected_facet, plot_chosen = true;
          last_picked = scene.selected_facet;
          if (!plot_chosen) {
            if (!R.cavitations.empty()) {
              plot_facet = R.cavitations.front().facet;
            } else if (R.has_summary && R.summary.closest_pop_facet >= 0) {
              plot_facet = R.summary.closest_pop_facet;
            } else {
              double lowest = 0;
              for (const viz::Frame& fr : R.frames)
                for (size_t fi = 0; fi < fr.facet_pressure_Pa.size(); ++fi)
                  if (fr.facet_pressure_Pa[fi] < lowest) lowest = fr.facet_pressure_Pa[fi], plot_facet = static_cast<int>(fi);
            }
          }
          plot_facet = std::clamp(plot_facet, 0, std::max(0, static_cast<int>(R.model.synovial_joints.size()) - 1));
          std::string names;
          for (const auto& fd : R.model.synovial_joints) names += fd.name + '\0';
          if (ImGui::Combo("plot facet", &plot_facet, names.c_str())) plot_chosen = true;
          std::vector<float> ys;
          ys.reserve(R.frames.size());
          for (const viz::Frame& fr : R.frames)
            ys.push_back(static_cast<float>(viz::DisplayValue(scene.facet_quantity, fr.Value(scene.facet_quantity, plot_facet))));
          const ImVec2 p0 = ImGui::GetCursorScreenPos();
          const float w = ImGui::GetContentRegionAvail().x;
          ImGui::PlotLines("##plot", ys.data(), static_cast<int>(ys.size()), 0, viz::QuantityName(scene.facet_quantity), FLT_MAX,
                           FLT_MAX, ImVec2(w, 70));
          if (R.frames.size() > 1) {
            const double a = R.frames.front().time_s, b = R.frames.back().time_s;
            const float x = p0.x + w * static_cast<float>(std::clamp((t - a) / std::max(1e-9, b - a), 0.0, 1.0));
            ImGui::GetWindowDrawList()->AddLine(ImVec2(x, p0.y), ImVec2(x, p0.y + 70), IM_COL32(255, 200, 80, 255));
          }
        }
        if (R2 && R.has_summary && R2->has_summary && ImGui::CollapsingHeader("Comparison", ImGuiTreeNodeFlags_DefaultOpen)) {
          ImGui::Text("left: %s   right: %s", R.name.c_str(), R2->name.c_str());
          if (ImGui::BeginTable("cmp", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
            ImGui::TableSetupColumn("level");
            ImGui::TableSetupColumn("annulus kPa L/R");
            ImGui::TableSetupColumn("ratio");
            ImGui::TableSetupColumn("axial deg L/R");
            ImGui::TableSetupColumn("dIDP kPa L/R");
            ImGui::TableHeadersRow();
            for (size_t i = 0; i < R.summary.levels.size() && i < R2->summary.levels.size(); ++i) {
              const auto& x = R.summary.levels[i];
              const auto& y = R2->summary.levels[i];
              if (x.level[0] == 'C') continue;
              ImGui::TableNextRow();
              ImGui::TableNextColumn();
              ImGui::TextUnformatted(x.level.c_str());
              ImGui::TableNextColumn();
              ImGui::Text("%.0f / %.0f", x.peak_annulus_shear_Pa * 1e-3, y.peak_annulus_shear_Pa * 1e-3);
              ImGui::TableNextColumn();
              if (y.peak_annulus_shear_Pa > 1e3) ImGui::Text("%.1fx", x.peak_annulus_shear_Pa / y.peak_annulus_shear_Pa);
              ImGui::TableNextColumn();
              ImGui::Text("%.2f / %.2f", x.peak_rotation_deg[2], y.peak_rotation_deg[2]);
              ImGui::TableNextColumn();
              ImGui::Text("%.0f / %.0f", x.idp_change_Pa * 1e-3, y.idp_change_Pa * 1e-3);
            }
            ImGui::EndTable();
          }
          ImGui::Text("cavitations: %d / %d", R.summary.cavitations, R2->summary.cavitations);
        }
        if (live) {
          ImGui::Separator();
          ImGui::Text("live: t = %.3f s, %.1f ms of simulation per frame", live->world().state().time_s, sim_ms_per_frame);
          if (live->result().status != "ok") ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", live->result().error.c_str());
          if (ImGui::CollapsingHeader("Explore: load a level", o.explore ? ImGuiTreeNodeFlags_DefaultOpen : 0)) {
            std::string names;
            for (const auto& L : R.model.joints) names += L.name + '\0';
            ImGui::Combo("level", &explore_level, names.c_str());
            ImGui::SliderFloat3("torque flex/lat/axial [N m]", explore_torque, -10.f, 10.f, "%.1f");
            ImGui::SliderFloat("traction [N]", &explore_traction, 0.f, 300.f, "%.0f");
            ImGui::SliderFloat("posterior-anterior push [N]", &explore_pa, 0.f, 250.f, "%.0f");
            if (ImGui::Button("Release")) explore_torque[0] = explore_torque[1] = explore_torque[2] = explore_traction = explore_pa = 0;
            // on the level's upper vertebra, in its own axes (x anterior, y left, z up)
            const sim::JointDesc& L = R.model.joints[explore_level];
            const Mat3 Rb = live->world().state().bodies[L.upper].q_WB.toRotationMatrix();
            live->SetExtraLoad(L.upper, Rb * Vec3(explore_pa, 0, explore_traction),
                               Rb * Vec3(explore_torque[1], explore_torque[0], explore_torque[2]));
            // inspector: the level's facets against their thresholds
            // the frame on screen (the live state while the playback is at the simulation's head)
            const viz::Frame& cur = F;
            for (int fi : L.synovial) {
              ImGui::Text("%s: gap %.2f mm, %.1f kPa, strain %.3f%s, contact %.0f N", R.model.synovial_joints[fi].name.c_str(),
                          cur.facet_gap_m[fi] * 1e3, cur.facet_pressure_Pa[fi] * 1e-3, cur.facet_capsule_strain[fi],
                          cur.facet_capsule_strain[fi] >= R.model.synovial_joints[fi].capsule.nociceptor_strain ? " (nociceptors)" : "",
                          cur.facet_contact_N[fi]);
            }
            scene.selected_body = L.upper;
          }
        }
        ImGui::Separator();
        ImGui::TextDisabled("%s", audio.available() ? "sound on: the pops play as they happen" : "no audio device: silent");
        ImGui::TextColored(ImVec4(1.f, 0.8f, 0.4f, 1.f), "Teaching and research model - not medical advice.");
        ImGui::End();
        ImGui::Render();

        int w = 0, h = 0;
        glfwGetFramebufferSize(win, &w, &h);
        if (R2) {
          // split view, same time and camera: left the first run, right the second
          size_t k2 = std::lower_bound(R2->frames.begin(), R2->frames.end(), t,
                                       [](const viz::Frame& f, double x) { return f.time_s < x; }) - R2->frames.begin();
          k2 = std::min(k2, R2->frames.size() - 1);
          // the panel stays on the left: the two views share the rest of the window
          const int x0 = SceneViewX(w), half = (w - x0) / 2;
          renderer.Draw({}, cam, 0, 0, x0, h);
          renderer.Draw(viz::BuildDrawList(R.model, F, scene), cam, x0, 0, half, h);
          renderer.Draw(viz::BuildDrawList(R2->model, R2->frames[k2], scene), cam, x0 + half, 0, w - x0 - half, h);
        } else {
          last_items = viz::BuildDrawList(R.model, F, scene);
          const int x0 = SceneViewX(w);
          renderer.Draw({}, cam, 0, 0, x0, h);
          renderer.Draw(last_items, cam, x0, 0, w - x0, h);
        }
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        if (!o.export_dir.empty()) {
          char name[64];
          std::snprintf(name, sizeof(name), "/frame_%05d.png", n);
          if (!SavePng(o.export_dir + name, w, h)) {
            std::fprintf(stderr, "spinelab-viewer: cannot write %s%s\n", o.export_dir.c_str(), name);
            exit_code = 2;
            break;
          }
        }
        if (o.frames > 0 && n + 1 >= o.frames) {
          if (!o.screenshot.empty() && !SavePng(o.screenshot, w, h)) {
            std::fprintf(stderr, "spinelab-viewer: cannot write %s\n", o.screenshot.c_str());
            exit_code = 2;
          }
          break;
        }
        glfwSwapBuffers(win);
      }
      if (o.print_frame_times && !frame_ms.empty()) {
        std::vector<double> s = frame_ms;
        std::nth_element(s.begin(), s.begin() + s.size() / 2, s.end());
        std::printf("frames %zu, median frame time %.2f ms (%.0f fps)\n", frame_ms.size(), s[s.size() / 2], 1e3 / s[s.size() / 2]);
      }
    }
  }
  CloseWindow(win);
  return exit_code;
}

}  // namespace
}  // namespace spinelab::viewer

int main(int argc, char** argv) {
  CLI::App app{"spinelab-viewer: see, scrub and inspect a scenario run (teaching and research model, not medical advice)"};
  spinelab::viewer::Options o;
  app.add_option("--scenario", o.scenario, "scenario file to simulate and show")->check(CLI::ExistingFile);
  app.add_option("--results", o.results, "results file (HDF5) to show")->check(CLI::ExistingFile);
  app.add_option("--run", o.run, "run in the results file (default: the first)");
  app.add_option("--model", o.model, "spine model file")->check(CLI::ExistingFile);
  app.add_option("--frames", o.frames, "render this many frames and exit (headless use)")->check(CLI::Range(1, 1000000));
  app.add_option("--screenshot", o.screenshot, "write the last frame to this PNG");
  app.add_flag("--print-frame-times", o.print_frame_times, "print the median frame time");
  app.add_option("--speed", o.speed, "playback speed")->check(CLI::Range(0.01, 100.0));
  app.add_option("--width", o.width, "window width")->check(CLI::Range(64, 8192));
  app.add_option("--height", o.height, "window height")->check(CLI::Range(64, 8192));
  app.add_option("--quantity", o.quantity, "facet colour: gap, fluid_pressure, capsule_strain, contact_force")
      ->check(CLI::IsMember({"gap", "fluid_pressure", "capsule_strain", "contact_force"}));
  app.add_option("--view", o.view, "side, back or top")->check(CLI::IsMember({"side", "back", "top"}));
  app.add_flag("--explore", o.explore, "keep simulating past the scenario's end and open the explore panel");
  app.add_option("--set", o.set, "scenario override key.path=value (repeatable)");
  app.add_option("--compare", o.compare, "two scenarios side by side (split view, same time)")->expected(2)->check(CLI::ExistingFile);
  app.add_option("--export-frames", o.export_dir, "write every frame as DIR/frame_NNNNN.png")->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);
  return spinelab::viewer::Run(o);
}
