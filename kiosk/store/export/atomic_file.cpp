// Atomic file writes for exports: a reader sees the old file or the new one, never a part.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/export.h"

namespace kiosk::store {

std::optional<std::string> WriteFileAtomically(const std::string& path, const std::string& content) {
    namespace fs = std::filesystem;
    auto failure = [](const std::string& what) { return what + ": " + std::strerror(errno); };
    fs::path target(path);
    fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    if (target.filename().empty()) return "'" + path + "' names a folder, not a file";

    // Same folder: rename() is atomic only within one filesystem.
    std::string temp = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    int fd = ::mkstemp(temp.data());
    if (fd < 0) return failure("cannot create a temporary file in " + folder.string());
    auto abandon = [&](const std::string& message) {
        if (fd >= 0) ::close(fd);
        ::unlink(temp.c_str());
        return message;
    };
    // mkstemp already creates 0600, but a umask could not widen it and we say so explicitly.
    if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) return abandon(failure("cannot set the mode of " + temp));
    size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return abandon(failure("cannot write " + temp));
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) return abandon(failure("cannot flush " + temp + " to disk"));
    int closing = fd;
    fd = -1;
    if (::close(closing) != 0) return abandon(failure("cannot close " + temp));
    if (::rename(temp.c_str(), path.c_str()) != 0) return abandon(failure("cannot replace " + path));
    // The rename itself lives in the folder: without this fsync a power cut can bring back the old file.
    int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return failure(path + " is written, but its folder cannot be opened to flush it");
    bool synced = ::fsync(dir) == 0;
    std::string message = synced ? std::string() : failure(path + " is written, but its folder cannot be flushed to disk");
    ::close(dir);
    if (!synced) return message;
    return std::nullopt;
}

}  // namespace kiosk::store
