// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import Foundation
import KafkaConnection
import RDKafka

/// librdkafka's in-process mock cluster: brokers on loopback ports that speak the
/// Kafka protocol (produce, fetch, groups, offsets) and can be taken down and up,
/// for fault-injection tests. It has no admin API: create topics here.
package final class MockKafkaCluster: @unchecked Sendable {
    // @unchecked Sendable: the mock cluster's functions are thread-safe; the
    // owning handle lives as long as this object.

    private let owner: RDKafkaClient
    private let cluster: OpaquePointer

    /// A cluster of `brokers` brokers, ids 1 through `brokers`.
    package init(brokers: Int = 1) throws(KafkaFailure) {
        owner = try RDKafkaClient.make(.producer, settings: KafkaClientSettings(bootstrapServers: ""))
        guard let cluster = owner.withHandle({ rd_kafka_mock_cluster_new($0, Int32(brokers)) }) else {
            throw KafkaFailure(.client, "librdkafka could not start a mock cluster")
        }
        self.cluster = cluster
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// The brokers' `host:port` list.
    package var bootstrapServers: String { String(cString: rd_kafka_mock_cluster_bootstraps(cluster)) }

    /// Creates a topic.
    package func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaFailure) {
        let code = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw owner.failure(KafkaErrorCode(code), while: "create mock topic \(name)")
        }
    }

    /// Closes a broker's connections and refuses new ones; nil: every broker.
    package func takeDown(broker id: Int32? = nil) {
        rd_kafka_mock_broker_set_down(cluster, id ?? -1)
    }

    /// Lets a broker accept connections again; nil: every broker.
    package func bringUp(broker id: Int32? = nil) {
        rd_kafka_mock_broker_set_up(cluster, id ?? -1)
    }

    /// Makes a broker answer every request `milliseconds` late; nil: every broker.
    package func setRoundTripTime(milliseconds: Int, broker id: Int32? = nil) {
        rd_kafka_mock_broker_set_rtt(cluster, id ?? -1, Int32(milliseconds))
    }

    /// A Kafka protocol request type, for injecting errors into its answers.
    package enum Request: Int16, Sendable, CaseIterable {
        case produce = 0
        case fetch = 1
        case listOffsets = 2
        case metadata = 3
        case offsetCommit = 8
        case offsetFetch = 9
        case findCoordinator = 10
        case joinGroup = 11
        case heartbeat = 12
        case leaveGroup = 13
        case syncGroup = 14
    }

    /// Makes the next `errors.count` answers to `request` (from any broker) carry
    /// these Kafka error codes, in order, e.g. 16 NOT_COORDINATOR, 7 REQUEST_TIMED_OUT.
    package func failNext(_ request: Request, with errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster, request.rawValue, $0.count, $0.baseAddress)
        }
    }

    /// Forgets the errors still queued for `request`.
    package func clearErrors(_ request: Request) {
        rd_kafka_mock_clear_request_errors(cluster, request.rawValue)
    }

    /// Moves the coordinator of consumer group `group` to broker `id`.
    package func moveGroupCoordinator(_ group: String, to id: Int32) {
        rd_kafka_mock_coordinator_set(cluster, "group", group, id)
    }

    /// Moves the leader of one partition to broker `id`.
    package func moveLeader(topic: String, partition: Int32, to id: Int32) {
        rd_kafka_mock_partition_set_leader(cluster, topic, partition, id)
    }

    /// Deletes one partition's records before `offset`, which becomes its low
    /// watermark. librdkafka's mock has this from 2.x, not in the 2.0.2 header
    /// the build compiles against: it is looked up in the loaded library.
    package func deleteRecords(topic: String, partition: Int32, before offset: Int64) throws(KafkaFailure) {
        typealias DeleteRecords =
            @convention(c) (OpaquePointer, UnsafePointer<CChar>, Int32, Int64) -> rd_kafka_resp_err_t
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "rd_kafka_mock_partition_delete_records")
        else {
            throw KafkaFailure(
                .incompatibleClient,
                "librdkafka \(RDKafkaClient.versionString) has no rd_kafka_mock_partition_delete_records")
        }
        let code = topic.withCString { unsafeBitCast(symbol, to: DeleteRecords.self)(cluster, $0, partition, offset) }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw owner.failure(KafkaErrorCode(code), while: "delete mock records of \(topic) [\(partition)]")
        }
    }
}
