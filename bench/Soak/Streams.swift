// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import Synchronization

/// A set-once flag.
final class Latch: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// `events()` loops as a Hypha server runs them: one for a while on a shared event,
/// and one per connected client on its messages, kept to the end across every end
/// of a loop (`break`, a throw, cancellation, `stop()`, a crash) and every restart.
struct Streams: Sendable {
    let fleet: Fleet
    let ledger: Ledger
    let watchdog: Watchdog
    let finished: Latch

    private struct LoopLeft: Error {}

    /// How long a loop's body takes for one event: mostly at once, at times a
    /// little while, rarely longer than `max.poll.interval.ms` (no handler timeout
    /// applies to a loop: it holds its partition for as long as it takes).
    private func take(_ event: BusEvent, logical: String) async {
        guard case .text(let payload)? = event.payload else { return }
        var random = SeededRandom(seed: fleet.plan.seed, stream: "take/\(logical)/\(payload)")
        let roll = random.unit()
        if roll < 0.005 {
            try? await Task.sleep(for: .milliseconds(random.int(HandlerProfile.pastPollInterval)))
        } else if roll < 0.2 {
            try? await Task.sleep(for: .milliseconds(random.int(20...300)))
        }
    }

    /// The loop itself: takes events until `leave` says so after one (then `break`s
    /// or throws, as `end` says), or the sequence ends.
    private func body(
        _ member: Fleet.Member, _ name: String, registration: Int, logical: String, end: StreamEnd?,
        leave: @escaping @Sendable (Int) -> Bool
    ) -> @Sendable () async -> Void {
        { [ledger] in
            var taken = 0
            do {
                for try await event in member.bus.events(name) {
                    ledger.call(registration, event)
                    taken += 1
                    await take(event, logical: logical)
                    guard let end, end != .cancelled, leave(taken) else { continue }
                    ledger.removing(registration)
                    if end == .breaks { break }
                    throw LoopLeft()
                }
                ledger.count("loops ended")
            } catch is LoopLeft {
                ledger.count("loops left by a throw")
            } catch {
                ledger.count("loops ended by a failure")
            }
            ledger.removed(registration, by: "loop ended")
        }
    }

    /// One loop on a shared event: it takes events for `hold` seconds, then leaves as `end` says.
    func transient(_ server: Int, _ name: String, hold: Double, end: StreamEnd) async {
        guard let member = fleet.current(server) else { return ledger.count("steps skipped") }
        let registration = ledger.register(instance: member.instance, server: server, event: name, kind: .stream)
        let logical = ledger.logical(registration)
        let deadline = ContinuousClock.now + .seconds(hold)
        let loop = fleet.loop(
            on: member,
            body(member, name, registration: registration, logical: logical, end: end) { _ in
                ContinuousClock.now >= deadline
            })
        // A loop that meets no event after its time is cancelled.
        await leave(
            loop, registration: registration, member: member, at: end == .cancelled ? deadline : deadline + .seconds(3))
    }

    /// Cancels the loop at `deadline` unless it ended before (nil: waits until it ends).
    private func leave(
        _ loop: Fleet.Loop, registration: Int, member: Fleet.Member, at deadline: ContinuousClock.Instant?
    )
        async
    {
        if let deadline {
            while !loop.done.isSet && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            if !loop.done.isSet {
                ledger.removing(registration)
                loop.task.cancel()
                // The loop's `next()` returns at once; its body may still be inside an event.
                await watchdog.run("leave loop", bus: member.label, bound: .seconds(10)) { await loop.task.value }
            }
        }
        await loop.task.value
    }

    /// A client's loop, again and again on its server's current bus until the run is over.
    func client(_ server: Int, _ name: String) async {
        let logical = "S/\(Plan.serverID(server))/\(name)"
        ledger.slotOpened(logical, server: server, name: name)
        var index = 0
        while !finished.isSet {
            guard let member = fleet.current(server) else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            var random = SeededRandom(seed: fleet.plan.seed, stream: "loop/\(logical)/\(index)")
            index += 1
            let end = random.weighted([(3, StreamEnd?.none), (2, .breaks), (1, .throwsError), (1, .cancelled)])
            let (takes, hold) = (random.int(1...30), random.seconds(1...8))
            let registration = ledger.register(
                instance: member.instance, server: server, event: name, kind: .stream, logical: logical)
            // Until its first loop is known to read, no loop leaves by itself.
            let known = Latch()
            if ledger.slotSince(logical) != nil { known.set() }
            let loop = fleet.loop(
                on: member,
                body(member, name, registration: registration, logical: logical, end: end) { taken in
                    known.isSet && taken >= takes
                })
            if !known.isSet {
                await probe(server, name, logical: logical, loop: loop, on: member)
                known.set()
            }
            await leave(
                loop, registration: registration, member: member, at: end == .cancelled ? .now + .seconds(hold) : nil)
        }
    }

    /// When the loop's handler is registered (it alone reads `name` on its bus), an
    /// `on` of the name returns once the bus reads the topic: from then on the loop
    /// reads every event of it, and the client's messages are due. Only while the
    /// bus runs: on a bus whose `stop()` has begun, `on` only registers (for a next
    /// `start()` of that bus) and returns at once, so nothing is due yet.
    private func probe(_ server: Int, _ name: String, logical: String, loop: Fleet.Loop, on member: Fleet.Member)
        async
    {
        let deadline = ContinuousClock.now + .seconds(5)
        while member.bus.handlerCount(name) == 0 {
            guard ContinuousClock.now < deadline, !loop.done.isSet else { return }
            try? await Task.sleep(for: .milliseconds(5))
        }
        guard let added = await fleet.add(.transient, name, server: server, on: member, profile: .quick) else { return }
        if member.bus.handlerCount(name) == 2 && member.bus.isRunning { ledger.slotReading(logical) }
        await fleet.remove(name, added, on: member)
    }
}
