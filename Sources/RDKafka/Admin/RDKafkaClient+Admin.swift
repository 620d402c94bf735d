// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import KafkaConnection
import RDKafka

/// What a new topic should look like; -1 means "the broker's default".
package struct NewTopicSpec: Sendable {
    package let name: String
    package let partitions: Int32
    package let replicationFactor: Int32
    package let configs: [(String, String)]

    package init(name: String, partitions: Int32, replicationFactor: Int32, configs: [(String, String)]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

extension RDKafkaClient {
    /// Creates topics; a topic that already exists is a `.refused` failure.
    package func createTopics(_ specs: [NewTopicSpec]) throws(KafkaFailure) {
        var errorText = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
        for spec in specs {
            guard
                let topic = rd_kafka_NewTopic_new(
                    spec.name, spec.partitions, spec.replicationFactor, &errorText, errorText.count)
            else {
                throw KafkaFailure(.invalidInput, "create topic \(spec.name): \(errorText.terminatedText)")
            }
            newTopics.append(topic)
            for (key, value) in spec.configs
            where rd_kafka_NewTopic_set_config(topic, key, value) != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaFailure(.invalidInput, "create topic \(spec.name): config \(key)=\(value) is not accepted")
            }
        }
        try runAdmin(RD_KAFKA_ADMIN_OP_CREATETOPICS, action: "create topics") { options, queue in
            withHandle { rd_kafka_CreateTopics($0, &newTopics, newTopics.count, options, queue) }
        } results: { event throws(KafkaFailure) in
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            try checkTopicResults(results, count: count, action: "create topic")
        }
    }

    /// Deletes topics.
    package func deleteTopics(_ names: [String]) throws(KafkaFailure) {
        var deletions: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
        defer { deletions.forEach { rd_kafka_DeleteTopic_destroy($0) } }
        try runAdmin(RD_KAFKA_ADMIN_OP_DELETETOPICS, action: "delete topics") { options, queue in
            withHandle { rd_kafka_DeleteTopics($0, &deletions, deletions.count, options, queue) }
        } results: { event throws(KafkaFailure) in
            var count = 0
            let results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
            try checkTopicResults(results, count: count, action: "delete topic")
        }
    }

    /// Deletes consumer groups with their committed offsets; a group that still
    /// has members is `.refused`, one the cluster does not know `.notFound`.
    package func deleteGroups(_ ids: [String]) throws(KafkaFailure) {
        var deletions: [OpaquePointer?] = ids.map { rd_kafka_DeleteGroup_new($0) }
        defer { deletions.forEach { rd_kafka_DeleteGroup_destroy($0) } }
        try runAdmin(RD_KAFKA_ADMIN_OP_DELETEGROUPS, action: "delete consumer groups") { options, queue in
            withHandle { rd_kafka_DeleteGroups($0, &deletions, deletions.count, options, queue) }
        } results: { event throws(KafkaFailure) in
            var count = 0
            guard let results = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event), &count)
            else { return }
            for index in 0..<count {
                guard let error = rd_kafka_group_result_error(results[index]) else { continue }
                let name = String(cString: rd_kafka_group_result_name(results[index]))
                let code = rd_kafka_error_code(error)
                throw KafkaFailure(
                    failure(KafkaErrorCode(code), while: "delete consumer group").kind,
                    "delete consumer group \(name): \(String(cString: rd_kafka_error_string(error)))",
                    code: KafkaErrorCode(code), subject: .group(name), isFatal: rd_kafka_error_is_fatal(error) != 0)
            }
        }
    }

    /// A topic's configuration, as far as the broker returns it.
    package func describeTopicConfigs(_ topic: String) throws(KafkaFailure) -> [TopicConfigEntry] {
        var resources: [OpaquePointer?] = [rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic)]
        defer { resources.forEach { rd_kafka_ConfigResource_destroy($0) } }
        var entries: [TopicConfigEntry] = []
        try runAdmin(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, action: "describe the configs of \(topic)") { options, queue in
            withHandle { rd_kafka_DescribeConfigs($0, &resources, resources.count, options, queue) }
        } results: { event throws(KafkaFailure) in
            var count = 0
            guard
                let described = rd_kafka_DescribeConfigs_result_resources(
                    rd_kafka_event_DescribeConfigs_result(event), &count)
            else { return }
            for index in 0..<count {
                let resource = described[index]
                let code = rd_kafka_ConfigResource_error(resource)
                guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw failure(KafkaErrorCode(code), while: "describe the configs of \(topic)")
                }
                var configCount = 0
                guard let configs = rd_kafka_ConfigResource_configs(resource, &configCount) else { continue }
                for configIndex in 0..<configCount {
                    let entry = configs[configIndex]
                    let sensitive = rd_kafka_ConfigEntry_is_sensitive(entry) != 0
                    entries.append(
                        TopicConfigEntry(
                            name: String(cString: rd_kafka_ConfigEntry_name(entry)),
                            value: sensitive ? nil : rd_kafka_ConfigEntry_value(entry).map { String(cString: $0) },
                            isDefault: rd_kafka_ConfigEntry_is_default(entry) != 0))
                }
            }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// Runs one admin request on a queue of its own and waits for its result,
    /// bounded by the settings' timeout.
    func runAdmin(
        _ operation: rd_kafka_admin_op_t, action: String,
        send: (OpaquePointer?, OpaquePointer?) -> Void,
        results: (OpaquePointer) throws(KafkaFailure) -> Void
    ) throws(KafkaFailure) {
        let queue = withHandle { rd_kafka_queue_new($0) }
        defer { rd_kafka_queue_destroy(queue) }
        let options = withHandle { rd_kafka_AdminOptions_new($0, operation) }
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorText = [CChar](repeating: 0, count: 512)
        let timeout = settings.timeoutMilliseconds
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout, &errorText, errorText.count)
        if operation != RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS {
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeout, &errorText, errorText.count)
        }
        send(options, queue)
        // A little beyond the request timeout, so librdkafka's own timeout answers first.
        guard let event = rd_kafka_queue_poll(queue, timeout + 500) else {
            serveLogs()
            throw unreachable(while: action)
        }
        defer { rd_kafka_event_destroy(event) }
        serveLogs()
        let code = rd_kafka_event_error(event)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
            var failure = failure(KafkaErrorCode(code), while: action)
            if failure.kind != .unreachable && failure.kind != .incompatibleClient && !text.isEmpty {
                failure = failure.rephrased("\(action): \(text)")
            }
            throw failure
        }
        markBrokersReachable()
        try results(event)
    }

    private func checkTopicResults(
        _ results: UnsafeMutablePointer<OpaquePointer?>?, count: Int, action: String
    ) throws(KafkaFailure) {
        guard let results else { return }
        for index in 0..<count {
            let result = results[index]
            let code = rd_kafka_topic_result_error(result)
            guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            let name = String(cString: rd_kafka_topic_result_name(result))
            let detail =
                rd_kafka_topic_result_error_string(result).map { String(cString: $0) }
                ?? String(cString: rd_kafka_err2str(code))
            throw failure(KafkaErrorCode(code), while: action, subject: .topic(name)).rephrased(
                "\(action) \(name): \(detail)")
        }
    }
}
