// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import Logging
import ServiceLifecycle

/// `echo-server`: a Swift server on Hypha's event bus that answers every `ping`
/// event with a `pong` event carrying the same payload, of the same type (`d:`
/// JSON stays JSON, `s:` text stays text, `b:` bytes stay bytes).
///
/// The bus and the echo run as two services of one `ServiceGroup`: SIGTERM or
/// SIGINT shuts them down gracefully, the echo first, then the bus (handled
/// offsets committed, pongs flushed, the group left), and the process exits 0.
@main
struct EchoServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo-server",
        abstract: "Answers every ping event on Hypha's Kafka event bus with a pong event carrying the same payload.")

    @Option(
        name: [.customShort("b"), .customLong("bootstrap-servers")],
        help: ArgumentHelp("Kafka bootstrap servers.", valueName: "host:port[,host:port…]"))
    var bootstrapServers: String

    @Option(
        name: .customLong("server-id"),
        help: ArgumentHelp(
            "This server's id: its consumer group is hypha_server_<id>.",
            discussion: "Default: $HYPHA_SERVER_ID, else a random UUID.", valueName: "id"))
    var serverID: String?

    @Option(
        name: [.customShort("X"), .customLong("property")],
        help: ArgumentHelp("A librdkafka property, repeatable.", valueName: "key=value"))
    var properties: [String] = []

    @Option(help: ArgumentHelp("Bound on connecting and on subscribing.", valueName: "seconds"))
    var timeout: Double = 10

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Debug lines (librdkafka's too) on stderr.")
    var verbose = false

    func validate() throws {
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
        for property in properties where Self.split(property) == nil {
            throw ValidationError("-X \(property): expected key=value, e.g. -X acks=all")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "echo-server")
        logger.logLevel = verbose ? .debug : .info

        let bus = KafkaEventBus(
            configuration: EventBusConfiguration(
                kafka: KafkaClientSettings(
                    bootstrapServers: bootstrapServers,
                    properties: properties.compactMap(Self.split),
                    timeout: .milliseconds(Int64(timeout * 1000)),
                    logger: logger,
                    clientID: "echo-server"),
                serverID: serverID)) // nil: $HYPHA_SERVER_ID, else a random UUID

        // Started in this order, shut down in the reverse one.
        let group = ServiceGroup(
            services: [bus, EchoService(bus: bus, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        try await group.run()
    }

    /// `key=value` as a property; nil without `=` or with an empty key.
    static func split(_ property: String) -> KafkaProperty? {
        guard let equals = property.firstIndex(of: "="), equals != property.startIndex else { return nil }
        return KafkaProperty(
            name: String(property[..<equals]), value: String(property[property.index(after: equals)...]))
    }
}

/// Answers `ping` with `pong` until the group shuts down.
struct EchoService: Service {
    let bus: KafkaEventBus
    let logger: Logger

    func run() async throws {
        // The bus starts in a service of its own; `on` subscribes at once only on a
        // running bus (if starting fails, the group cancels this wait).
        while !bus.isRunning { try await Task.sleep(for: .milliseconds(20)) }

        // Returns once the group has the ping topic: every ping sent from now on is answered.
        try await bus.on("ping") { [bus, logger] ping in
            guard let payload = ping.payload else {
                logger.notice("a ping without a value: nothing to answer")
                return
            }
            do throws(KafkaFailure) {
                try await bus.emit("pong", payload) // the same payload, so the same type
            } catch {
                logger.warning(
                    "pong not sent: \(error)",
                    metadata: [
                        "kind": "\(error.kind)", "code": "\(error.code?.name ?? "-")",
                        "retriable": "\(error.isRetriable)",
                    ])
            }
        }
        // One line on stdout, unbuffered, for whoever waits for the server to be ready.
        FileHandle.standardOutput.write(
            Data("echo-server: ready, server id \(bus.serverID), answering ping with pong\n".utf8))

        // Serve until SIGTERM or SIGINT; the bus service then stops the bus.
        try? await gracefulShutdown()
    }
}
