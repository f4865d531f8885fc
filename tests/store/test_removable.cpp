// The export folder must be a removable stick: decided on a fake /sys tree and a fake mountinfo
// file, real files in a temporary folder, as the kernel lays them out.
#include <doctest/doctest.h>

#include "../support.h"

#include <filesystem>
#include <fstream>

#include "store/export/removable.h"

namespace fs = std::filesystem;
using kiosk::store::ExportFolderProblem;

namespace {

// A fake machine: sysfs with four disks, the folders they are mounted on, and mountinfo.
struct FakeMachine : test_support::TempDir {
    fs::path root = fs::canonical(path);
    fs::path sys = root / "sys";
    std::string mounts;

    FakeMachine() : test_support::TempDir("kiosk-removable") {
        // The kiosk's own SATA disk, two partitions: / and /data.
        const fs::path sda = Disk("devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda", "0");
        Partition(sda, "sda2", "8:2");
        Partition(sda, "sda3", "8:3");
        // A USB stick with a partition table (the usual case): removable bit set.
        const fs::path sdb = Disk("devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb", "1");
        Partition(sdb, "sdb1", "8:17");
        // A card reader's card formatted whole, no partition table: removable bit, not on USB.
        Disk("devices/platform/sdhci/mmc_host/mmc0/mmc0:0001/block/mmcblk0", "1", "179:0");
        // A USB disk that does not set the removable bit: its transport says it.
        Disk("devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host7/target7:0:0/7:0:0:0/block/sdc", "0", "8:32");

        Mount("8:2", "/", "ext4", "/dev/sda2");
        Mount("8:3", (root / "data").string(), "ext4", "/dev/sda3");
        Mount("8:17", (root / "media/usb").string(), "vfat", "/dev/sdb1");
        Mount("179:0", (root / "media/card").string(), "exfat", "/dev/mmcblk0");
        Mount("8:32", (root / "media/usbdisk").string(), "ext4", "/dev/sdc");
        Mount("0:45", (root / "media/ram").string(), "tmpfs", "tmpfs");
        Mount("8:17", (root / "media/my stick").string(), "vfat", "/dev/sdb1");
        // Two mounts on one point: the later one is on top.
        Mount("8:17", (root / "media/stacked").string(), "vfat", "/dev/sdb1");
        Mount("8:3", (root / "media/stacked").string(), "ext4", "/dev/sda3");
        for (const char* folder : {"data", "media/usb/exports", "media/card", "media/usbdisk", "media/ram", "media/my stick",
                                   "media/stacked", "media/empty", "media/usb2"})
            fs::create_directories(root / folder);
        Write("mountinfo", mounts);
    }

    fs::path Disk(const std::string& where, const std::string& removable, const std::string& device = "") {
        fs::path disk = sys / where;
        fs::create_directories(disk);
        std::ofstream(disk / "removable") << removable << "\n";
        if (!device.empty()) Link(disk, device);
        return disk;
    }
    void Partition(const fs::path& disk, const std::string& name, const std::string& device) {
        fs::create_directories(disk / name);
        std::ofstream(disk / name / "partition") << "1\n";
        Link(disk / name, device);
    }
    void Link(const fs::path& node, const std::string& device) {
        fs::create_directories(sys / "dev/block");
        fs::create_directory_symlink(node, sys / "dev/block" / device);
    }
    // A mountinfo line, its mount point escaped as the kernel does.
    void Mount(const std::string& device, std::string point, const std::string& type, const std::string& source) {
        std::string escaped;
        for (char c : point) escaped += c == ' ' ? std::string("\\040") : std::string(1, c);
        mounts += std::to_string(30 + mounts.size() % 50) + " 1 " + device + " / " + escaped + " rw,nosuid shared:1 - " + type + " " + source +
                  " rw\n";
    }
    std::optional<std::string> Problem(const std::string& folder) const {
        return ExportFolderProblem((root / folder).string(), sys.string(), File("mountinfo"));
    }
};

}  // namespace

TEST_CASE("A removable stick, a partition of one, a card and a USB disk are export folders") {
    FakeMachine m;
    for (const char* folder : {"media/usb", "media/usb/exports", "media/card", "media/usbdisk", "media/my stick"}) {
        CAPTURE(folder);
        std::optional<std::string> problem = m.Problem(folder);
        CHECK_MESSAGE(!problem, problem.value_or(""));
    }
    // Through a symbolic link to the stick: the real path counts.
    fs::create_directory_symlink(m.root / "media/usb", m.root / "usb-link");
    CHECK_FALSE(m.Problem("usb-link"));
}

TEST_CASE("The kiosk's own disk, a tmpfs, a stick hidden under another mount, and no stick at all are refused with plain words") {
    FakeMachine m;
    SUBCASE("a mount point on the kiosk's own disk") {
        std::optional<std::string> problem = m.Problem("data");
        REQUIRE(problem);
        CHECK(problem->find("The export folder is on the kiosk's own disk, not a removable stick") == 0);
        CHECK(problem->find("/dev/sda3") != std::string::npos);
    }
    SUBCASE("a tmpfs: no block device at all") {
        std::optional<std::string> problem = m.Problem("media/ram");
        REQUIRE(problem);
        CHECK(problem->find("not a removable stick") != std::string::npos);
        CHECK(problem->find("tmpfs") != std::string::npos);
    }
    SUBCASE("the kiosk's disk mounted on top of the stick") {
        std::optional<std::string> problem = m.Problem("media/stacked");
        REQUIRE(problem);
        CHECK(problem->find("own disk") != std::string::npos);
    }
    SUBCASE("an empty folder where the stick would be mounted, and one whose name only starts like the stick's") {
        for (const char* folder : {"media/empty", "media/usb2"}) {
            CAPTURE(folder);
            std::optional<std::string> problem = m.Problem(folder);
            REQUIRE(problem);
            CHECK(*problem == "No USB stick in the export slot: insert one (the export folder " + (m.root / folder).string() +
                                  " is not a mounted device)");
        }
    }
    SUBCASE("no folder at all") {
        std::optional<std::string> problem = m.Problem("media/missing");
        REQUIRE(problem);
        CHECK(problem->find("No USB stick in the export slot: insert one") == 0);
    }
    SUBCASE("no mountinfo to read") {
        std::optional<std::string> problem = ExportFolderProblem((m.root / "media/usb").string(), m.sys.string(), m.File("nothing"));
        REQUIRE(problem);
        CHECK(problem->find("cannot be checked") != std::string::npos);
    }
}

TEST_CASE("Mount points are decoded from mountinfo's octal escapes") {
    CHECK(kiosk::store::DecodeMountField("/media/my\\040stick") == "/media/my stick");
    CHECK(kiosk::store::DecodeMountField("/a\\011b\\012c\\134d") == "/a\tb\nc\\d");
    CHECK(kiosk::store::DecodeMountField("/trailing\\04") == "/trailing\\04");
    CHECK(kiosk::store::DecodeMountField("/not\\x41octal") == "/not\\x41octal");
}
