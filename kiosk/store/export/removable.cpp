// The export folder's device, found through /proc/self/mountinfo and /sys/dev/block: removable or not.
#include "store/export/removable.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace kiosk::store {
namespace {

namespace fs = std::filesystem;

struct Mount {
    std::string device;  // "8:17"
    std::string point;   // decoded
    std::string type;    // "vfat", "ext4", "tmpfs"
    std::string source;  // "/dev/sdb1"
};

std::vector<std::string> Fields(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string field; in >> field;) out.push_back(field);
    return out;
}

// proc(5): ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER-OPTIONS
std::optional<Mount> ParseMountLine(const std::string& line) {
    std::vector<std::string> f = Fields(line);
    if (f.size() < 7) return std::nullopt;
    Mount m{f[2], DecodeMountField(f[4]), "", ""};
    for (size_t i = 6; i < f.size(); ++i)
        if (f[i] == "-") {
            if (i + 1 < f.size()) m.type = f[i + 1];
            if (i + 2 < f.size()) m.source = DecodeMountField(f[i + 2]);
            break;
        }
    return m;
}

// `point` is `path` or one of its parents (by whole components: /media/usb holds /media/usb/x, not /media/usb2).
bool Holds(const std::string& point, const std::string& path) {
    if (point == "/") return true;
    return path == point || (path.size() > point.size() && path.compare(0, point.size(), point) == 0 && path[point.size()] == '/');
}

std::string ReadFirstLine(const fs::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
}

// The disk's sysfs folder is removable: its `removable` bit, or a path through USB.
bool RemovableDisk(const std::string& sysfs_root, const std::string& device) {
    std::error_code ec;
    fs::path node = fs::canonical(fs::path(sysfs_root) / "dev" / "block" / device, ec);
    if (ec) return false;  // no block device (tmpfs, overlay, a network share): not a stick
    if (fs::exists(node / "partition", ec)) node = node.parent_path();
    if (ReadFirstLine(node / "removable") == "1") return true;
    // Only the part below the sysfs root counts: a test's fake tree may sit under any folder.
    fs::path root = fs::canonical(sysfs_root, ec);
    std::string inside = node.string();
    if (!ec && inside.compare(0, root.string().size(), root.string()) == 0) inside = inside.substr(root.string().size());
    return inside.find("/usb") != std::string::npos;
}

std::string NoStick(const std::string& folder) {
    return "No USB stick in the export slot: insert one (the export folder " + folder + " is not a mounted device)";
}

}  // namespace

std::string DecodeMountField(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            const std::string_view digits(field.data() + i + 1, 3);
            if (digits.find_first_not_of("01234567") == std::string_view::npos) {
                out += static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0'));
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

std::optional<std::string> ExportFolderProblem(const std::string& folder, const std::string& sysfs_root, const std::string& mountinfo) {
    std::error_code ec;
    const fs::path real = fs::canonical(folder, ec);
    if (ec || !fs::is_directory(real, ec)) return NoStick(folder);
    const std::string path = real.string();
    std::ifstream in(mountinfo);
    if (!in) return "The export folder cannot be checked: " + mountinfo + " cannot be read";
    std::optional<Mount> holder;
    for (std::string line; std::getline(in, line);) {
        std::optional<Mount> m = ParseMountLine(line);
        // Longest point wins; of equal ones the later line, mounted on top of the earlier.
        if (m && Holds(m->point, path) && (!holder || m->point.size() >= holder->point.size())) holder = m;
    }
    if (!holder) return NoStick(folder);
    if (RemovableDisk(sysfs_root, holder->device)) return std::nullopt;
    // Not itself a mount point: an empty folder on the kiosk's disk, waiting for a stick.
    if (holder->point != path) return NoStick(folder);
    return "The export folder is on the kiosk's own disk, not a removable stick (" + folder + " is " +
           (holder->source.empty() ? std::string("a mount") : holder->source) + ", " +
           (holder->type.empty() ? std::string("of an unknown type") : holder->type) + ")";
}

}  // namespace kiosk::store
