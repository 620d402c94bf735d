// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import Logging
import ServiceLifecycle

/// `rpc-echo`: a Hypha RPC client in Swift. For every message addressed to it
/// (`<workspace>/<client id>`), it sends one message back to the sender, whose
/// header is `{"type": "echo", "to": <the received from>}` followed by the
/// received body unchanged. Broadcasts to the workspace are left alone.
///
/// The bus and the client run as two services of one `ServiceGroup`: SIGTERM or
/// SIGINT disconnects the client, then stops the bus, and the process exits 0.
@main
struct RPCEchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc-echo",
        abstract: "Answers every Hypha RPC message addressed to it with an echo of its body, sent to its sender.")

    @Option(
        name: [.customShort("b"), .customLong("bootstrap-servers")],
        help: ArgumentHelp("Kafka bootstrap servers.", valueName: "host:port[,host:port…]"))
    var bootstrapServers: String

    @Option(help: ArgumentHelp("The workspace the client is in.", valueName: "workspace"))
    var workspace: String

    @Option(
        name: .customLong("client-id"),
        help: ArgumentHelp("The client's id: it receives <workspace>/<client id>:msg.", valueName: "id"))
    var clientID: String

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
        guard !workspace.isEmpty else { throw ValidationError("--workspace must not be empty") }
        guard !clientID.isEmpty, !clientID.contains("/") else {
            throw ValidationError("--client-id must be a client id without '/', e.g. --client-id echo")
        }
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
        for property in properties where Self.split(property) == nil {
            throw ValidationError("-X \(property): expected key=value, e.g. -X acks=all")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "rpc-echo")
        logger.logLevel = verbose ? .debug : .info

        let bus = KafkaEventBus(
            configuration: EventBusConfiguration(
                kafka: KafkaClientSettings(
                    bootstrapServers: bootstrapServers,
                    properties: properties.compactMap(Self.split),
                    timeout: .milliseconds(Int64(timeout * 1000)),
                    logger: logger,
                    clientID: "rpc-echo"),
                serverID: serverID)) // nil: $HYPHA_SERVER_ID, else a random UUID
        let connection = try RPCConnection(bus: bus, workspace: workspace, clientID: clientID)

        // Started in this order, shut down in the reverse one.
        let group = ServiceGroup(
            services: [bus, EchoClient(bus: bus, connection: connection, logger: logger)],
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

/// Echoes the messages addressed to the client until the group shuts down.
struct EchoClient: Service {
    let bus: KafkaEventBus
    let connection: RPCConnection
    let logger: Logger

    func run() async throws {
        // The bus starts in a service of its own; subscribing waits for the group's
        // assignment only on a running bus (if starting fails, the group cancels this wait).
        while !bus.isRunning { try await Task.sleep(for: .milliseconds(20)) }

        // Returns once the bus reads both topics: every message sent from now on is answered.
        try await connection.onMessage { [connection, logger] message in
            guard message.to == connection.address else { return } // a broadcast to the workspace
            guard let sender = message.from else {
                logger.notice("a message without \"from\": nobody to answer")
                return
            }
            do throws(KafkaFailure) {
                try await connection.emitMessage(
                    RPCMessage(header: ["type": "echo", "to": .string(sender)], body: message.body))
            } catch {
                logger.warning("echo to \(sender) not sent: \(error)")
            }
        }
        // One line on stdout, unbuffered, for whoever waits for the client to be ready.
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        logger.info("rpc-echo: \(connection.address) on server \(bus.serverID), echoing messages to their senders")

        // Serve until SIGTERM or SIGINT; then leave before the bus service stops the bus.
        try? await gracefulShutdown()
        await connection.disconnect(reason: "shutting down")
    }
}
