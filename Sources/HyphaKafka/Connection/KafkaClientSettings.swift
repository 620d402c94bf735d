import Logging

/// How to reach a Kafka cluster: everything a command's global options say.
public struct KafkaClientSettings: Sendable {
    /// `host:port[,host:port…]`.
    public var bootstrapServers: String
    /// librdkafka properties, applied in order after this library's own defaults.
    public var properties: [(String, String)]
    /// Bound on connecting and on every admin call.
    public var timeout: Duration
    /// Where librdkafka's own log lines and this library's debug lines go.
    public var logger: Logger
    /// librdkafka's `client.id`.
    public var clientID: String

    /// Settings for one cluster.
    public init(
        bootstrapServers: String,
        properties: [(String, String)] = [],
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "hyphactl.kafka"),
        clientID: String = "hyphactl"
    ) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
        self.timeout = timeout
        self.logger = logger
        self.clientID = clientID
    }

    /// `timeout` in whole milliseconds, as librdkafka takes it.
    var timeoutMilliseconds: Int32 {
        let (seconds, attoseconds) = timeout.components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(1, millis))
    }
}
