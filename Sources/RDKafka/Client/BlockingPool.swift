// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// Threads for librdkafka's blocking calls, never the cooperative pool's: at
/// most `width` of them, started as work arrives and kept for the next. Work
/// beyond that waits its turn, so a storm of calls during an outage (each
/// blocked for the Kafka timeout) costs a queue, not a thread each. Not a
/// dispatch queue: its workers are about as many as the cores, so a few calls
/// blocked for long would hold up every other one.
package final class BlockingPool: Sendable {
    /// The process's pool.
    package static let shared = BlockingPool(width: 32)

    private let width: Int
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var threads = 0
        var idle = 0
        var peakThreads = 0
    }

    private let threadStarter: @Sendable (@escaping @Sendable () -> Void) -> Bool

    /// A pool of at most `width` threads; `threadStarter` starts one (tests
    /// give one that fails), false when the system refused.
    package init(
        width: Int,
        threadStarter: @escaping @Sendable (@escaping @Sendable () -> Void) -> Bool = BlockingPool.startThread
    ) {
        self.width = max(1, width)
        self.threadStarter = threadStarter
    }

    /// The most threads the pool has had at once.
    package var peakThreads: Int { state.withLock { $0.peakThreads } }

    /// Runs `job` on one of the pool's threads, as soon as one is free. Where no
    /// thread can be started and none runs, `job` runs on the caller's thread:
    /// late, never lost.
    package func submit(_ job: @escaping @Sendable () -> Void) {
        enum Next { case signal, startThread, queued }
        let next = state.withLock { state -> Next in
            state.jobs.append(job)
            if state.idle > 0 {
                state.idle -= 1
                return .signal
            }
            guard state.threads < width else { return .queued }
            state.threads += 1
            state.peakThreads = max(state.peakThreads, state.threads)
            return .startThread
        }
        switch next {
        case .signal: wakeUp.signal()
        case .queued: break
        case .startThread:
            guard !threadStarter({ [self] in work() }) else { return }
            let alone = state.withLock { state -> Bool in
                state.threads -= 1
                return state.threads == 0
            }
            if alone, let job = take() { job() }
        }
    }

    /// The next job, or nil (and one more idle thread, when `idling`).
    private func take(idling: Bool = false) -> (@Sendable () -> Void)? {
        state.withLock { state in
            guard state.head < state.jobs.count else {
                if idling { state.idle += 1 }
                return nil
            }
            let job = state.jobs[state.head]
            state.head += 1
            if state.head > 64 && state.head * 2 > state.jobs.count {
                state.jobs.removeFirst(state.head)
                state.head = 0
            }
            return job
        }
    }

    private func work() {
        while true {
            if let job = take(idling: true) {
                job()
            } else {
                wakeUp.wait()
            }
        }
    }

    /// Starts a detached thread running `body`; false when the system refused one.
    package static func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(ThreadBody(body))
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, box.toOpaque())
        guard started == 0 else {
            box.release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    private final class ThreadBody {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
