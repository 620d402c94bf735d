// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging

/// How to reach a Kafka cluster: bootstrap servers, librdkafka properties (security
/// settings among them), a bound on waiting, a logger and a client id.
public struct KafkaClientSettings: Sendable {
    /// `host:port[,host:port…]`.
    public var bootstrapServers: String
    /// librdkafka properties, applied in order after this library's own defaults: of a
    /// name given twice, the later value wins.
    public var properties: [KafkaProperty]
    /// Bound on connecting and on every admin call.
    public var timeout: Duration
    /// Where librdkafka's own log lines and this library's debug lines go.
    public var logger: Logger
    /// librdkafka's `client.id` (`hypha-swift` unless set).
    public var clientID: String
    /// Properties whose values are secrets: never shown in output, logs or errors.
    public var secretKeys: Set<String> = []
    /// Where `bootstrapServers` came from, for failures that name it (`-b`,
    /// `$HYPHA_KAFKA_URI`, `context prod`); nil when the caller does not say.
    public var bootstrapSource: String?

    /// librdkafka properties that hold secrets whatever their source (`-X` too).
    public static let sensitiveProperties: Set<String> = [
        "sasl.password", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config", "ssl.key.password",
        "ssl.key.pem", "ssl.keystore.password", "ssl_key",
    ]

    /// The values of the secret properties, to be masked wherever text is shown.
    package var secretValues: [String] {
        properties.filter { secretKeys.contains($0.name) && !$0.value.isEmpty }.map(\.value)
    }

    /// `text` with every secret value replaced by `***`.
    package func redacted(_ text: String) -> String {
        secretValues.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// Settings for one cluster.
    public init(
        bootstrapServers: String,
        properties: [KafkaProperty] = [],
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "hypha.kafka"),
        clientID: String = "hypha-swift"
    ) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
        self.timeout = timeout
        self.logger = logger
        self.clientID = clientID
    }

    /// `bootstrapServers`, with where they came from when that is known: `kafka-1:9092 (from -b)`.
    public var bootstrapDescription: String {
        bootstrapSource.map { "\(bootstrapServers) (from \($0))" } ?? bootstrapServers
    }

    /// Each bootstrap server as host and port, without a `protocol://` prefix or
    /// IPv6 brackets; the port is 9092 when none is given, as librdkafka takes it.
    public var bootstrapAddresses: [BrokerAddress] {
        bootstrapServers.split(separator: ",").compactMap { entry in
            var address = Substring(entry.trimmingCharacters(in: .whitespaces))
            if let scheme = address.range(of: "://") { address = address[scheme.upperBound...] }
            if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
                let host = String(address[address.index(after: address.startIndex)..<close])
                let rest = address[address.index(after: close)...]
                return BrokerAddress(host: host, port: rest.hasPrefix(":") ? UInt16(rest.dropFirst()) ?? 9092 : 9092)
            }
            guard let colon = address.lastIndex(of: ":") else {
                return BrokerAddress(host: String(address), port: 9092)
            }
            guard let port = UInt16(address[address.index(after: colon)...]) else { return nil }
            return BrokerAddress(host: String(address[..<colon]), port: port)
        }
    }

    /// A broker's host (a name or an IP address, without brackets) and port.
    public struct BrokerAddress: Sendable, Hashable {
        /// The host name or IP address.
        public var host: String
        /// The TCP port.
        public var port: UInt16

        /// The broker at `host`:`port`.
        public init(host: String, port: UInt16) {
            self.host = host
            self.port = port
        }
    }

    /// `timeout` in whole milliseconds, as librdkafka takes it.
    package var timeoutMilliseconds: Int32 { timeout.wholeMilliseconds }

    /// What is wrong with a bootstrap list, in a few words; nil when each entry
    /// is `[protocol://]host[:port]` (a host name, an IPv4 address or a bracketed
    /// IPv6 one; a port from 1 to 65535), as librdkafka reads them. librdkafka
    /// itself takes a malformed list without a word and keeps trying it until a
    /// timeout runs out.
    public static func problem(inBootstrapServers list: String) -> String? {
        let entries = list.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for entry in entries {
            guard !entry.isEmpty else { return "an empty entry (expected host:port[,host:port…])" }
            var address = Substring(entry)
            if let scheme = address.range(of: "://") {
                let name = address[..<scheme.lowerBound]
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }) else {
                    return "'\(entry)' has no protocol name before ://"
                }
                address = address[scheme.upperBound...]
            }
            var host = address
            var port: Substring?
            if address.hasPrefix("[") {
                guard let close = address.firstIndex(of: "]") else { return "'\(entry)': an IPv6 address needs its ]" }
                host = address[address.index(after: address.startIndex)..<close]
                let rest = address[address.index(after: close)...]
                guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), !host.isEmpty else {
                    return "'\(entry)' is not an IPv6 address in brackets"
                }
                if !rest.isEmpty {
                    guard rest.hasPrefix(":") else { return "'\(entry)': expected :port after the ]" }
                    port = rest.dropFirst()
                }
            } else if let colon = address.lastIndex(of: ":") {
                host = address[..<colon]
                port = address[address.index(after: colon)...]
            }
            let hostCharacters = host.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "-._".contains($0) }
            guard address.hasPrefix("[") || (!host.isEmpty && hostCharacters) else {
                return "'\(entry)' is not host:port"
            }
            if let port {
                guard let number = Int(port), (1...65535).contains(number) else {
                    return "'\(entry)': the port must be a number from 1 to 65535"
                }
            }
        }
        return nil
    }
}

/// One librdkafka property, as `-X name=value` gives it: `security.protocol` set to `ssl`.
public struct KafkaProperty: Sendable, Hashable {
    /// The property's name, as librdkafka's CONFIGURATION.md spells it.
    public var name: String
    /// Its value, as text.
    public var value: String

    /// Property `name` set to `value`.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension Duration {
    /// Whole milliseconds, rounded up, at least 1 and at most `Int32.max`: librdkafka's timeouts.
    package var wholeMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(1, millis))
    }
}
