// What this machine lets a test do to a filesystem, asked once when the test cases register: the
// tests that need it are decorated doctest::skip(!...) and reported skipped where it is refused.
#pragma once

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace filesystem_limits {

inline std::filesystem::path ProbeFolder(const char* name) {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
}

// A tmpfs can be mounted (root with CAP_SYS_ADMIN): full disks and read-only mounts can be made.
inline bool CanMountTmpfs() {
    static const bool can = [] {
        std::filesystem::path dir = ProbeFolder("kiosk-probe-mount");
        bool mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k") == 0;
        if (mounted) ::umount2(dir.c_str(), MNT_DETACH);
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
        return mounted;
    }();
    return can;
}

// Permission bits bind this process (not root): a folder without write permission refuses writes.
inline bool PermissionsBind() {
    static const bool bind = [] {
        std::filesystem::path dir = ProbeFolder("kiosk-probe-mode");
        ::chmod(dir.c_str(), S_IRUSR | S_IXUSR);
        bool refused = ::access(dir.c_str(), W_OK) != 0;
        std::error_code ignored;
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ignored);
        std::filesystem::remove_all(dir, ignored);
        return refused;
    }();
    return bind;
}

}  // namespace filesystem_limits
