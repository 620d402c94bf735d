// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Foundation
import HyphaEventBus
import HyphaWire
import RDKafkaAdmin
import Synchronization

/// Round trips through the bus: join it with a short-lived server id, emit probe
/// events and time each one until it comes back from Kafka.
public enum BusProbe {
    /// The event name probes travel under.
    public static let event = "hyphactl-probe"

    /// Whether a server id is a probe's (`hyphactl-probe-…`). A probe deletes its
    /// group and health topic when it ends; one that was killed cannot, so a
    /// listing of servers or groups should leave probes out by this rule.
    public static func isProbe(serverID: String) -> Bool { serverID.hasPrefix(serverIDPrefix) }

    private static let serverIDPrefix = "hyphactl-probe-"

    /// What a probe run measured.
    public struct Result: Sendable {
        /// The server id the probe joined as.
        public let serverID: String
        /// Round-trip times of the probes that came back, in the order sent.
        public let roundTrips: [Duration]
        /// Probes sent.
        public let sent: Int

        /// The round trip at quantile `q` (0…1), nearest rank.
        public func quantile(_ q: Double) -> Duration? {
            let sorted = roundTrips.sorted()
            guard !sorted.isEmpty else { return nil }
            let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(rank, 0), sorted.count - 1)]
        }
    }

    /// Deletes what the probe's server leaves on the cluster once its bus stopped,
    /// which would make it look like a departed server (`servers`, `groups list`):
    /// its consumer group, and its health topic, again if a late metadata request
    /// from the closing clients let the broker's auto-create bring it back. Best
    /// effort: a failure is only logged.
    private static func removeTraces(of serverID: String, settings: KafkaClientSettings) async {
        let admin: KafkaAdmin
        do {
            admin = try KafkaAdmin(settings: settings)
        } catch {
            settings.logger.debug("probe: could not clean up after server \(serverID): \(error)")
            return
        }
        let group = HyphaGroup.forServer(serverID)
        // A broker may still count the member that just left (Kafka refuses to
        // delete a group that is not empty yet): a few tries.
        for attempt in 1...5 {
            do throws(KafkaFailure) {
                try await admin.deleteGroups([group])
                break
            } catch {
                settings.logger.debug("probe: could not delete its group \(group) (try \(attempt)): \(error)")
                if error.kind == .unreachable { return } // the topic would wait out the timeout as well
                guard error.kind == .refused, attempt < 5 else { break }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        let topic = HyphaTopic.healthCheck(serverID: serverID)
        do {
            for _ in 0..<3 {
                try await admin.deleteTopics([topic])
                try? await Task.sleep(for: .milliseconds(500))
                guard try await admin.topicNames().contains(topic) else { return }
            }
        } catch {
            settings.logger.debug("probe: could not delete its health topic \(topic): \(error)")
        }
    }

    /// Sends `count` probes one after another, each waiting up to `timeout` to come
    /// back. Throws `.unreachable` when one does not.
    public static func run(
        settings: KafkaClientSettings, count: Int, timeout: Duration, metricsFactory: (any MetricsFactory)? = nil
    ) async throws(KafkaFailure) -> Result {
        let serverID = serverIDPrefix + UUID().uuidString.prefix(8).lowercased()
        // A short-lived member: join and leave fast (the caller's -X still wins).
        var kafka = settings
        kafka.properties =
            [
                KafkaProperty(name: "session.timeout.ms", value: "6000"),
                KafkaProperty(name: "max.poll.interval.ms", value: "6000"),
                KafkaProperty(name: "heartbeat.interval.ms", value: "1000"),
            ] + settings.properties
        let bus = KafkaEventBus(
            configuration: EventBusConfiguration(kafka: kafka, serverID: serverID), metricsFactory: metricsFactory)
        let arrivals = ProbeArrivals()
        var roundTrips: [Duration] = []
        var started = false
        do throws(KafkaFailure) {
            try await bus.start()
            started = true
            // Only this probe's own events: other probes may run on the same bus.
            do {
                try await bus.on(event) { received in
                    guard case .json(.object(let fields))? = received.payload,
                        fields.first(where: { $0.0 == "server" })?.1 == .string(serverID),
                        case .number(let text)? = fields.first(where: { $0.0 == "probe" })?.1,
                        let index = Int(text)
                    else { return }
                    arrivals.record(index, at: .now)
                }
            } catch let failure as KafkaFailure {
                throw failure
            } catch {
                throw KafkaFailure(.unreachable, "probe: cancelled before the bus read \(event)")
            }
            for index in 0..<count {
                let sent = ContinuousClock.now
                try await bus.emit(
                    event, .json(.object([("probe", .number(String(index))), ("server", .string(serverID))])))
                guard let back = await arrivals.wait(for: index, until: sent + timeout) else {
                    throw KafkaFailure(
                        .unreachable,
                        "probe \(index + 1) of \(count) did not come back through Kafka within \(timeout)",
                        hint: "the bus does not carry events: check the broker and its consumer groups")
                }
                roundTrips.append(back - sent)
            }
        } catch {
            await bus.stop()
            if started { await removeTraces(of: serverID, settings: settings) }
            throw error
        }
        await bus.stop()
        await removeTraces(of: serverID, settings: settings)
        return Result(serverID: serverID, roundTrips: roundTrips, sent: count)
    }
}

/// When each probe came back; a waiter and an arrival may come in either order.
private final class ProbeArrivals: Sendable {
    private enum Slot {
        case arrived(ContinuousClock.Instant)
        case waiting(CheckedContinuation<ContinuousClock.Instant?, Never>)
    }

    private let slots = Mutex<[Int: Slot]>([:])

    func record(_ index: Int, at instant: ContinuousClock.Instant) {
        let waiter = slots.withLock { slots -> CheckedContinuation<ContinuousClock.Instant?, Never>? in
            if case .waiting(let continuation)? = slots[index] {
                slots[index] = nil
                return continuation
            }
            if slots[index] == nil { slots[index] = .arrived(instant) }
            return nil
        }
        waiter?.resume(returning: instant)
    }

    func wait(for index: Int, until deadline: ContinuousClock.Instant) async -> ContinuousClock.Instant? {
        await withCheckedContinuation { continuation in
            let arrived = slots.withLock { slots -> ContinuousClock.Instant? in
                if case .arrived(let instant)? = slots[index] {
                    slots[index] = nil
                    return instant
                }
                slots[index] = .waiting(continuation)
                return nil
            }
            if let arrived {
                continuation.resume(returning: arrived)
                return
            }
            Task { [self] in
                try? await Task.sleep(until: deadline)
                let expired = slots.withLock { slots -> CheckedContinuation<ContinuousClock.Instant?, Never>? in
                    guard case .waiting(let waiting)? = slots[index] else { return nil }
                    slots[index] = nil
                    return waiting
                }
                expired?.resume(returning: nil)
            }
        }
    }
}
