// SPDX-License-Identifier: Apache-2.0
/// Every failure the library reports: what failed and why, in Kafka's terms.
///
/// `description` is one line, meant to be shown as it is. Callers act on `kind`
/// (a frontend maps it to an exit code and adds its own advice), on `code` (the
/// librdkafka error behind it, when there is one), and on `isRetriable` and
/// `isFatal`.
public struct KafkaFailure: Error, Sendable, CustomStringConvertible {
    /// The families of failure that callers act on differently.
    ///
    /// A set of static values rather than an enum, so that a kind added later
    /// breaks no caller's `switch`: match the kinds you act on and give the rest
    /// a `default`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case unreachable, incompatibleClient, refused, deliveryFailed, notFound, invalidInput, wrongState, client
        }

        private let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        /// No broker could be reached, or a bound on connecting ran out.
        public static let unreachable = Kind(.unreachable)
        /// The loaded librdkafka cannot speak to this broker (2.0.2's tagged-field bug).
        public static let incompatibleClient = Kind(.incompatibleClient)
        /// The broker answered and refused the request.
        public static let refused = Kind(.refused)
        /// Messages were not acknowledged by the broker.
        public static let deliveryFailed = Kind(.deliveryFailed)
        /// A topic, group or partition the request named does not exist.
        public static let notFound = Kind(.notFound)
        /// The input (data, a property, a name) is not valid: the caller's error,
        /// which trying again with the same input cannot mend.
        public static let invalidInput = Kind(.invalidInput)
        /// The call does not fit the object's state (an event bus not running or
        /// already started, an RPC connection already closed): the input may be
        /// fine, the moment is not.
        public static let wrongState = Kind(.wrongState)
        /// librdkafka itself failed (configuration, out of memory, internal error).
        public static let client = Kind(.client)

        /// The kind's name as written in Swift, e.g. `unreachable`.
        public var description: String { String(describing: backing) }
    }

    /// What a failure is about, where it names one thing of the cluster.
    public enum Subject: Sendable, Equatable {
        /// A topic, by its name.
        case topic(String)
        /// A consumer group, by its id.
        case group(String)
    }

    /// Which family this failure belongs to.
    public let kind: Kind
    /// What failed and why, e.g. `create topic hypha_event_x: the broker refused: Broker: Topic already exists`.
    public private(set) var reason: String
    /// What to try, in Kafka's terms (a broker setting, a librdkafka property), if anything useful can be said.
    public private(set) var hint: String?
    /// The librdkafka error code behind the failure, when there is one.
    public let code: KafkaErrorCode?
    /// The topic or group the failure is about, if it names one.
    public let subject: Subject?
    /// Whether the same call may succeed if tried again later (a broker away, a
    /// coordinator moving, a bound on time run out).
    public let isRetriable: Bool
    /// Whether the client is unusable from now on (librdkafka's fatal errors).
    public let isFatal: Bool
    /// Where the failure was raised, for debug output.
    public let location: String

    /// A failure of the given kind. Unless told, it is retriable when `kind` is
    /// `.unreachable` or `code` is one Kafka marks retriable.
    public init(
        _ kind: Kind, _ reason: String, hint: String? = nil, code: KafkaErrorCode? = nil, subject: Subject? = nil,
        isRetriable: Bool? = nil, isFatal: Bool = false,
        file: String = #fileID, line: Int = #line
    ) {
        self.kind = kind
        self.reason = reason
        self.hint = hint
        self.code = code
        self.subject = subject
        self.isRetriable = isRetriable ?? (kind == .unreachable || code?.isRetriable == true)
        self.isFatal = isFatal
        self.location = "\(file):\(line)"
    }

    /// The same failure (kind, code, subject, retriable, fatal, where it was raised)
    /// in other words; the hint stays unless a new one is given.
    public func rephrased(_ reason: String, hint: String? = nil) -> KafkaFailure {
        var copy = self
        copy.reason = reason
        copy.hint = hint ?? self.hint
        return copy
    }

    /// One line: the reason, then the hint.
    public var description: String {
        guard let hint else { return reason }
        return "\(reason) (\(hint))"
    }
}

/// A librdkafka error code (`rd_kafka_resp_err_t`): negative for errors of the
/// client itself (`_TRANSPORT`, `_TIMED_OUT`, …), positive for the broker's
/// answers (Kafka protocol error codes).
public struct KafkaErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The client lost or could not make a connection.
    public static let transport = KafkaErrorCode(rawValue: -195)
    /// The operation timed out.
    public static let timedOut = KafkaErrorCode(rawValue: -185)
    /// A TLS handshake failed (a certificate rejected, by either side).
    public static let ssl = KafkaErrorCode(rawValue: -181)
    /// Every broker is down.
    public static let allBrokersDown = KafkaErrorCode(rawValue: -187)
    /// A broker's address could not be resolved.
    public static let resolve = KafkaErrorCode(rawValue: -193)
    /// The topic is not known to the client.
    public static let unknownTopic = KafkaErrorCode(rawValue: -188)
    /// The broker does not know the topic or partition.
    public static let unknownTopicOrPartition = KafkaErrorCode(rawValue: 3)
    /// The partition has no leader right now (an election is going on).
    public static let leaderNotAvailable = KafkaErrorCode(rawValue: 5)
    /// The broker asked is not the partition's leader.
    public static let notLeaderForPartition = KafkaErrorCode(rawValue: 6)
    /// The broker did not answer in time.
    public static let requestTimedOut = KafkaErrorCode(rawValue: 7)
    /// The message is larger than the broker or client accepts.
    public static let messageSizeTooLarge = KafkaErrorCode(rawValue: 10)
    /// The group's coordinator is loading.
    public static let coordinatorLoadInProgress = KafkaErrorCode(rawValue: 14)
    /// No coordinator for the group right now.
    public static let coordinatorNotAvailable = KafkaErrorCode(rawValue: 15)
    /// The broker asked is not the group's coordinator.
    public static let notCoordinator = KafkaErrorCode(rawValue: 16)
    /// Too few in-sync replicas to take the write.
    public static let notEnoughReplicas = KafkaErrorCode(rawValue: 19)
    /// Written to the leader, but too few replicas followed in time.
    public static let notEnoughReplicasAfterAppend = KafkaErrorCode(rawValue: 20)
    /// The group is rebalancing.
    public static let rebalanceInProgress = KafkaErrorCode(rawValue: 27)
    /// The topic already exists.
    public static let topicAlreadyExists = KafkaErrorCode(rawValue: 36)
    /// The group does not exist.
    public static let groupIDNotFound = KafkaErrorCode(rawValue: 69)
    /// The group still has members.
    public static let nonEmptyGroup = KafkaErrorCode(rawValue: 68)

    /// Kafka's own retriable errors and the client's passing ones: trying again
    /// later may succeed.
    public var isRetriable: Bool {
        switch self {
        case .transport, .timedOut, .allBrokersDown, .resolve, .unknownTopicOrPartition, .leaderNotAvailable,
            .notLeaderForPartition, .requestTimedOut, .coordinatorLoadInProgress, .coordinatorNotAvailable,
            .notCoordinator, .notEnoughReplicas, .notEnoughReplicasAfterAppend, .rebalanceInProgress,
            KafkaErrorCode(rawValue: -166), // _TIMED_OUT_QUEUE
            KafkaErrorCode(rawValue: 13), // NETWORK_EXCEPTION
            KafkaErrorCode(rawValue: 56), // KAFKA_STORAGE_ERROR
            KafkaErrorCode(rawValue: 74), // FENCED_LEADER_EPOCH
            KafkaErrorCode(rawValue: 75): // UNKNOWN_LEADER_EPOCH
            true
        default:
            false
        }
    }

    /// librdkafka's name for the code, e.g. `UNKNOWN_TOPIC_OR_PART` or `_TRANSPORT`.
    public var name: String { KafkaErrorCode.nameOf(self) }

    /// librdkafka's text for the code, e.g. `Broker: Unknown topic or partition`.
    public var description: String { KafkaErrorCode.textOf(self) }
}
