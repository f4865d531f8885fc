// The command line's database commands: staff set-pin, db check, queue, submit (paper fallback).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kiosk {

// Each finds the clinic database and the screening with ResolveCommandFiles (cli/config.h); the
// database's folder is created owner-only on first use (EnsureDataFolder).
int RunStaff(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
int RunDb(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunQueue(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunSubmit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunReview(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunExport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int RunExportQuestionnaire(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kiosk
