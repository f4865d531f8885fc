// Window benchmark: the real kiosk, fullscreen at 1920x1080 under its own Xvfb (Mesa llvmpipe:
// software rendering, so the process's CPU includes the rasterizer a GPU would run).
//   (a) start-up: fork/exec to the first frame swapped (as the kiosk reports it on CLOCK_MONOTONIC
//       in $KIOSK_FRAME_LOG), and to the exit of `kiosk run --exit-after-first-frame`; median of N,
//       beside the bare ImGui window (bench_bare_window) started the same way, as a ratio; the
//       frames drawn at launch and per tap (one per change is the aim);
//   (b) memory: PSS (/proc/PID/smaps_rollup) on a question screen and its peak over a screening,
//       with the peak RSS (VmHWM);
//   (c) idle: CPU used on a question screen left alone (utime + stime from /proc/PID/stat, and the
//       nanosecond sum of every thread's /proc/PID/task/*/schedstat), as % of one core;
//   (d) CPU per frame while a screening is tapped through with xdotool, from $KIOSK_FRAME_LOG:
//       the kiosk's thread (PrepareFrame to SwapBuffers) and the whole process.
//
//   build/release/bench/bench_window [--runs N] [--idle-seconds S]
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "x_session.h"

using namespace x_session;

namespace {

const char* const kKiosk = KIOSK_BINARY;
const char* const kBare = BARE_WINDOW_BINARY;
// Start-up aims: within 1.3 times the bare window; one frame drawn per change on screen.
constexpr double kStartRatioLimit = 1.3;
constexpr double kFramesPerChangeLimit = 1.0;

long long MonotonicNs() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<long long>(t.tv_sec) * 1000000000LL + t.tv_nsec;
}

double Percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

// A "Name:  123 kB" line of /proc/PID/status or smaps_rollup, in KiB; -1 when absent.
long FieldKiB(const std::string& path, const std::string& name) {
    std::istringstream in(ReadText(path));
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(name + ":", 0) == 0) return std::atol(line.c_str() + name.size() + 1);
    return -1;
}

// utime + stime of a process in clock ticks (fields 14 and 15 of /proc/PID/stat).
long long CpuTicks(pid_t pid) {
    std::string stat = ReadText("/proc/" + std::to_string(pid) + "/stat");
    size_t close = stat.rfind(')');  // the command name may hold spaces
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int index = 3; fields >> field; ++index) {
        if (index == 14) utime = std::atoll(field.c_str());
        if (index == 15) { stime = std::atoll(field.c_str()); break; }
    }
    return utime + stime;
}

// CPU time of every thread of a process, in nanoseconds (the first field of each schedstat).
long long CpuNs(pid_t pid) {
    long long total = 0;
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec))
        total += std::atoll(ReadText(task.path().string() + "/schedstat").c_str());
    return total;
}

struct FrameTimes {
    std::vector<double> thread_ms, process_ms;
    long long first_frame_ns = -1;
};

FrameTimes ReadFrameLog(const std::string& path) {
    FrameTimes times;
    std::istringstream in(ReadText(path));
    std::string line;
    while (std::getline(in, line)) {
        long long first = 0, thread_us = 0, process_us = 0;
        int frame = 0;
        if (std::sscanf(line.c_str(), "first_frame_monotonic_ns %lld", &first) == 1) times.first_frame_ns = first;
        else if (std::sscanf(line.c_str(), "frame %d thread_us %lld process_us %lld", &frame, &thread_us, &process_us) == 3) {
            times.thread_ms.push_back(static_cast<double>(thread_us) / 1000.0);
            times.process_ms.push_back(static_cast<double>(process_us) / 1000.0);
        }
    }
    return times;
}

int Run(int runs, double idle_seconds) {
    TempFolder folder_guard("kiosk-bench-window");
    const std::string& work = folder_guard.path;
    std::string db = work + "/clinic.db", log = work + "/frames.log";
    Xvfb x(1920, 1080, work + "/xvfb.log");
    std::printf("bench_window: kiosk %s, fullscreen 1920x1080 on Xvfb %s (llvmpipe)\n", kKiosk, x.Display().c_str());
    EnrolAdministrator(kKiosk, db, work, "Ana", "48291664");  // a kiosk without one serves no patient

    // (a) Start-up, the kiosk and the bare ImGui window in turn (A B A B ...), so that a drift in
    // the machine's speed moves both. One run of each first creates the database and warms caches.
    std::vector<double> to_frame, to_exit, bare_frame, ratio;
    for (int run = 0; run <= runs; ++run) {
        double kiosk_ms = 0, kiosk_exit_ms = 0, bare_ms = 0;
        for (const char* binary : {kKiosk, kBare}) {
            std::filesystem::remove(log);
            bool is_kiosk = binary == kKiosk;
            std::vector<std::string> argv = is_kiosk ? std::vector<std::string>{kKiosk, "run", "--db", db, "--exit-after-first-frame"}
                                                     : std::vector<std::string>{kBare};
            long long start = MonotonicNs();
            Child child({argv, {"DISPLAY=" + x.Display(), "KIOSK_FRAME_LOG=" + log}, work + "/start.log", "", -1});
            int status = child.WaitBlocking();
            long long ended = MonotonicNs();
            if (status != 0) throw std::runtime_error(std::string(binary) + " failed:\n" + Tail(work + "/start.log"));
            FrameTimes times = ReadFrameLog(log);
            if (times.first_frame_ns < 0) throw std::runtime_error(std::string(binary) + " logged no first frame");
            double ms = static_cast<double>(times.first_frame_ns - start) / 1e6;
            if (is_kiosk) {
                kiosk_ms = ms;
                kiosk_exit_ms = static_cast<double>(ended - start) / 1e6;
            } else {
                bare_ms = ms;
            }
        }
        if (run == 0) continue;
        to_frame.push_back(kiosk_ms);
        to_exit.push_back(kiosk_exit_ms);
        bare_frame.push_back(bare_ms);
        ratio.push_back(kiosk_ms / bare_ms);
    }
    std::printf("(a) start to first frame swapped (the welcome screen's language question): median %.1f ms (min %.1f, max %.1f) over %d runs; "
                "to process exit: median %.1f ms (min %.1f, max %.1f)\n",
                Percentile(to_frame, 0.5), Percentile(to_frame, 0), Percentile(to_frame, 1), runs,
                Percentile(to_exit, 0.5), Percentile(to_exit, 0), Percentile(to_exit, 1));
    std::printf("(a) the bare ImGui window (same window class, ImGui's font, one text): median %.1f ms (min %.1f, max %.1f)\n",
                Percentile(bare_frame, 0.5), Percentile(bare_frame, 0), Percentile(bare_frame, 1));
    std::printf("start-up ratio kiosk/bare: median %.2f (min %.2f, max %.2f), limit %.2f\n", Percentile(ratio, 0.5),
                Percentile(ratio, 0), Percentile(ratio, 1), kStartRatioLimit);

    // (b) and (c): a question screen, left alone.
    std::filesystem::remove(log);
    Kiosk k(x, {kKiosk, {"run", "--db", db}, work, {"KIOSK_FRAME_LOG=" + log}});
    pid_t pid = k.Process().Pid();
    std::string proc = "/proc/" + std::to_string(pid);
    k.WaitForScreen("welcome");
    size_t launch_frames = ReadFrameLog(log).thread_ms.size();
    std::printf("frames drawn at launch until the welcome screen settled: %zu, limit %.0f\n", launch_frames, kFramesPerChangeLimit);
    k.Tap("lang:en");
    k.Tap("option:yes");
    Screen question = k.WaitForScreen("question:dob");
    // The pointer that xdotool moved hides after Window::kCursorSeconds; idle starts after that.
    std::this_thread::sleep_for(std::chrono::milliseconds(3500));
    long pss = FieldKiB(proc + "/smaps_rollup", "Pss");
    long peak_pss = pss;
    long long ticks_before = CpuTicks(pid), ns_before = CpuNs(pid);
    size_t frames_before = ReadFrameLog(log).thread_ms.size();
    Clock::time_point idle_start = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(idle_seconds));
    double idle_wall = SecondsSince(idle_start);
    long long ticks = CpuTicks(pid) - ticks_before, ns = CpuNs(pid) - ns_before;
    size_t idle_frames = ReadFrameLog(log).thread_ms.size() - frames_before;
    double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    long rss = FieldKiB(proc + "/status", "VmRSS");
    char idle[400];
    std::snprintf(idle, sizeof idle, "(c) idle on %s for %.0f s: %.4f %% of a core (schedstat, %.2f ms), %.3f %% by utime+stime (%lld ticks of %.0f ms); %zu frames drawn",
                question.name.c_str(), idle_wall, static_cast<double>(ns) / 1e9 / idle_wall * 100.0, static_cast<double>(ns) / 1e6,
                static_cast<double>(ticks) / tick / idle_wall * 100.0, ticks, 1000.0 / tick, idle_frames);

    // (d) The rest of the screening, tapped through; PSS sampled at every question.
    size_t frames_at_tapping = ReadFrameLog(log).thread_ms.size();
    Screen s = k.Current();
    int taps = 0;
    for (; s.name != "review" && taps < 200; ++taps) {
        peak_pss = std::max(peak_pss, FieldKiB(proc + "/smaps_rollup", "Pss"));
        s = k.Tap(s.name == "urgent" ? "nav:continue" : "nav:skip");  // every question skipped
    }
    k.Tap("nav:submit");
    k.WaitForScreen("done");
    peak_pss = std::max(peak_pss, FieldKiB(proc + "/smaps_rollup", "Pss"));
    long hwm = FieldKiB(proc + "/status", "VmHWM");
    if (k.Process().Stop() != 0) throw std::runtime_error("the kiosk did not exit cleanly:\n" + Tail(k.Log()));
    FrameTimes times = ReadFrameLog(log);
    std::vector<double> thread_ms(times.thread_ms.begin() + static_cast<long>(frames_at_tapping), times.thread_ms.end());
    std::vector<double> process_ms(times.process_ms.begin() + static_cast<long>(frames_at_tapping), times.process_ms.end());
    std::printf("(b) memory on %s: PSS %.1f MiB (RSS %.1f MiB); peak PSS over a screening %.1f MiB, peak RSS (VmHWM) %.1f MiB\n",
                question.name.c_str(), static_cast<double>(pss) / 1024.0, static_cast<double>(rss) / 1024.0,
                static_cast<double>(peak_pss) / 1024.0, static_cast<double>(hwm) / 1024.0);
    std::printf("%s\n", idle);
    std::printf("frames drawn per tap: %.2f (%zu frames for %d taps), limit %.0f\n",
                static_cast<double>(thread_ms.size()) / (taps + 1), thread_ms.size(), taps + 1, kFramesPerChangeLimit);
    std::printf("(d) CPU per frame over %zu frames (%d taps to review, submit): kiosk thread median %.2f ms, p99 %.2f ms; "
                "whole process (with llvmpipe) median %.2f ms, p99 %.2f ms; the first frame (font atlas) %.1f ms thread\n",
                thread_ms.size(), taps + 1, Percentile(thread_ms, 0.5), Percentile(thread_ms, 0.99), Percentile(process_ms, 0.5),
                Percentile(process_ms, 0.99), times.thread_ms.empty() ? 0.0 : times.thread_ms.front());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 10;
    double idle_seconds = 30;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else if (a == "--idle-seconds" && i + 1 < argc) idle_seconds = std::max(1.0, std::atof(argv[++i]));
        else {
            std::fprintf(stderr, "Usage: bench_window [--runs N] [--idle-seconds S]\n");
            return 2;
        }
    }
    try {
        return Run(runs, idle_seconds);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_window: %s\n", e.what());
        return 1;
    }
}
