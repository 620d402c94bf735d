/// Every failure the library reports: what failed, why, and what to try.
///
/// The CLI turns `kind` into an exit code in one place; the text is meant to be
/// printed as it is, on one line.
public struct KafkaFailure: Error, Sendable, CustomStringConvertible {
    /// The families of failure that callers act on differently.
    public enum Kind: Sendable, Equatable {
        /// No broker could be reached, or a bound on connecting ran out.
        case unreachable
        /// The loaded librdkafka cannot speak to this broker (2.0.2's tagged-field bug).
        case incompatibleClient
        /// The broker answered and refused the request.
        case refused
        /// Messages were not acknowledged by the broker.
        case deliveryFailed
        /// A topic, group or partition the request named does not exist.
        case notFound
        /// The input (data, a property, a name) is not valid.
        case invalidInput
        /// librdkafka itself failed (configuration, out of memory, internal error).
        case client
    }

    /// Which family this failure belongs to.
    public let kind: Kind
    /// What failed and why, e.g. `create topic hypha_event_x: topic already exists`.
    public let reason: String
    /// What to try next, if anything useful can be said.
    public let hint: String?
    /// Where the failure was raised, for debug output.
    public let location: String

    /// A failure of the given kind.
    public init(
        _ kind: Kind, _ reason: String, hint: String? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.kind = kind
        self.reason = reason
        self.hint = hint
        self.location = "\(file):\(line)"
    }

    /// One line: the reason, then the hint.
    public var description: String {
        guard let hint else { return reason }
        return "\(reason) (\(hint))"
    }
}
