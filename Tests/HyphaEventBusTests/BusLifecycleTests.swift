// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HyphaEventBus

/// The bus's lifecycle decisions as plain values: a connection is a name, a
/// `run()` waiting for a fatal error a number.
@Suite("event bus lifecycle, without a broker")
struct BusLifecycleTests {
    typealias Lifecycle = BusLifecycle<String, Int>

    /// The five states, each reached through the calls a bus makes.
    enum Phase: String, CaseIterable, CustomTestStringConvertible {
        case idle, starting, running, stopping, stopped
        var testDescription: String { rawValue }

        func lifecycle() -> Lifecycle {
            var lifecycle = Lifecycle(serverID: "s1")
            guard self != .idle else { return lifecycle }
            _ = lifecycle.start()
            guard self != .starting else { return lifecycle }
            lifecycle.connected("first")
            guard self != .running else { return lifecycle }
            _ = lifecycle.stop()
            guard self != .stopping else { return lifecycle }
            lifecycle.stopFinished()
            return lifecycle
        }
    }

    static func phase(_ lifecycle: Lifecycle) -> Phase {
        switch lifecycle.state {
        case .idle: .idle
        case .starting: .starting
        case .running: .running
        case .stopping: .stopping
        case .stopped: .stopped
        }
    }

    @Test("each phase is reached as named", arguments: Phase.allCases)
    func phases(_ phase: Phase) {
        let lifecycle = phase.lifecycle()
        #expect(Self.phase(lifecycle) == phase)
        #expect(lifecycle.isRunning == (phase == .running))
        #expect(lifecycle.connection == (phase == .running ? "first" : nil))
    }

    // MARK: - start

    @Test("start connects from idle and from stopped", arguments: [Phase.idle, .stopped])
    func startConnects(_ phase: Phase) {
        var lifecycle = phase.lifecycle()
        guard case .connect = lifecycle.start() else {
            Issue.record("start from \(phase) did not connect")
            return
        }
        #expect(Self.phase(lifecycle) == .starting)
        lifecycle.connected("second")
        #expect(lifecycle.connection == "second")
    }

    @Test("start on a bus starting, running or stopping is .wrongState and changes nothing")
    func startTwice() {
        let reasons: [Phase: String] = [
            .starting: "the event bus s1 was already started",
            .running: "the event bus s1 was already started",
            .stopping: "the event bus s1 is stopping",
        ]
        for (phase, reason) in reasons {
            var lifecycle = phase.lifecycle()
            guard case .fail(let failure) = lifecycle.start() else {
                Issue.record("start while \(phase) was allowed")
                continue
            }
            #expect(failure.kind == .wrongState)
            #expect(failure.reason == reason)
            #expect(Self.phase(lifecycle) == phase)
        }
    }

    @Test("a failed start goes back where it came from", arguments: [Phase.idle, .stopped])
    func startFails(_ phase: Phase) {
        var lifecycle = phase.lifecycle()
        _ = lifecycle.start()
        lifecycle.startFailed()
        #expect(Self.phase(lifecycle) == phase)
        #expect(!lifecycle.isRunning)
    }

    // MARK: - stop

    @Test("stop tears the running connection down, once")
    func stopRunning() {
        var lifecycle = Phase.running.lifecycle()
        guard case .tearDown(let connection) = lifecycle.stop() else {
            Issue.record("stop of a running bus did not tear down")
            return
        }
        #expect(connection == "first")
        #expect(Self.phase(lifecycle) == .stopping)
        guard case .none = lifecycle.stop() else {
            Issue.record("a second stop tore down again")
            return
        }
        lifecycle.stopFinished()
        #expect(Self.phase(lifecycle) == .stopped)
    }

    @Test("stop of a bus not running does nothing", arguments: [Phase.idle, .starting, .stopping, .stopped])
    func stopNotRunning(_ phase: Phase) {
        var lifecycle = phase.lifecycle()
        guard case .none = lifecycle.stop() else {
            Issue.record("stop while \(phase) tore down")
            return
        }
        #expect(Self.phase(lifecycle) == phase)
    }

    @Test("a dropped bus hands over its connection only when running", arguments: Phase.allCases)
    func dropped(_ phase: Phase) {
        var lifecycle = phase.lifecycle()
        let handedOver = lifecycle.dropped()
        #expect(handedOver == (phase == .running ? "first" : nil))
        #expect(!lifecycle.isRunning)
    }

    // MARK: - emit, waitFor, on

    @Test(
        "emit and waitFor are served only by a running bus, else .wrongState",
        arguments: Phase.allCases, ["emit ping", "waitFor pong"])
    func serve(_ phase: Phase, _ call: String) {
        switch phase.lifecycle().serve(call) {
        case .serve(let connection):
            #expect(phase == .running)
            #expect(connection == "first")
        case .fail(let failure):
            #expect(phase != .running)
            #expect(failure.kind == .wrongState)
            #expect(failure.reason == "\(call): the event bus s1 is not running")
        }
    }

    @Test("on registers in every phase and waits for the topic only on a running bus", arguments: Phase.allCases)
    func subscribe(_ phase: Phase) {
        switch phase.lifecycle().subscribe() {
        case .registerAndAwait(let connection):
            #expect(phase == .running)
            #expect(connection == "first")
        case .registerOnly:
            #expect(phase != .running)
        }
    }

    // MARK: - Fatal errors

    @Test("a fatal error resumes the parked waiters, in order; only the first counts")
    func fatal() {
        var lifecycle = Phase.running.lifecycle()
        let first = lifecycle.makeFatalWaitKey()
        let second = lifecycle.makeFatalWaitKey()
        #expect(first != second)
        guard case .parked = lifecycle.awaitFatal(second, 2, cancelled: false),
            case .parked = lifecycle.awaitFatal(first, 1, cancelled: false)
        else {
            Issue.record("a wait on a healthy bus did not park")
            return
        }
        let resumed = lifecycle.failedFatally(KafkaFailure(.client, "boom"))
        #expect(resumed == [1, 2])
        #expect(lifecycle.fatal?.reason == "boom")
        let resumedAgain = lifecycle.failedFatally(KafkaFailure(.client, "again"))
        #expect(resumedAgain == nil)
        #expect(lifecycle.fatal?.reason == "boom")
        let stillParked = lifecycle.cancelFatalWait(first)
        #expect(stillParked == nil)
    }

    @Test("a wait after the fatal error, or already cancelled, resumes at once")
    func fatalAtOnce() {
        var lifecycle = Phase.running.lifecycle()
        guard case .resume(.none) = lifecycle.awaitFatal(lifecycle.makeFatalWaitKey(), 1, cancelled: true) else {
            Issue.record("a cancelled wait parked")
            return
        }
        _ = lifecycle.failedFatally(KafkaFailure(.client, "boom"))
        guard case .resume(let fatal?) = lifecycle.awaitFatal(lifecycle.makeFatalWaitKey(), 2, cancelled: true)
        else {
            Issue.record("a wait after the fatal error parked")
            return
        }
        #expect(fatal.reason == "boom")
    }

    @Test("a cancelled wait is handed back once, and the fatal error then skips it")
    func fatalCancelled() {
        var lifecycle = Phase.running.lifecycle()
        let key = lifecycle.makeFatalWaitKey()
        _ = lifecycle.awaitFatal(key, 7, cancelled: false)
        let handedBack = lifecycle.cancelFatalWait(key)
        #expect(handedBack == 7)
        let handedBackAgain = lifecycle.cancelFatalWait(key)
        #expect(handedBackAgain == nil)
        let resumed = lifecycle.failedFatally(KafkaFailure(.client, "boom"))
        #expect(resumed == [])
    }

    @Test("the fatal error outlives stop() and is cleared by the next start")
    func fatalUntilRestart() {
        var lifecycle = Phase.running.lifecycle()
        _ = lifecycle.failedFatally(KafkaFailure(.client, "boom"))
        _ = lifecycle.stop()
        lifecycle.stopFinished()
        #expect(lifecycle.fatal?.reason == "boom")
        _ = lifecycle.start()
        #expect(lifecycle.fatal?.reason == "boom")
        lifecycle.connected("second")
        #expect(lifecycle.fatal == nil)
    }
}
