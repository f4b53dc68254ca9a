#include "weft/Runtime.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

namespace weft {

namespace {

// Spins (without the lock) until `done()` or `spin` has passed. A thread that sleeps on a
// condition variable between kernels is woken late on a virtual machine whose idle vCPU the host
// has descheduled: on the 2-vCPU bench guests the worker often missed the next kernel altogether,
// leaving the caller to run both chunks (col2im f16, weft-bench-cpu, three alternated runs:
// medians 1.26-1.33 ms against minima of 0.66-0.97 in five of six rows; spinning 2 ms, 0.63-0.70
// ms in all six, below the same run's streaming copy; 1 ms, the default, and 0.3 ms much the same:
// docs/bench-cpu-history.md). OpenMP runtimes spin the same way before they sleep. Each round yields, so
// that where the pool has more threads than cores the spinning ones give way to the working.
template <typename Done> void spinUntil(std::chrono::microseconds spin, Done done) {
  if (spin.count() <= 0) return;
  const auto until = std::chrono::steady_clock::now() + spin;
  while (!done() && std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < 32; ++i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    std::this_thread::yield();
  }
}

} // namespace

// One job at a time. Every field below the mutex is guarded by it (the atomics are also written
// under it, and read without it only while spinning); a chunk is claimed under the lock, so a
// worker can never pick up a chunk of a job that parallelFor has already returned from (claims
// stop at `chunks`, and parallelFor returns only once all `chunks` are done).
struct ThreadPool::Impl {
  std::mutex callMutex; // serializes parallelFor calls from different threads
  std::mutex mutex;
  std::condition_variable workReady, jobDone;
  const std::function<void(int64_t, int64_t)> *fn = nullptr;
  int64_t n = 0, chunks = 0, nextChunk = 0;
  std::atomic<int64_t> doneChunks{0};
  std::atomic<uint64_t> posted{0}; // jobs posted so far, and one more on stopping
  bool stopping = false;
  std::chrono::microseconds spin{0};
  std::vector<std::thread> workers;

  // Chunk i of `chunks` nearly equal contiguous pieces of [0, n); no i * n, so no overflow.
  void range(int64_t i, int64_t &begin, int64_t &end) const {
    int64_t base = n / chunks, extra = n % chunks;
    begin = i * base + std::min(i, extra);
    end = begin + base + (i < extra ? 1 : 0);
  }

  // Runs chunks until none is left to claim; `lock` is held on entry and on return.
  void runChunks(std::unique_lock<std::mutex> &lock) {
    while (nextChunk < chunks) {
      int64_t i = nextChunk++, begin, end;
      range(i, begin, end);
      const auto *f = fn;
      lock.unlock();
      (*f)(begin, end);
      lock.lock();
      if (++doneChunks == chunks) jobDone.notify_one();
    }
  }

  void workerLoop() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      if (!stopping && nextChunk >= chunks) { // watch for the next job before sleeping
        const uint64_t seen = posted.load();
        lock.unlock();
        spinUntil(spin, [&] { return posted.load(std::memory_order_acquire) != seen; });
        lock.lock();
      }
      workReady.wait(lock, [&] { return stopping || nextChunk < chunks; });
      if (stopping) return;
      runChunks(lock);
    }
  }
};

ThreadPool::ThreadPool(unsigned threads, std::chrono::microseconds spin) : impl(std::make_unique<Impl>()) {
  impl->spin = spin;
  // The caller of parallelFor is one of the threads, so the pool starts one fewer. A thread the
  // system cannot start (a memory or process limit) ends the pool where it is: size() says how
  // many it has, and no exception leaves the runtime.
  for (unsigned i = 1; i < std::max(threads, 1u); ++i) {
    try {
      impl->workers.emplace_back([this] { impl->workerLoop(); });
    } catch (const std::system_error &) {
      break;
    }
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    impl->stopping = true;
    ++impl->posted; // ends the workers' spins
  }
  impl->workReady.notify_all();
  for (std::thread &t : impl->workers) t.join();
}

unsigned ThreadPool::size() const { return unsigned(impl->workers.size()) + 1; }

void ThreadPool::parallelFor(int64_t n, const std::function<void(int64_t, int64_t)> &fn) {
  if (n <= 0) return;
  int64_t chunks = std::min<int64_t>(n, size());
  if (chunks == 1) { // no hand-off to pay for
    fn(0, n);
    return;
  }
  std::lock_guard<std::mutex> call(impl->callMutex);
  std::unique_lock<std::mutex> lock(impl->mutex);
  impl->fn = &fn;
  impl->n = n;
  impl->chunks = chunks;
  impl->nextChunk = 0;
  impl->doneChunks = 0;
  ++impl->posted;
  impl->workReady.notify_all();
  impl->runChunks(lock);
  if (impl->doneChunks != chunks) { // the workers' chunks: watched for, then slept on
    lock.unlock();
    spinUntil(impl->spin, [&] { return impl->doneChunks.load(std::memory_order_acquire) == chunks; });
    lock.lock();
  }
  impl->jobDone.wait(lock, [&] { return impl->doneChunks == impl->chunks; });
  impl->fn = nullptr;
}

} // namespace weft
