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
        let topics = (0..<5).map { "hypha_event_offsets-\($0)" }
        let (cluster, producer) = try MockTopics.cluster(topics, partitions: 60)
        defer { withExtendedLifetime(cluster) {} }
        let count = 600
        let ends = try MockTopics.produce(count, to: topics, with: producer)

        let missing = TopicPartition(topic: topics[0], partition: 99)
        let asked = Self.scrambled(topics, partitions: 60, inserting: missing, at: 300)
        let answers = try producer.client.offsetsInOrder(asked, at: [.earliest, .latest])
        #expect(answers.map(\.count) == [asked.count, asked.count])
        for (index, partition) in asked.enumerated() where partition != missing {
            #expect(answers[0][index] == 0, "\(partition)")
            #expect(answers[1][index] == ends[partition] ?? 0, "\(partition)")
        }
        #expect(answers[0][300] == nil && answers[1][300] == nil)
        #expect(answers[1].compactMap(\.self).reduce(0, +) == Int64(count))
    }

    @Test("both watermarks: a low one is asked for where the partition ever held a message, and 0 where it never did")
    func watermarks() throws {
        let topics = (0..<3).map { "hypha_event_watermarks-\($0)" }
        let (cluster, producer) = try MockTopics.cluster(topics, partitions: 200)
        defer { withExtendedLifetime(cluster) {} }
        let ends = try MockTopics.produce(150, to: topics, with: producer)
        // Records deleted from the start of every partition holding two or more
        // (the test broker, Tansu, cannot delete records).
        var starts: [TopicPartition: Int64] = [:]
        for (partition, end) in ends where end >= 2 {
            try cluster.deleteRecords(topic: partition.topic, partition: partition.partition, before: end - 1)
            starts[partition] = end - 1
        }
        try #require(!starts.isEmpty && ends.count < 600, "some partitions hold records, most none")

        let missing = TopicPartition(topic: topics[1], partition: 999)
        let asked = Self.scrambled(topics, partitions: 200, inserting: missing, at: 257)
        let (low, high) = try producer.client.watermarksInOrder(asked)
        #expect(low.count == asked.count && high.count == asked.count)
        for (index, partition) in asked.enumerated() where partition != missing {
            #expect(high[index] == ends[partition] ?? 0, "\(partition)")
            #expect(low[index] == starts[partition] ?? 0, "\(partition)")
        }
        #expect(low[257] == nil && high[257] == nil)
        // The same answers as both queries asked of every partition.
        let both = try producer.client.offsetsInOrder(asked, at: [.earliest, .latest])
        #expect(both[0] == low && both[1] == high)
        // By partition: the same, the missing one left out.
        let keyed = try producer.client.watermarks(asked)
        let answered = asked.indices.filter { asked[$0] != missing }
        #expect(keyed.low == Dictionary(uniqueKeysWithValues: answered.map { (asked[$0], low[$0]!) }))
        #expect(keyed.high == Dictionary(uniqueKeysWithValues: answered.map { (asked[$0], high[$0]!) }))
    }

    /// Every partition of `topics`, in an order of no pattern, with `missing` (one
    /// the cluster does not have) inserted at `index`. 7,919 is prime and divides
    /// no partition count used here: stepping by it visits every index once.
    private static func scrambled(
        _ topics: [String], partitions: Int32, inserting missing: TopicPartition, at index: Int
    ) -> [TopicPartition] {
        let every = topics.flatMap { topic in (0..<partitions).map { TopicPartition(topic: topic, partition: $0) } }
        var asked = every.indices.map { every[($0 * 7919) % every.count] }
        asked.insert(missing, at: index)
        return asked
    }
}
