// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import Foundation
import KafkaConnection

extension RDKafkaClient {
    /// Makes sure a topic exists: a Metadata request naming it lets the broker's
    /// auto-create make it, as the Python server's first use does.
    package func ensureTopic(_ name: String, timeout: Duration) throws(KafkaFailure) {
        _ = try topicPartitions(name, until: .now + timeout)
    }

    /// A topic's partitions, made by the broker's auto-create where it does not
    /// exist yet (asked again until `deadline` while the broker has none), and
    /// whether the first answer had none (it was being made).
    package func topicPartitions(_ name: String, until deadline: ContinuousClock.Instant) throws(KafkaFailure)
        -> (ids: [Int32], created: Bool)
    {
        var created = false
        var pause = 0.005
        guard let topic = withHandle({ rd_kafka_topic_new($0, name, nil) }) else {
            throw KafkaFailure(.invalidInput, "\(name) is not a topic name librdkafka accepts")
        }
        defer { rd_kafka_topic_destroy(topic) }
        var lastCode = RD_KAFKA_RESP_ERR_NO_ERROR
        repeat {
            var pointer: UnsafePointer<rd_kafka_metadata>?
            let remaining = max(1, (deadline - ContinuousClock.now).wholeMilliseconds)
            let code = withHandle {
                rd_kafka_metadata($0, 0, topic, &pointer, min(remaining, settings.timeoutMilliseconds))
            }
            if code == RD_KAFKA_RESP_ERR_NO_ERROR, let pointer {
                defer { rd_kafka_metadata_destroy(pointer) }
                let raw = pointer.pointee
                if raw.topic_cnt > 0 && raw.topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR
                    && raw.topics[0].partition_cnt > 0
                {
                    let found = raw.topics[0]
                    return ((0..<Int(found.partition_cnt)).map { found.partitions[$0].id }.sorted(), created)
                }
                lastCode = raw.topic_cnt > 0 ? raw.topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                created = true
            } else {
                lastCode = code
            }
            // A topic being made is ready within milliseconds; a broker away takes longer.
            Thread.sleep(forTimeInterval: pause)
            pause = min(pause * 2, 0.1)
        } while ContinuousClock.now < deadline
        if lastCode == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART {
            throw KafkaFailure(
                .notFound, "topic \(name) does not exist and the broker did not create it",
                hint: "create the topic, or enable auto.create.topics.enable on the broker",
                code: .unknownTopicOrPartition, subject: .topic(name), isRetriable: false)
        }
        throw unreachable(while: "create topic \(name) on first use", waited: settings.timeout)
    }
}
