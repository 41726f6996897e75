//===- RuntimeTest.cpp - the caching allocator of compiled code -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quantopt_rt_* (lib/Runtime/CachingAllocator.c): reuse of same-size blocks,
// alignment, frees on another thread, the bound on cached bytes, trim and
// thread exit, and concurrent use.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace {

class RuntimeTest : public ::testing::Test {
protected:
  void SetUp() override {
    quantopt_rt_set_cache_limit(uint64_t(1) << 30);
    quantopt_rt_trim();
    ASSERT_EQ(quantopt_rt_cached_bytes(), 0u);
  }
  void TearDown() override {
    quantopt_rt_set_cache_limit(uint64_t(1) << 30);
    quantopt_rt_trim();
  }
};

TEST_F(RuntimeTest, ReusesBlocksOfTheSameSize) {
  void *a = quantopt_rt_aligned_alloc(64, 1000);
  ASSERT_NE(a, nullptr);
  quantopt_rt_free(a);
  // Cached: its size plus the 64-byte prefix.
  EXPECT_EQ(quantopt_rt_cached_bytes(), 1064u);
  // Another size does not get it (it is still cached) ...
  void *b = quantopt_rt_aligned_alloc(64, 1008);
  EXPECT_NE(b, a);
  EXPECT_EQ(quantopt_rt_cached_bytes(), 1064u);
  // ... the same size does, and the cache is empty again.
  void *c = quantopt_rt_aligned_alloc(64, 1000);
  EXPECT_EQ(c, a);
  EXPECT_EQ(quantopt_rt_cached_bytes(), 0u);
  // Two blocks of one size come back last in, first out.
  void *d = quantopt_rt_aligned_alloc(64, 1000);
  quantopt_rt_free(c);
  quantopt_rt_free(d);
  EXPECT_EQ(quantopt_rt_aligned_alloc(64, 1000), d);
  EXPECT_EQ(quantopt_rt_aligned_alloc(64, 1000), c);
  quantopt_rt_free(b);
  quantopt_rt_free(c);
  quantopt_rt_free(d);
  quantopt_rt_free(nullptr);
  EXPECT_EQ(quantopt_rt_cached_bytes(), 3 * 64u + 1008u + 2 * 1000u);
}

TEST_F(RuntimeTest, Alignment) {
  for (uint64_t align = 1; align <= 8192; align *= 2) {
    for (uint64_t size : {0u, 1u, 63u, 64u, 4097u, 1u << 20}) {
      auto *p =
          static_cast<unsigned char *>(quantopt_rt_aligned_alloc(align, size));
      ASSERT_NE(p, nullptr);
      uint64_t expected = align < 64 ? 64 : align;
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % expected, 0u)
          << "alignment " << align << ", size " << size;
      std::memset(p, 0xab, size);
      quantopt_rt_free(p);
      // Taken back from the cache: still aligned, the same block.
      auto *q =
          static_cast<unsigned char *>(quantopt_rt_aligned_alloc(align, size));
      EXPECT_EQ(q, p);
      quantopt_rt_free(q);
    }
  }
  EXPECT_EQ(reinterpret_cast<uintptr_t>(quantopt_rt_alloc(24)) % 64, 0u);
  EXPECT_EQ(quantopt_rt_aligned_alloc(48, 100), nullptr);
  EXPECT_EQ(quantopt_rt_aligned_alloc(0, 100), nullptr);
}

TEST_F(RuntimeTest, FreeOnAnotherThread) {
  void *a = quantopt_rt_aligned_alloc(64, 4096);
  void *reused = nullptr;
  std::thread other([&] {
    quantopt_rt_free(a); // into this thread's cache
    EXPECT_EQ(quantopt_rt_cached_bytes(), 4160u);
    reused = quantopt_rt_aligned_alloc(64, 4096);
    quantopt_rt_free(reused);
  });
  other.join();
  EXPECT_EQ(reused, a);
  // The other thread's cache went with it.
  EXPECT_EQ(quantopt_rt_cached_bytes(), 0u);
  // Freed on another thread that stays alive: this thread does not get it.
  void *b = quantopt_rt_aligned_alloc(64, 4096);
  std::mutex m;
  std::condition_variable cv;
  bool freed = false, done = false;
  std::thread keeper([&] {
    quantopt_rt_free(b);
    std::unique_lock<std::mutex> lock(m);
    freed = true;
    cv.notify_all();
    cv.wait(lock, [&] { return done; });
  });
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return freed; });
  }
  void *c = quantopt_rt_aligned_alloc(64, 4096);
  EXPECT_NE(c, b);
  EXPECT_EQ(quantopt_rt_cached_bytes(), 4160u);
  // trim releases the live thread's cache too.
  quantopt_rt_trim();
  EXPECT_EQ(quantopt_rt_cached_bytes(), 0u);
  {
    std::lock_guard<std::mutex> lock(m);
    done = true;
  }
  cv.notify_all();
  keeper.join();
  quantopt_rt_free(c);
}

TEST_F(RuntimeTest, CachedBytesStayWithinTheLimit) {
  const uint64_t block = 1000 + 64;
  quantopt_rt_set_cache_limit(3 * block);
  EXPECT_EQ(quantopt_rt_cache_limit(), 3 * block);
  std::vector<void *> blocks;
  for (int i = 0; i < 5; ++i)
    blocks.push_back(quantopt_rt_aligned_alloc(64, 1000));
  for (void *p : blocks)
    quantopt_rt_free(p);
  // Three cached, the last two freed at once.
  EXPECT_EQ(quantopt_rt_cached_bytes(), 3 * block);
  EXPECT_EQ(quantopt_rt_aligned_alloc(64, 1000), blocks[2]);
  EXPECT_EQ(quantopt_rt_aligned_alloc(64, 1000), blocks[1]);
  EXPECT_EQ(quantopt_rt_aligned_alloc(64, 1000), blocks[0]);
  EXPECT_EQ(quantopt_rt_cached_bytes(), 0u);
  // A block larger than the limit is never cached.
  void *big = quantopt_rt_aligned_alloc(64, 4 * block);
  quantopt_rt_free(big);
  EXPECT_EQ(quantopt_rt_cached_bytes(), 0u);
  for (int i = 0; i < 3; ++i)
    quantopt_rt_free(blocks[i]);
  // Limit 0: nothing is cached.
  quantopt_rt_trim();
  quantopt_rt_set_cache_limit(0);
  void *p = quantopt_rt_aligned_alloc(64, 1000);
  quantopt_rt_free(p);
  EXPECT_EQ(quantopt_rt_cached_bytes(), 0u);
}

TEST_F(RuntimeTest, ConcurrentThreadsKeepTheirData) {
  // Threads allocate blocks of a few sizes, fill them with their own
  // pattern, hand half of them to the next thread to free, and check the
  // pattern before every free: a block given to two owners would fail.
  constexpr int kThreads = 4, kRounds = 2000;
  std::vector<std::vector<void *>> handoff(kThreads);
  std::vector<std::mutex> locks(kThreads);
  std::atomic<int> corrupted{0};
  auto check = [&](void *p, uint64_t size, unsigned char value) {
    auto *bytes = static_cast<unsigned char *>(p);
    for (uint64_t i = 0; i < size; ++i)
      if (bytes[i] != value) {
        ++corrupted;
        return;
      }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        uint64_t size = 256 * (1 + r % 5);
        auto value = static_cast<unsigned char>(t * 37 + r);
        void *p = quantopt_rt_aligned_alloc(64, size);
        std::memset(p, value, size);
        if (r % 2) {
          // Leave its size and pattern in the block's first bytes.
          std::lock_guard<std::mutex> lock(locks[(t + 1) % kThreads]);
          handoff[(t + 1) % kThreads].push_back(p);
          std::memcpy(p, &size, sizeof(size));
          continue;
        }
        check(p, size, value);
        quantopt_rt_free(p);
        std::vector<void *> mine;
        {
          std::lock_guard<std::mutex> lock(locks[t]);
          mine.swap(handoff[t]);
        }
        for (void *q : mine) {
          uint64_t qsize;
          std::memcpy(&qsize, q, sizeof(qsize));
          auto *bytes = static_cast<unsigned char *>(q);
          check(bytes + sizeof(qsize), qsize - sizeof(qsize),
                bytes[sizeof(qsize)]);
          quantopt_rt_free(q);
        }
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (auto &list : handoff)
    for (void *q : list)
      quantopt_rt_free(q);
  EXPECT_EQ(corrupted.load(), 0);
  // Every worker's cache went at its exit; what is left is this thread's.
  quantopt_rt_trim();
  EXPECT_EQ(quantopt_rt_cached_bytes(), 0u);
}

} // namespace
