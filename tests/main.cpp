// The one doctest main for every test executable. A test case that cannot run here is decorated
// doctest::skip(...): doctest reports it skipped, and so does CTest (see main()).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

int g_started = 0;  // test cases that ran in this process

// Counts the test cases that run: when none did, main() tells why.
class RunCounter : public doctest::IReporter {
public:
    explicit RunCounter(const doctest::ContextOptions&) {}
    void test_case_start(const doctest::TestCaseData&) override { ++g_started; }

    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("run-counter", 1, RunCounter);

// Whether the command line has `names` as an option ("-x", "--x", "--dt-x").
bool HasOption(int argc, char** argv, std::initializer_list<std::string_view> names) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        arg.remove_prefix(std::min(arg.find_first_not_of('-'), arg.size()));
        if (arg.rfind("dt-", 0) == 0) arg.remove_prefix(3);
        for (std::string_view name : names)
            if (arg == name) return true;
    }
    return false;
}

// How many test cases the command line selects, counting those decorated doctest::skip.
int Selected(int argc, char** argv) {
    std::vector<const char*> args(argv, argv + argc);
    args.push_back("--no-skip");
    args.push_back("--count");  // only counts: runs nothing
    std::ostringstream out;
    doctest::Context count;
    count.applyCommandLine(static_cast<int>(args.size()), args.data());
    count.setCout(&out);
    count.run();
    // "[doctest] unskipped test cases passing the current filters: N"
    const std::string text = out.str();
    const std::string label = "passing the current filters: ";
    size_t at = text.rfind(label);
    return at == std::string::npos ? 0 : std::atoi(text.c_str() + at + label.size());
}

}  // namespace

int main(int argc, char** argv) {
    const bool listing = HasOption(argc, argv, {"list-test-cases", "ltc"});
    // Queries run no test case: nothing more to say after them.
    const bool query = listing || HasOption(argc, argv, {"count", "c", "list-test-suites", "lts", "list-reporters", "lr", "help",
                                                         "h", "?", "version", "v", "no-run", "nr"});
    int result = 0;
    {
        doctest::Context context;
        context.applyCommandLine(argc, argv);
        // CTest learns the test cases from --list-test-cases (doctest_discover_tests): list the
        // skipped ones too, so that CTest runs them and reports them skipped (running one skips it).
        if (listing) context.setOption("no-skip", true);
        result = context.run();
        if (query || context.shouldExit() || g_started > 0) return result;
    }
    // Nothing ran. CTest runs one test case per process (--test-case=NAME), and doctest would exit
    // 0 as if it passed: say which it was, for tests/CMakeLists.txt's SKIP_REGULAR_EXPRESSION.
    if (Selected(argc, argv) > 0) {
        std::cout << "[doctest] SKIPPED: the selected test cases cannot run here\n";
        return result;
    }
    std::cout << "[doctest] no test case matches the command line\n";
    return 1;
}
