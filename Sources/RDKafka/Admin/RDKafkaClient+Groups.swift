// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import Foundation
import KafkaConnection
import RDKafka

/// A consumer group as ListGroups names it.
package struct GroupListing: Sendable {
    package let id: String
    /// librdkafka's state name: `Stable`, `Empty`, `Dead`, `PreparingRebalance`, …
    package let state: String
}

/// A consumer group as DescribeGroups describes it.
package struct GroupDescriptionRecord: Sendable {
    package let id: String
    package let state: String
    /// `host:port (id N)` of the coordinator, when known.
    package let coordinator: String?
    package let members: [GroupMember]
    /// Non-nil when the broker could not describe the group.
    package let error: String?
}

extension RDKafkaClient {
    /// Every consumer group the cluster knows, with its state.
    package func listGroups() throws(KafkaFailure) -> [GroupListing] {
        var listings: [GroupListing] = []
        try runAdmin(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, action: "list consumer groups") { options, queue in
            withHandle { rd_kafka_ListConsumerGroups($0, options, queue) }
        } results: { event throws(KafkaFailure) in
            let result = rd_kafka_event_ListConsumerGroups_result(event)
            var count = 0
            if let valid = rd_kafka_ListConsumerGroups_result_valid(result, &count) {
                for index in 0..<count {
                    let listing = valid[index]
                    listings.append(
                        GroupListing(
                            id: String(cString: rd_kafka_ConsumerGroupListing_group_id(listing)),
                            state: String(
                                cString: rd_kafka_consumer_group_state_name(
                                    rd_kafka_ConsumerGroupListing_state(listing)))))
                }
            }
            var errorCount = 0
            if let errors = rd_kafka_ListConsumerGroups_result_errors(result, &errorCount), errorCount > 0,
                listings.isEmpty
            {
                throw failure(KafkaErrorCode(rd_kafka_error_code(errors[0])), while: "list consumer groups")
            }
        }
        return listings.sorted { $0.id < $1.id }
    }

    /// State, coordinator and members of each group, in one request.
    package func describeGroups(_ ids: [String]) throws(KafkaFailure) -> [GroupDescriptionRecord] {
        guard !ids.isEmpty else { return [] }
        var records: [GroupDescriptionRecord] = []
        let names = ids.map { strdup($0) }
        defer { names.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = names.map { $0.map { UnsafePointer($0) } }
        try runAdmin(RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, action: "describe consumer groups") { options, queue in
            withHandle { rd_kafka_DescribeConsumerGroups($0, &pointers, pointers.count, options, queue) }
        } results: { event throws(KafkaFailure) in
            var count = 0
            guard
                let groups = rd_kafka_DescribeConsumerGroups_result_groups(
                    rd_kafka_event_DescribeConsumerGroups_result(event), &count)
            else { return }
            for index in 0..<count {
                records.append(Self.record(groups[index]))
            }
        }
        return records
    }

    private static func record(_ group: OpaquePointer?) -> GroupDescriptionRecord {
        let coordinator = rd_kafka_ConsumerGroupDescription_coordinator(group).map { node in
            "\(String(cString: rd_kafka_Node_host(node))):\(rd_kafka_Node_port(node)) (id \(rd_kafka_Node_id(node)))"
        }
        let members = (0..<rd_kafka_ConsumerGroupDescription_member_count(group)).map { index in
            let member = rd_kafka_ConsumerGroupDescription_member(group, index)
            var assignments: [TopicPartition] = []
            if let assignment = rd_kafka_MemberDescription_assignment(member),
                let list = rd_kafka_MemberAssignment_partitions(assignment)
            {
                assignments = (0..<Int(list.pointee.cnt)).map { at in
                    TopicPartition(
                        topic: String(cString: list.pointee.elems[at].topic),
                        partition: list.pointee.elems[at].partition)
                }
            }
            return GroupMember(
                memberID: rd_kafka_MemberDescription_consumer_id(member).map { String(cString: $0) } ?? "",
                clientID: rd_kafka_MemberDescription_client_id(member).map { String(cString: $0) } ?? "",
                host: rd_kafka_MemberDescription_host(member).map { String(cString: $0) } ?? "",
                assignments: assignments.sorted())
        }
        let error = rd_kafka_ConsumerGroupDescription_error(group).map { String(cString: rd_kafka_error_string($0)) }
        return GroupDescriptionRecord(
            id: String(cString: rd_kafka_ConsumerGroupDescription_group_id(group)),
            state: String(cString: rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(group))),
            coordinator: coordinator, members: members, error: error)
    }

    /// Every offset the group has committed: one OffsetFetch request.
    package func committedOffsets(group: String) throws(KafkaFailure) -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        var requests: [OpaquePointer?] = [rd_kafka_ListConsumerGroupOffsets_new(group, nil)]
        defer { requests.forEach { rd_kafka_ListConsumerGroupOffsets_destroy($0) } }
        try runAdmin(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, action: "fetch the committed offsets of \(group)") {
            options, queue in
            withHandle { rd_kafka_ListConsumerGroupOffsets($0, &requests, requests.count, options, queue) }
        } results: { event throws(KafkaFailure) in
            var count = 0
            guard
                let groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
                    rd_kafka_event_ListConsumerGroupOffsets_result(event), &count)
            else { return }
            for index in 0..<count {
                let result = groups[index]
                if let error = rd_kafka_group_result_error(result) {
                    throw failure(
                        KafkaErrorCode(rd_kafka_error_code(error)), while: "fetch the committed offsets of \(group)")
                }
                guard let list = rd_kafka_group_result_partitions(result) else { continue }
                for at in 0..<Int(list.pointee.cnt) {
                    let element = list.pointee.elems[at]
                    guard element.err == RD_KAFKA_RESP_ERR_NO_ERROR, element.offset >= 0 else { continue }
                    offsets[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] =
                        element.offset
                }
            }
        }
        return offsets
    }
}

extension RDKafkaClient {
    /// Commits `offsets` for `group` from outside it (AlterConsumerGroupOffsets: an
    /// OffsetCommit with no member id). A broker refuses that, per partition,
    /// while the group has members: the first partition refused is thrown,
    /// `.refused` and saying why.
    package func alterCommittedOffsets(group: String, _ offsets: [TopicPartition: Int64]) throws(KafkaFailure) {
        guard !offsets.isEmpty else { return }
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (key, offset) in offsets.sorted(by: { $0.key < $1.key }) {
            rd_kafka_topic_partition_list_add(list, key.topic, key.partition).pointee.offset = offset
        }
        // The request keeps a copy of the list.
        var requests: [OpaquePointer?] = [rd_kafka_AlterConsumerGroupOffsets_new(group, list)]
        defer { requests.forEach { rd_kafka_AlterConsumerGroupOffsets_destroy($0) } }
        let action = "commit offsets for \(group)"
        try runAdmin(RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, action: action) { options, queue in
            withHandle { rd_kafka_AlterConsumerGroupOffsets($0, &requests, requests.count, options, queue) }
        } results: { event throws(KafkaFailure) in
            var count = 0
            guard
                let groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
                    rd_kafka_event_AlterConsumerGroupOffsets_result(event), &count)
            else { return }
            for index in 0..<count {
                let result = groups[index]
                if let error = rd_kafka_group_result_error(result) {
                    throw offsetCommitFailure(rd_kafka_error_code(error), group: group, action: action)
                }
                guard let list = rd_kafka_group_result_partitions(result) else { continue }
                for at in 0..<Int(list.pointee.cnt) where list.pointee.elems[at].err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    let element = list.pointee.elems[at]
                    throw offsetCommitFailure(
                        element.err, group: group,
                        action: "commit \(group)'s offset of \(String(cString: element.topic)) [\(element.partition)]")
                }
            }
        }
    }

    /// The failure of a commit from outside the group; the errors a broker gives
    /// while the group has members say so.
    private func offsetCommitFailure(_ code: rd_kafka_resp_err_t, group: String, action: String) -> KafkaFailure {
        let failure = failure(KafkaErrorCode(code), while: action, subject: .group(group))
        switch code {
        case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION,
            RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP:
            return KafkaFailure(
                .refused,
                "\(action): the group has live members (\(String(cString: rd_kafka_err2str(code))))",
                hint: "stop the server or consumer that reads through it first", code: failure.code,
                subject: .group(group),
                isRetriable: false)
        default:
            return failure
        }
    }
}
