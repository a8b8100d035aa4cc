#pragma once
// The fuzz targets' checks. A broken invariant aborts, so that libFuzzer keeps the input as a
// crash, and the corpus replay test fails on it in the ordinary build.
#include <cstdio>
#include <cstdlib>

[[noreturn]] inline void fuzz_invariant_broken(const char* invariant, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: broken invariant: %s\n", file, line, invariant);
    std::abort();
}

#define FUZZ_REQUIRE(condition) ((condition) ? void() : fuzz_invariant_broken(#condition, __FILE__, __LINE__))
