// Replays seed corpora through the fuzz targets once: `gatecheck_fuzz_corpus TARGET CORPUS_DIR|FILE...`.
// Every target is linked in under its own entry point (CMakeLists.txt renames LLVMFuzzerTestOneInput per
// source), so the corpora are regression tests in every build, with any compiler. A crash, a trapped property
// or an uncaught exception fails the run like any test; an unknown target or no input at all fails it too.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string_view>
#include <vector>

#define GATECHECK_FUZZ_TARGET(name) extern "C" int gatecheck_fuzz_##name(const std::uint8_t*, std::size_t);
#include "fuzz_targets.inc"
#undef GATECHECK_FUZZ_TARGET

namespace {

struct Target {
  std::string_view name;
  int (*run)(const std::uint8_t*, std::size_t);
};

constexpr Target kTargets[] = {
#define GATECHECK_FUZZ_TARGET(name) {#name, gatecheck_fuzz_##name},
#include "fuzz_targets.inc"
#undef GATECHECK_FUZZ_TARGET
};

std::vector<std::filesystem::path> inputs(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 2; i < argc; ++i) {
    const std::filesystem::path argument = argv[i];
    if (std::filesystem::is_directory(argument)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(argument))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else {
      files.push_back(argument);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view wanted = argc > 1 ? argv[1] : "";
  const auto target = std::find_if(std::begin(kTargets), std::end(kTargets),
                                   [&](const Target& t) { return t.name == wanted; });
  if (target == std::end(kTargets)) {
    std::fprintf(stderr, "usage: gatecheck_fuzz_corpus TARGET CORPUS_DIR|FILE...: unknown target '%s'\n",
                 std::string(wanted).c_str());
    return 2;
  }
  const auto files = inputs(argc, argv);
  if (files.empty()) {
    std::fprintf(stderr, "%s: no input found\n", std::string(wanted).c_str());
    return 1;
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", file.c_str());
      return 1;
    }
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::fprintf(stderr, "%s (%zu bytes)\n", file.c_str(), bytes.size());
    // An exactly sized heap copy, as libFuzzer passes it, so that a sanitizer sees a read past the end.
    const auto copy = std::make_unique<std::uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), copy.get());
    target->run(copy.get(), bytes.size());
  }
  std::fprintf(stderr, "%zu inputs ran\n", files.size());
  return 0;
}
