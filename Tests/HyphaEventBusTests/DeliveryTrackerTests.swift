// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import RDKafka
import RDKafkaMock
import Testing

@testable import HyphaEventBus

/// The event bus's sender on librdkafka's in-process mock cluster (no broker needed).
@Suite("one reader of delivery reports")
struct DeliveryTrackerTests {
    /// A mock cluster with one topic, and a tracker over a producer for it (the cluster
    /// is returned too: it must live as long as the tracker).
    private static func tracker(
        topic: String, timeout: Duration = .seconds(10)
    ) throws -> (MockKafkaCluster, RDKafkaProducer, DeliveryTracker) {
        let cluster = try MockKafkaCluster(brokers: 1)
        try cluster.createTopic(topic, partitions: 2)
        let producer = try RDKafkaProducer(
            settings: KafkaClientSettings(bootstrapServers: cluster.bootstrapServers, timeout: timeout))
        return (cluster, producer, DeliveryTracker.start(producer: LentHandle(producer)))
    }

    @Test("a failure path that reads the client's events meanwhile takes no delivery report away from its sender")
    func failurePathsLeaveReports() async throws {
        let (cluster, producer, tracker) = try Self.tracker(topic: "hypha_event_reports")
        defer { withExtendedLifetime(cluster) {} }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for index in 0..<300 {
                group.addTask {
                    let outcome = await tracker.send(
                        topic: "hypha_event_reports", key: Array("s:reports".utf8), value: Array("\(index)".utf8),
                        waitAtMost: .seconds(20))
                    if case .delivered = outcome { return "delivered" }
                    return "\(outcome)"
                }
            }
            // What every failure path does: describe the failure, reading the client's latest events.
            group.addTask {
                for _ in 0..<100 {
                    _ = producer.client.unreachable(while: "a failing admin call")
                    try? await Task.sleep(for: .microseconds(200))
                }
                return "delivered"
            }
            var outcomes: [String: Int] = [:]
            for await outcome in group { outcomes[outcome, default: 0] += 1 }
            return outcomes
        }
        #expect(outcomes == ["delivered": 301], "\(outcomes)")
        await tracker.close()
    }

    @Test("a send after close is refused at once; close waits for what was sent")
    func closeRefusesLateSends() async throws {
        let (cluster, _, tracker) = try Self.tracker(topic: "hypha_event_late")
        defer { withExtendedLifetime(cluster) {} }
        let sent = await tracker.send(
            topic: "hypha_event_late", key: Array("s:late".utf8), value: [0x31], waitAtMost: .seconds(20))
        guard case .delivered = sent else {
            Issue.record("not delivered: \(sent)")
            return
        }
        await tracker.close()
        let late = await tracker.send(
            topic: "hypha_event_late", key: Array("s:late".utf8), value: [0x32], waitAtMost: .seconds(20))
        guard case .closed = late else {
            Issue.record("a send after close: \(late)")
            return
        }
    }

    @Test("a report that never comes fails its send at the send's own deadline")
    func deadline() async throws {
        let (cluster, _, tracker) = try Self.tracker(topic: "hypha_event_silent", timeout: .seconds(60))
        cluster.takeDown()
        let outcome = await tracker.send(
            topic: "hypha_event_silent", key: Array("s:silent".utf8), value: [0x31], waitAtMost: .seconds(1))
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        // The send's own bound ended it, not the message timeout (60 s) of librdkafka.
        #expect(reason.contains("no acknowledgement within 1"), "\(reason)")
        cluster.bringUp()
        await tracker.close()
    }
}
