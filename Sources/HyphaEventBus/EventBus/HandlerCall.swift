// SPDX-License-Identifier: Apache-2.0
import RDKafka
import Synchronization

/// One call of a handler, raced against the handler timeout.
enum HandlerCall {
    enum Outcome {
        case finished
        case failed(any Error)
        case timedOut
        /// The handler never had the event (an `events()` loop ended first).
        case abandoned
    }

    /// What an `events()` loop's handler throws when its loop ended before taking the event.
    struct NotTaken: Error {}

    /// The handler whose call the current task runs in (tasks it starts inherit
    /// it), so that `off` from inside a handler does not wait for itself.
    @TaskLocal static var current: HandlerID?

    /// Runs the handler, waiting for it at most `timeout` (nil: as long as it
    /// takes); a handler past it is left running (never cancelled) and the
    /// caller moves on. The timer ends with the call.
    static func run(_ entry: HandlerEntry, _ event: BusEvent, timeout: Duration?) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let race = Race(continuation)
            if let timeout {
                race.setTimer(
                    Task {
                        try? await Task.sleep(for: timeout)
                        if !Task.isCancelled { race.finish(.timedOut) }
                    })
            }
            $current.withValue(entry.id) {
                Task {
                    do {
                        try await entry.handler(event)
                        race.finish(.finished)
                    } catch is NotTaken {
                        race.finish(.abandoned)
                    } catch {
                        race.finish(.failed(error))
                    }
                }
            }
        }
    }

    /// The first of the handler and its timer to finish resumes the caller, and
    /// the timer goes with the call.
    private final class Race: Sendable {
        private let state: Mutex<(continuation: CheckedContinuation<Outcome, Never>?, timer: Task<Void, Never>?)>

        init(_ continuation: CheckedContinuation<Outcome, Never>) {
            state = Mutex((continuation, nil))
        }

        func setTimer(_ timer: Task<Void, Never>) {
            state.withLock { $0.timer = timer }
        }

        func finish(_ outcome: Outcome) {
            let (continuation, timer) = state.withLock { state in
                defer { state = (nil, nil) }
                return state
            }
            timer?.cancel()
            continuation?.resume(returning: outcome)
        }
    }
}

/// Runs async bodies one at a time, in the order they arrive (start and stop).
final class SerialGate: Sendable {
    private let state = Mutex<(busy: Bool, queued: [CheckedContinuation<Void, Never>])>((false, []))

    func serialize<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let enter = state.withLock { state -> Bool in
                guard state.busy else {
                    state.busy = true
                    return true
                }
                state.queued.append(continuation)
                return false
            }
            if enter { continuation.resume() }
        }
        defer {
            let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard !state.queued.isEmpty else {
                    state.busy = false
                    return nil
                }
                return state.queued.removeFirst()
            }
            next?.resume()
        }
        return try await body()
    }
}

/// The librdkafka handles and tasks of one run of a bus, let go together.
final class Handles: Sendable {
    private let reclaimers = Mutex<[@Sendable () -> (any AnyObject & Sendable)?]>([])
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// Keeps a lent handle, to take back and destroy in `releaseAll`.
    func keep<Handle: AnyObject & Sendable>(_ lent: LentHandle<Handle>) {
        reclaimers.withLock { $0.append { lent.reclaim() } }
    }

    func keepTask(_ task: Task<Void, Never>) { tasks.withLock { $0.append(task) } }
    func cancelTasks() { tasks.withLock { $0.forEach { $0.cancel() } } }

    func awaitTasks() async {
        for task in tasks.withLock({ $0 }) { await task.value }
    }

    /// Takes every handle back, waiting for the loans under way, and drops it
    /// (blocking: destroying a handle waits for its threads): the last
    /// reference to each goes here, in the reverse order of keeping.
    func releaseAll() {
        let all = reclaimers.withLock { reclaimers in
            defer { reclaimers.removeAll() }
            return reclaimers
        }
        for reclaim in all.reversed() { _ = reclaim() }
    }
}
