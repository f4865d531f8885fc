// The command line's database commands: db check, queue, submit (paper fallback), export, and
// decrypt-export (the one that needs no database).
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace kiosk {

namespace store {
class Store;
}

// Opens the clinic database at `path` (its folder created owner-only first); null, with the
// reason on `err`, when it cannot be used.
std::unique_ptr<store::Store> OpenClinicStore(const std::string& path, std::ostream& err);

// Each finds the clinic database and the screening with ResolveCommandFiles (cli/config.h); the
// database's folder is created owner-only on first use (EnsureDataFolder).
int RunDb(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunQueue(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
// purge [--dry-run]: deletes (or lists) the results past the clinic's retention, as "cli".
int RunPurge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunSubmit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// export asks for the passphrase (or, with --plain, the administrator's PIN) on `in`.
int RunExport(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
// decrypt-export FILE [--out PATH]: the passphrase from `in`; needs no database.
int RunDecryptExport(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
int RunExportQuestionnaire(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kiosk
