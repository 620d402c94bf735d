// SPDX-License-Identifier: Apache-2.0
/// Where a bus is in its life, and what each call may do there: a plain value
/// kept behind the bus's lock. Every mutating method takes what was asked or
/// what happened and returns what the bus is to do; the bus does it outside
/// the lock (librdkafka's calls, resuming waiters, starting tasks).
///
/// idle → starting → running → stopping → stopped → starting → …; a start that
/// fails goes back where it came from. `start()` and `stop()` run one at a time
/// (the bus's `SerialGate`), so neither meets `starting` or `stopping`; the
/// other calls may meet any state.
///
/// Generic over what a running bus holds and what waits for a fatal error, so
/// that its decisions are tested without librdkafka.
struct BusLifecycle<Connection, FatalWaiter> {
    enum State {
        /// Made, never started.
        case idle
        /// `start()` is connecting; `wasStopped` says where a failure goes back to.
        case starting(wasStopped: Bool)
        case running(Connection)
        /// `stop()` is tearing the connection down.
        case stopping
        case stopped
    }

    let serverID: String
    private(set) var state = State.idle
    /// What ended the current run (kept after it, until the next start).
    private(set) var fatal: KafkaFailure?
    private var fatalWaiters: [UInt64: FatalWaiter] = [:]
    private var nextFatalWaiter: UInt64 = 0

    init(serverID: String) {
        self.serverID = serverID
    }

    /// The running bus's connection; nil in every other state.
    var connection: Connection? {
        guard case .running(let connection) = state else { return nil }
        return connection
    }

    var isRunning: Bool { connection != nil }

    // MARK: - start and stop

    enum StartAction {
        /// Connect, then report `connected` or `startFailed`.
        case connect
        case fail(KafkaFailure)
    }

    mutating func start() -> StartAction {
        switch state {
        case .idle, .stopped:
            state = .starting(wasStopped: isStopped)
            return .connect
        case .running, .starting:
            return .fail(KafkaFailure(.wrongState, "the event bus \(serverID) was already started"))
        case .stopping:
            return .fail(KafkaFailure(.wrongState, "the event bus \(serverID) is stopping"))
        }
    }

    private var isStopped: Bool {
        guard case .stopped = state else { return false }
        return true
    }

    /// The connection is made: the bus runs, with no fatal error yet.
    mutating func connected(_ connection: Connection) {
        guard case .starting = state else { preconditionFailure("connected while \(state)") }
        state = .running(connection)
        fatal = nil
    }

    /// Connecting failed: back to idle, or stopped.
    mutating func startFailed() {
        guard case .starting(let wasStopped) = state else { preconditionFailure("startFailed while \(state)") }
        state = wasStopped ? .stopped : .idle
    }

    enum StopAction {
        /// Tear this connection down, then report `stopFinished`.
        case tearDown(Connection)
        /// Not running: nothing to undo.
        case none
    }

    mutating func stop() -> StopAction {
        guard case .running(let connection) = state else { return .none }
        state = .stopping
        return .tearDown(connection)
    }

    mutating func stopFinished() {
        guard case .stopping = state else { preconditionFailure("stopFinished while \(state)") }
        state = .stopped
    }

    /// The bus is being freed: a running connection is torn down by whoever
    /// takes it (in any other state no connection is left to undo, for `start()`
    /// and `stop()` hold the bus while they run).
    mutating func dropped() -> Connection? {
        guard case .running(let connection) = state else { return nil }
        state = .stopped
        return connection
    }

    // MARK: - The calls a running bus serves

    enum ServeAction {
        case serve(Connection)
        case fail(KafkaFailure)
    }

    /// `emit` and `waitFor` (`call` names the call and its event: "emit ping"):
    /// served by a running bus only. A stopping one is flushing its producer and
    /// ending its waiters, so there too they fail with `.wrongState`.
    func serve(_ call: String) -> ServeAction {
        guard let connection else {
            return .fail(KafkaFailure(.wrongState, "\(call): the event bus \(serverID) is not running"))
        }
        return .serve(connection)
    }

    enum SubscribeAction {
        /// Register, then return once the connection reads the event's topic.
        case registerAndAwait(Connection)
        /// Register only: the next `start()` reads the event's topic (a stopping
        /// bus's connection is already letting every topic go).
        case registerOnly
    }

    /// `on`, `once`, `events()`: registered in every state, awaited only on a running bus.
    func subscribe() -> SubscribeAction {
        guard let connection else { return .registerOnly }
        return .registerAndAwait(connection)
    }

    // MARK: - Fatal errors

    /// The consumer met a fatal error; returns the `run()` calls to resume with
    /// it, or nil when this run already had one (only the first counts).
    mutating func failedFatally(_ failure: KafkaFailure) -> [FatalWaiter]? {
        guard fatal == nil else { return nil }
        fatal = failure
        defer { fatalWaiters.removeAll() }
        return fatalWaiters.keys.sorted().compactMap { fatalWaiters[$0] }
    }

    /// A key for one wait for a fatal error.
    mutating func makeFatalWaitKey() -> UInt64 {
        nextFatalWaiter += 1
        return nextFatalWaiter
    }

    enum AwaitFatalAction {
        /// Resume at once with this (nil: the wait was cancelled).
        case resume(KafkaFailure?)
        /// Parked until `failedFatally` or `cancelFatalWait`.
        case parked
    }

    mutating func awaitFatal(_ key: UInt64, _ waiter: FatalWaiter, cancelled: Bool) -> AwaitFatalAction {
        if let fatal { return .resume(fatal) }
        if cancelled { return .resume(nil) }
        fatalWaiters[key] = waiter
        return .parked
    }

    /// The wait was cancelled: the waiter to resume, when it was still parked.
    mutating func cancelFatalWait(_ key: UInt64) -> FatalWaiter? {
        fatalWaiters.removeValue(forKey: key)
    }
}
