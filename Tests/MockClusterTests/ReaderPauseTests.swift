// SPDX-License-Identifier: Apache-2.0
import KafkaConnection
import RDKafka
import RDKafkaAdmin
import RDKafkaMock
import Testing

/// A reader pauses what it has read (`pause`), so that fetch requests carry only
/// the partitions still wanted; librdkafka keeps a pause across a stop.
@Suite("a reader's paused partitions")
struct ReaderPauseTests {
    @Test("a partition paused and stopped by one read is fetched again by the next")
    func pausedThenStartedAgain() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        let topic = "hypha_event_paused"
        try cluster.createTopic(topic, partitions: 1)
        let settings = KafkaClientSettings(bootstrapServers: cluster.bootstrapServers, timeout: .seconds(10))
        let producer = try RDKafkaProducer(settings: settings)
        let handle = try producer.topic(topic)
        for tag in 0..<3 {
            let key = Array("key".utf8)
            let queued = try key.withUnsafeBytes { key throws(KafkaFailure) in
                try producer.tryProduce(to: handle, key: key, value: nil, tag: tag)
            }
            try #require(queued)
        }
        var delivered = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while delivered < 3 && ContinuousClock.now < deadline {
            producer.serve(timeoutMilliseconds: 100) { delivery in
                #expect(delivery.error == nil, "\(delivery)")
                delivered += 1
            }
        }
        try #require(delivered == 3)

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
