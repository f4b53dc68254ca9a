#include "TestUtil.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

using namespace weft;

TEST(ThreadPool, CoversEveryIndexExactlyOnceInContiguousChunks) {
  for (unsigned threads : {1u, 2u, 3u, 4u, 7u}) {
    ThreadPool pool(threads);
    ASSERT_EQ(pool.size(), threads);
    for (int64_t n : {0, 1, 2, 3, 5, 6, 7, 8, 13, 64, 100, 1000, 4099}) {
      std::vector<std::atomic<int>> hits(size_t(n) + 1);
      std::mutex m;
      std::vector<std::pair<int64_t, int64_t>> chunks;
      pool.parallelFor(n, [&](int64_t begin, int64_t end) {
        {
          std::lock_guard<std::mutex> lock(m);
          chunks.emplace_back(begin, end);
        }
        for (int64_t i = begin; i < end; ++i) hits[size_t(i)]++;
      });
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[size_t(i)].load(), 1) << "n=" << n << " i=" << i;
      EXPECT_EQ(int64_t(chunks.size()), std::min<int64_t>(n, threads)) << "n=" << n << " threads=" << threads;
      int64_t smallest = 0, largest = 0;
      if (!chunks.empty()) smallest = largest = chunks[0].second - chunks[0].first;
      for (auto [b, e] : chunks) {
        EXPECT_LT(b, e);
        smallest = std::min(smallest, e - b);
        largest = std::max(largest, e - b);
      }
      EXPECT_LE(largest - smallest, 1) << "n=" << n; // balanced
    }
  }
}

TEST(ThreadPool, SmallJobsRunInlineOnTheCaller) {
  ThreadPool pool(4);
  std::thread::id ran;
  pool.parallelFor(1, [&](int64_t, int64_t) { ran = std::this_thread::get_id(); });
  EXPECT_EQ(ran, std::this_thread::get_id());
}

TEST(ThreadPool, RunsChunksConcurrently) {
  // Each of three chunks waits until all three have started: only three threads at once finish.
  ThreadPool pool(3);
  std::atomic<int> started{0};
  std::atomic<bool> allMet{true};
  pool.parallelFor(3, [&](int64_t, int64_t) {
    ++started;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (started.load() < 3)
      if (std::chrono::steady_clock::now() > deadline) {
        allMet = false;
        return;
      }
  });
  EXPECT_TRUE(allMet.load());
}

TEST(ThreadPool, SurvivesManyJobs) {
  // Without the spin (every hand-off through the condition variables), with the default one, and
  // with jobs spaced past it (workers asleep when each job comes).
  for (auto [spin, gap] : {std::pair{std::chrono::microseconds(0), 0}, std::pair{ThreadPool::kDefaultSpin, 0},
                           std::pair{std::chrono::microseconds(50), 200}}) {
    ThreadPool pool(3, spin);
    std::atomic<int64_t> sum{0};
    for (int job = 0; job < 2000; ++job) {
      pool.parallelFor(3 + job % 5, [&](int64_t b, int64_t e) { sum += e - b; });
      if (gap && job % 50 == 0) std::this_thread::sleep_for(std::chrono::microseconds(gap));
    }
    EXPECT_EQ(sum.load(), 400 * (3 + 4 + 5 + 6 + 7)) << "spin " << spin.count() << " us";
  }
}

TEST(ThreadPool, SpinningWorkersStopAtOnce) {
  // Workers spinning for up to a minute after a job: the destructor ends their spin.
  auto start = std::chrono::steady_clock::now();
  {
    ThreadPool pool(3, std::chrono::minutes(1));
    std::atomic<int64_t> sum{0};
    pool.parallelFor(3, [&](int64_t b, int64_t e) { sum += e - b; });
    EXPECT_EQ(sum.load(), 3);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ThreadPool, CallsFromSeveralThreadsAreSerialized) {
  ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&] {
      for (int j = 0; j < 200; ++j) pool.parallelFor(10, [&](int64_t b, int64_t e) { total += e - b; });
    });
  for (auto &t : callers) t.join();
  EXPECT_EQ(total.load(), 4 * 200 * 10);
}

TEST(CpuDevice, ThreadsComeFromTheArgumentTheEnvironmentOrTheHardware) {
  EXPECT_EQ(CpuDevice(1).name(), "cpu (1 thread)");
  EXPECT_EQ(CpuDevice(3).name(), "cpu (3 threads)");
  unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  setenv("WEFT_NUM_THREADS", "5", 1);
  EXPECT_EQ(CpuDevice().pool().size(), 5u);
  EXPECT_EQ(CpuDevice(2).pool().size(), 2u); // an explicit count wins
  for (const char *bad : {"0", "-2", "abc", "3x", "", " 4", "99999999999"}) {
    setenv("WEFT_NUM_THREADS", bad, 1);
    EXPECT_EQ(CpuDevice().pool().size(), hardware) << "WEFT_NUM_THREADS='" << bad << "'";
  }
  unsetenv("WEFT_NUM_THREADS");
  EXPECT_EQ(CpuDevice().pool().size(), hardware);
  // A count past the cap takes the cap (4096), never an exception out of the constructor.
  EXPECT_LE(CpuDevice(4294967295u).pool().size(), 4096u);
  EXPECT_STREQ(deviceKindName(DeviceKind::cpu), "cpu");
  EXPECT_STREQ(deviceKindName(DeviceKind::cuda), "cuda");
}
