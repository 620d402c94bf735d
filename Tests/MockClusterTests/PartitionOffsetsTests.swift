// SPDX-License-Identifier: Apache-2.0
import KafkaConnection
import RDKafka
import RDKafkaAdmin
import RDKafkaMock
import Testing

/// Watermarks of many partitions at once, on librdkafka's in-process mock cluster.
@Suite("partition offsets, many at once")
struct PartitionOffsetsTests {
    @Test("answers in the order asked, across chunks and topics; a partition the cluster lacks is nil")
    func inOrder() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        defer { withExtendedLifetime(cluster) {} }
        let topics = (0..<5).map { "hypha_event_offsets-\($0)" }
        for topic in topics { try cluster.createTopic(topic, partitions: 60) }
        let producer = try RDKafkaProducer(
            settings: KafkaClientSettings(bootstrapServers: cluster.bootstrapServers, timeout: .seconds(10)))

        // 600 messages, keyed so that they spread over the partitions; each
        // delivery report says where its message went.
        let count = 600
        for tag in 0..<count {
            let topic = try producer.topic(topics[tag % topics.count])
            let key = Array("key-\(tag)".utf8)
            let queued = try key.withUnsafeBytes { key throws(KafkaFailure) in
                try producer.tryProduce(to: topic, key: key, value: nil, tag: tag)
            }
            #expect(queued)
        }
        var ends: [TopicPartition: Int64] = [:]
        var reports = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while reports < count && ContinuousClock.now < deadline {
            producer.serve(timeoutMilliseconds: 100) { delivery in
                reports += 1
                #expect(delivery.error == nil, "\(delivery)")
                let key = TopicPartition(topic: topics[delivery.tag % topics.count], partition: delivery.partition)
                ends[key, default: 0] += 1
            }
        }
        try #require(reports == count, "\(reports) of \(count) delivery reports")

        // Every partition, in an order of no pattern, and one the cluster does not have.
        let every = topics.flatMap { topic in (0..<Int32(60)).map { TopicPartition(topic: topic, partition: $0) } }
        // 7,919 is prime: stepping by it visits every index of the 300 once.
        var asked = every.indices.map { every[($0 * 7919) % every.count] }
        let missing = TopicPartition(topic: topics[0], partition: 99)
        asked.insert(missing, at: 300)
        let answers = try producer.client.offsetsInOrder(asked, at: [.earliest, .latest])
        #expect(answers.map(\.count) == [asked.count, asked.count])
        for (index, partition) in asked.enumerated() where partition != missing {
            #expect(answers[0][index] == 0, "\(partition)")
            #expect(answers[1][index] == ends[partition] ?? 0, "\(partition)")
        }
        #expect(answers[0][300] == nil && answers[1][300] == nil)
        #expect(answers[1].compactMap(\.self).reduce(0, +) == Int64(count))
    }
}
