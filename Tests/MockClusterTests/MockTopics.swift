// SPDX-License-Identifier: Apache-2.0
import KafkaConnection
import RDKafka
import RDKafkaMock
import Testing

/// Topics with messages on librdkafka's in-process mock cluster, for the tests that read them.
enum MockTopics {
    /// A one-broker mock cluster with these topics, and a producer connected to it.
    static func cluster(_ topics: [String], partitions: Int) throws -> (MockKafkaCluster, RDKafkaProducer) {
        let cluster = try MockKafkaCluster(brokers: 1)
        for topic in topics { try cluster.createTopic(topic, partitions: partitions) }
        let producer = try RDKafkaProducer(
            settings: KafkaClientSettings(bootstrapServers: cluster.bootstrapServers, timeout: .seconds(10)))
        return (cluster, producer)
    }

    /// Produces `count` messages, keyed so that they spread over the topics'
    /// partitions; how many went to each partition, from the delivery reports.
    static func produce(_ count: Int, to topics: [String], with producer: RDKafkaProducer) throws
        -> [TopicPartition: Int64]
    {
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
        return ends
    }
}
