// SPDX-License-Identifier: Apache-2.0
import RDKafka
import Testing

@testable import HyphaEventBus

@Suite("failures for a library: librdkafka's code, retriable or fatal, no CLI wording")
struct KafkaFailureTests {
    @Test("the Swift error codes are librdkafka's")
    func codesAreLibrdkafkas() {
        let expected: [(KafkaErrorCode, String)] = [
            (.transport, "_TRANSPORT"), (.timedOut, "_TIMED_OUT"), (.allBrokersDown, "_ALL_BROKERS_DOWN"),
            (.resolve, "_RESOLVE"), (.unknownTopic, "_UNKNOWN_TOPIC"),
            (.unknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PART"),
            (.leaderNotAvailable, "LEADER_NOT_AVAILABLE"), (.notLeaderForPartition, "NOT_LEADER_FOR_PARTITION"),
            (.requestTimedOut, "REQUEST_TIMED_OUT"), (.messageSizeTooLarge, "MSG_SIZE_TOO_LARGE"),
            (.coordinatorLoadInProgress, "COORDINATOR_LOAD_IN_PROGRESS"),
            (.coordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE"), (.notCoordinator, "NOT_COORDINATOR"),
            (.notEnoughReplicas, "NOT_ENOUGH_REPLICAS"),
            (.notEnoughReplicasAfterAppend, "NOT_ENOUGH_REPLICAS_AFTER_APPEND"),
            (.rebalanceInProgress, "REBALANCE_IN_PROGRESS"), (.topicAlreadyExists, "TOPIC_ALREADY_EXISTS"),
            (.groupIDNotFound, "GROUP_ID_NOT_FOUND"), (.nonEmptyGroup, "NON_EMPTY_GROUP"),
            (KafkaErrorCode(rawValue: -166), "_TIMED_OUT_QUEUE"), (.ssl, "_SSL"),
        ]
        for (code, name) in expected {
            #expect(code.name == name, "\(code.rawValue)")
        }
        #expect(KafkaErrorCode.unknownTopicOrPartition.description == "Broker: Unknown topic or partition")
    }

    @Test("kinds are distinct values named as in Swift, matched by a switch with a default")
    func kinds() {
        let kinds: [KafkaFailure.Kind] = [
            .unreachable, .incompatibleClient, .refused, .deliveryFailed, .notFound, .invalidInput, .wrongState,
            .client,
        ]
        #expect(Set(kinds).count == kinds.count)
        #expect(
            kinds.map(\.description) == [
                "unreachable", "incompatibleClient", "refused", "deliveryFailed", "notFound", "invalidInput",
                "wrongState", "client",
            ])
        let retryLater =
            switch KafkaFailure(.wrongState, "x").kind {
            case .unreachable, .wrongState: true
            default: false
            }
        #expect(retryLater)
    }

    @Test("retriable: a broker away or a coordinator moving; not: a refusal or bad input")
    func retriable() {
        #expect(KafkaErrorCode.notCoordinator.isRetriable)
        #expect(KafkaErrorCode.transport.isRetriable)
        #expect(!KafkaErrorCode.topicAlreadyExists.isRetriable)
        #expect(!KafkaErrorCode.messageSizeTooLarge.isRetriable)
        #expect(KafkaFailure(.unreachable, "x").isRetriable)
        #expect(!KafkaFailure(.refused, "x", code: .topicAlreadyExists).isRetriable)
        #expect(KafkaFailure(.refused, "x", code: .notEnoughReplicas).isRetriable)
        #expect(!KafkaFailure(.notFound, "x", code: .unknownTopicOrPartition, isRetriable: false).isRetriable)
    }

    @Test("failures from librdkafka codes carry the code and say nothing of a command line")
    func fromLibrdkafka() throws {
        let client = try RDKafkaClient.make(.producer, settings: KafkaClientSettings(bootstrapServers: "127.0.0.1:1"))
        let failures = [
            client.unreachable(while: "list topics"),
            client.failure(.notCoordinator, while: "commit"),
            client.failure(.topicAlreadyExists, while: "create topic x", subject: .topic("x")),
            client.failure(.groupIDNotFound, while: "describe group g", subject: .group("g")),
            client.failure(.messageSizeTooLarge, while: "emit x"),
        ]
        #expect(failures.map(\.kind) == [.unreachable, .refused, .refused, .notFound, .invalidInput])
        #expect(
            failures.map(\.code) == [
                .timedOut, .notCoordinator, .topicAlreadyExists, .groupIDNotFound, .messageSizeTooLarge,
            ])
        #expect(failures.map(\.isRetriable) == [true, true, false, false, false])
        #expect(failures[2].subject == .topic("x"))
        for failure in failures {
            #expect(!failure.description.contains("hyphactl") && !failure.description.contains("--"), "\(failure)")
            #expect(!failure.isFatal)
        }
    }

    @Test("rephrased keeps everything but the words, and the hint unless a new one is given")
    func rephrased() {
        let failure = KafkaFailure(
            .refused, "x", hint: "h", code: .notEnoughReplicas, subject: .topic("t"), isFatal: true)
        let other = failure.rephrased("emit e: x")
        #expect(other.reason == "emit e: x" && other.hint == "h")
        #expect(other.kind == .refused && other.code == .notEnoughReplicas && other.subject == .topic("t"))
        #expect(other.isRetriable && other.isFatal && other.location == failure.location)
        #expect(failure.rephrased("y", hint: "delivered locally").hint == "delivered locally")
    }
}
