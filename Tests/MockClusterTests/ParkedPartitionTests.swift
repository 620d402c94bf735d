// SPDX-License-Identifier: Apache-2.0
import KafkaConnection
import RDKafka
import RDKafkaAdmin
import RDKafkaMock
import Testing

/// A reader's partitions parked after a read (paused, not stopped) and started
/// again, as the lag-time reads of `servers --watch` and the exporter do.
@Suite("parked partitions started again")
struct ParkedPartitionTests {
    @Test("a parked partition starts again from the offset asked, lower or higher; nothing of before comes")
    func startsAgainWhereAsked() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        let partition = TopicPartition(topic: "hypha_event_parked", partition: 0)
        try cluster.createTopic(partition.topic, partitions: 1)
        let settings = KafkaClientSettings(bootstrapServers: cluster.bootstrapServers, timeout: .seconds(20))
        #expect(
            try produceKeyed(20, to: [partition.topic], with: RDKafkaProducer(settings: settings)) == [partition: 20])

        let reader = try RDKafkaPartitionReader(settings: settings, fetchWaitMilliseconds: 10)
        for offset: Int64 in [15, 3, 18, 0, 3] {
            try reader.start([partition: offset])
            #expect(try Self.firstOffset(reader) == offset)
            reader.park([partition])
        }
        // Parked: no fetch brings more, and what was fetched before is dropped.
        var after = 0
        for _ in 0..<5 {
            try reader.read(timeoutMilliseconds: 50) { if case .message = $0 { after += 1 } }
        }
        #expect(after == 0)
        withExtendedLifetime(cluster) {}
    }

    /// The offset of the first message the reader brings.
    private static func firstOffset(_ reader: RDKafkaPartitionReader) throws -> Int64? {
        let deadline = ContinuousClock.now + .seconds(20)
        var first: Int64?
        while first == nil && ContinuousClock.now < deadline {
            try reader.read(timeoutMilliseconds: 100) { item in
                if case .message(let message) = item, first == nil { first = message.offset }
            }
        }
        return first
    }
}
