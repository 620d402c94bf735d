// SPDX-License-Identifier: Apache-2.0
import Foundation
import KafkaConnection
import Logging
import RDKafka
import RDKafkaAdmin
import RDKafkaMock
import Synchronization
import Testing

/// librdkafka's debug output can come faster than a log handler takes it.
@Suite("log lines that come faster than they are written")
struct LogFloodTests {
    @Test("a reader logging everything still reads: each serving of the log lines takes at most 1,000")
    func readsThroughTheFlood() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        let topic = "hypha_event_flood"
        try cluster.createTopic(topic, partitions: 64)
        let lines = KeptLines(delayMicroseconds: 200)
        let settings = KafkaClientSettings(
            bootstrapServers: cluster.bootstrapServers, properties: [KafkaProperty(name: "debug", value: "all")],
            timeout: .seconds(30), logger: Logger(label: "flood") { _ in lines })
        let reader = try RDKafkaPartitionReader(settings: settings, fetchWaitMilliseconds: 1)
        let partitions = (0..<Int32(64)).map { TopicPartition(topic: topic, partition: $0) }
        try reader.start(Dictionary(uniqueKeysWithValues: partitions.map { ($0, StartOffset.beginning) }))

        // On a thread of its own: a read that never returns must fail the test, not hang it.
        let ended = Mutex<Set<TopicPartition>>([])
        let reading = Thread {
            while ended.withLock({ $0.count }) < partitions.count {
                _ = try? reader.read(timeoutMilliseconds: 100) { item in
                    if case .endOfPartition(let partition, _) = item { ended.withLock { _ = $0.insert(partition) } }
                }
            }
        }
        reading.start()
        let deadline = ContinuousClock.now + .seconds(60)
        while ended.withLock({ $0.count }) < partitions.count && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(ended.withLock { $0.count } == partitions.count, "\(lines.count) lines written")
        #expect(lines.count > 0)
        withExtendedLifetime(cluster) {}
    }
}
