// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// The answer to a scrape: a fresh reading of Kafka, or the last answer when it
/// is younger than the minimum interval.
///
/// At most one reading runs at a time: scrapes that arrive while one runs wait
/// for it. A scrape waits at most `timeout` for the reading; past that it gets
/// `hyphactl_exporter_up 0` and the reading counts as an error (once, however
/// many scrapes waited for it). A reading that finishes late still becomes the
/// cached answer. Time is `C`'s: a `ContinuousClock` when serving, one the test
/// moves by hand in the tests.
package final class MetricsCache<C: Clock>: Sendable where C.Duration == Duration {
    /// Reads the bus; throws when Kafka cannot be read.
    package typealias Read = @Sendable () async throws -> BusReading

    private let minInterval: Duration
    private let timeout: Duration
    private let read: Read
    private let clock: C
    private let state = Mutex(State())

    /// What a scrape does: take the cached answer, or wait for a reading (starting it).
    private enum Step {
        case cached([UInt8])
        case wait(reading: Int, start: Bool)
    }

    /// How a scrape's wait began.
    private enum Registration {
        case waiting
        case done([UInt8])
        case cancelled
    }

    private struct State {
        /// The last answer and when it was made.
        var answer: (bytes: [UInt8], at: C.Instant)?
        /// The number of the reading under way, if any.
        var reading: Int?
        /// Scrapes waiting for the reading under way.
        var waiters: [Int: CheckedContinuation<[UInt8], Never>] = [:]
        var nextWaiter = 0
        var readings = 0
        /// The number of the last reading counted as an error (one reading counts once).
        var lastFailed = -1
        var errors = 0
    }

    /// A cache that reads at most once per `minInterval` and answers within `timeout`.
    package init(minInterval: Duration, timeout: Duration, clock: C, read: @escaping Read) {
        self.clock = clock
        self.minInterval = minInterval
        self.timeout = timeout
        self.read = read
    }

    /// How many readings failed or ran past the timeout so far.
    package var errors: Int { state.withLock { $0.errors } }

    /// The last answer made, if any (without making one).
    package var lastAnswer: [UInt8]? { state.withLock { $0.answer?.bytes } }

    /// How many scrapes wait for the reading under way.
    package var waitingScrapes: Int { state.withLock { $0.waiters.count } }

    /// The metrics in Prometheus' text format: never throws, never waits much
    /// longer than `timeout`, and returns at once when its task is cancelled.
    package func exposition() async -> [UInt8] {
        let now = clock.now
        let step = state.withLock { state -> Step in
            if let answer = state.answer, answer.at.duration(to: now) < minInterval { return .cached(answer.bytes) }
            if let reading = state.reading { return .wait(reading: reading, start: false) }
            state.readings += 1
            state.reading = state.readings
            return .wait(reading: state.readings, start: true)
        }
        switch step {
        case .cached(let bytes):
            return bytes
        case .wait(let number, let start):
            if start { startReading(number) }
            return await waitForReading(number)
        }
    }

    /// Runs reading `number` in a task of its own, which may outlive the scrapes that wait for it.
    private func startReading(_ number: Int) {
        Task {
            let started = clock.now
            let reading: BusReading?
            do { reading = try await read() } catch { reading = nil }
            let seconds = started.duration(to: clock.now).seconds
            let (bytes, waiters) = state.withLock { state in
                if reading == nil { countFailure(number, in: &state) }
                let bytes = ExporterMetrics.exposition(
                    reading,
                    health: ExporterHealth(up: reading != nil, scrapeErrors: state.errors, scrapeSeconds: seconds))
                state.answer = (bytes, clock.now)
                state.reading = nil
                defer { state.waiters = [:] }
                return (bytes, Array(state.waiters.values))
            }
            for waiter in waiters { waiter.resume(returning: bytes) }
        }
    }

    /// The answer of reading `number`, or the failure answer once `timeout` has
    /// passed or the caller's task is cancelled.
    private func waitForReading(_ number: Int) async -> [UInt8] {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        // The deadline counts from now, however late the timer's task starts.
        let deadline = clock.now.advanced(by: timeout)
        let timer = TimerSlot()
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let registration = state.withLock { state -> Registration in
                    // The reading may have finished before this scrape came to wait for it.
                    guard state.reading == number else { return .done(state.answer?.bytes ?? []) }
                    // Checked under the lock that the cancellation handler takes too.
                    if Task.isCancelled { return .cancelled }
                    state.waiters[id] = continuation
                    return .waiting
                }
                switch registration {
                case .done(let bytes): continuation.resume(returning: bytes)
                case .cancelled: continuation.resume(returning: failureAnswer(reading: number))
                case .waiting:
                    timer.set(
                        Task {
                            try? await clock.sleep(until: deadline, tolerance: nil)
                            guard !Task.isCancelled else { return }
                            timedOut(waiter: id, reading: number)
                        })
                }
            }
        } onCancel: {
            timedOut(waiter: id, reading: number)
        }
    }

    /// The answer of a reading that failed, counted as an error; later scrapes
    /// within the interval get it too, without a new reading.
    private func failureAnswer(reading number: Int) -> [UInt8] {
        state.withLock { state in failureAnswer(reading: number, in: &state) }
    }

    private func failureAnswer(reading number: Int, in state: inout State) -> [UInt8] {
        countFailure(number, in: &state)
        let bytes = ExporterMetrics.exposition(
            nil, health: ExporterHealth(up: false, scrapeErrors: state.errors, scrapeSeconds: nil))
        state.answer = (bytes, clock.now)
        return bytes
    }

    /// Answers waiter `id`, if it still waits, with the failure answer.
    private func timedOut(waiter id: Int, reading number: Int) {
        let answer = state.withLock { state -> (CheckedContinuation<[UInt8], Never>, [UInt8])? in
            guard let waiter = state.waiters.removeValue(forKey: id) else { return nil }
            return (waiter, failureAnswer(reading: number, in: &state))
        }
        if let (waiter, bytes) = answer { waiter.resume(returning: bytes) }
    }

    private func countFailure(_ number: Int, in state: inout State) {
        guard state.lastFailed != number else { return }
        state.lastFailed = number
        state.errors += 1
    }
}

/// The timer of one waiting scrape, set once it waits and cancelled when it is answered.
private final class TimerSlot: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func set(_ timer: Task<Void, Never>) { task.withLock { $0 = timer } }
    func cancel() { task.withLock { $0 }?.cancel() }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
