// Whether the export folder is a removable stick, so that patient data is never written onto the
// kiosk's own disk when staff think it went onto the stick (issue 11: "with no stick present the
// screen says so instead of writing onto the kiosk's own disk").
#pragma once

#include <optional>
#include <string>

namespace kiosk::store {

// Why `folder` is not a place for an export, for staff, or nullopt when it is on a removable
// device. How it decides, reading only the two files below (no ioctl, no udev):
//   1. The folder's real path (symbolic links resolved); a folder that does not exist has no stick.
//   2. The mount that holds it: the longest mount point in `mountinfo` (proc(5) format, its
//      \040-style escapes decoded) that is the folder or one of its parents; of mounts stacked
//      on one point, the last listed (the one on top).
//   3. Its device major:minor -> `sysfs_root`/dev/block/MAJ:MIN (a link into /sys/devices); a
//      partition (it has a `partition` file) is followed to its disk, the folder above it.
//   4. Removable when that disk's `removable` file reads 1, or when its resolved sysfs path
//      passes through USB (contains "/usb": USB disks that do not set the removable bit).
// Messages: a folder that is missing, or that is not itself a mount point and lies on a fixed
// disk (an empty /media/usb on the kiosk's own disk) is "No USB stick in the export slot: insert
// one (the export folder /media/usb is not a mounted device)"; a mount point of a fixed disk, or
// of something that is no block device (tmpfs, a network share) is "The export folder is on the
// kiosk's own disk, not a removable stick" (with what it is). A device mapper or LUKS stick
// (dm-N) is not followed to the disk under it: it counts as fixed.
// kiosk.toml's export_requires_removable = false skips this check (a network share, a test machine).
std::optional<std::string> ExportFolderProblem(const std::string& folder, const std::string& sysfs_root = "/sys",
                                               const std::string& mountinfo = "/proc/self/mountinfo");

// The mount point field of a mountinfo line decoded: "\040" -> ' ', "\011" -> tab, "\012" ->
// newline, "\134" -> '\'. Other text is kept as it is.
std::string DecodeMountField(const std::string& field);

}  // namespace kiosk::store
