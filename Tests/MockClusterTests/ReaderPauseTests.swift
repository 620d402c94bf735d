// SPDX-License-Identifier: Apache-2.0
import KafkaConnection
import RDKafka
import RDKafkaAdmin
import Testing

/// A reader pauses what it has read (`pause`), so that fetch requests carry only
/// the partitions still wanted; librdkafka keeps a pause across a stop.
@Suite("a reader's paused partitions")
struct ReaderPauseTests {
    @Test("a partition paused and stopped by one read is fetched again by the next")
    func pausedThenStartedAgain() throws {
        let topic = "hypha_event_paused"
        let (cluster, producer) = try MockTopics.cluster([topic], partitions: 1)
        let ends = try MockTopics.produce(3, to: [topic], with: producer)
        try #require(ends == [TopicPartition(topic: topic, partition: 0): 3])
        let settings = KafkaClientSettings(bootstrapServers: cluster.bootstrapServers, timeout: .seconds(10))

        let reader = try RDKafkaPartitionReader(settings: settings, fetchWaitMilliseconds: 10)
        let partition = TopicPartition(topic: topic, partition: 0)
        for offset in [Int64(0), 2] {
            try reader.start([partition: offset])
            var first: Int64?
            let until = ContinuousClock.now + .seconds(10)
            while first == nil && ContinuousClock.now < until {
                try reader.read(timeoutMilliseconds: 100) { item in
                    if case .message(let message) = item, first == nil { first = message.offset }
                }
            }
            #expect(first == offset, "the read from offset \(offset) found \(first.map(String.init) ?? "nothing")")
            reader.pause([partition])
            reader.stop()
        }
        withExtendedLifetime(cluster) {}
    }
}
