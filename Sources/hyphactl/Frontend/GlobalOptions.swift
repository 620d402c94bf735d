// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import Logging

/// The options every command takes (cli.md, "Global options").
struct GlobalOptions: ParsableArguments {
    @Option(
        name: [.customShort("b"), .customLong("bootstrap-servers"), .customLong("kafka-uri")],
        help: ArgumentHelp(
            "Kafka bootstrap servers, host:port[,host:port…].",
            discussion: "Default: $HYPHA_KAFKA_URI, then the current context, then localhost:9092.",
            valueName: "list"))
    var bootstrapServers: String?

    @Option(
        name: [.customShort("X"), .customLong("property")],
        help: ArgumentHelp("A librdkafka property, repeatable; applied last.", valueName: "key=value"))
    var properties: [String] = []

    @Option(help: ArgumentHelp("A context from the config file.", valueName: "name"), completion: Completions.contexts)
    var context: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Bound on connecting and on every admin call.", valueName: "seconds"))
    var timeout: Double = 10

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "librdkafka's log lines and debug lines on stderr.")
    var verbose = false

    @Flag(name: .customLong("no-color"), help: "Plain output, no colour (also when NO_COLOR is set).")
    var noColor = false

    func validate() throws {
        guard timeout > 0, timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds")
        }
        _ = try KeyValue.pairs(properties, option: "-X", example: "acks=all")
        if let bootstrapServers, let problem = KafkaClientSettings.problem(inBootstrapServers: bootstrapServers) {
            throw ValidationError("-b: \(problem)")
        }
    }

    /// The settings a Kafka client of this invocation uses: `-b`, else
    /// `$HYPHA_KAFKA_URI`, else the context's servers, else localhost:9092;
    /// the context's properties and secrets, then `-X`.
    func clientSettings(environment: [String: String] = ProcessInfo.processInfo.environment) throws(KafkaFailure)
        -> KafkaClientSettings
    {
        let config = try ConfigFile.load(path: ConfigFile.defaultPath(environment: environment))
        if let context, context.isEmpty { throw KafkaFailure(.invalidInput, "--context needs a name") }
        if config == nil, let context {
            throw KafkaFailure(
                .invalidInput,
                "--context \(context): there is no config file at \(ConfigFile.defaultPath(environment: environment))")
        }
        let chosen = try config?.context(named: context)
        let fromEnvironment = environment["HYPHA_KAFKA_URI"].flatMap { $0.isEmpty ? nil : $0 }
        let bootstrap = bootstrapServers ?? fromEnvironment ?? chosen?.bootstrapServers ?? "localhost:9092"
        if bootstrapServers == nil, let problem = KafkaClientSettings.problem(inBootstrapServers: bootstrap) {
            let source =
                fromEnvironment != nil ? "HYPHA_KAFKA_URI" : "context \(chosen?.name ?? "")'s bootstrap-servers"
            throw KafkaFailure(.invalidInput, "\(source): \(problem)")
        }
        let pairs = properties.compactMap(KeyValue.split)
        // librdkafka 2.10 and newer drop the bootstrap connection once Metadata
        // names the brokers, then wait half of reconnect.backoff.ms (50 ms by
        // default) before connecting to one: a command that lives for one or two
        // round trips waits that long for nothing. The context and -X may say otherwise.
        let commandDefaults = [("reconnect.backoff.ms", "10")]
        var settings = KafkaClientSettings(
            bootstrapServers: bootstrap,
            properties: try commandDefaults + (chosen?.resolvedProperties(environment: environment) ?? []) + pairs,
            timeout: .milliseconds(Int64(timeout * 1000)), logger: logger(), clientID: "hyphactl")
        settings.secretKeys = Set(chosen?.secrets.map(\.0) ?? []).union(KafkaClientSettings.sensitiveProperties)
        return settings
    }

    /// Debug and librdkafka lines on stderr with `-v`; otherwise nothing but our own failure line.
    func logger() -> Logger {
        var logger = Logger(label: "hyphactl") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .critical
        return logger
    }

    /// Whether stdout gets colour.
    var colorEnabled: Bool {
        Terminal.colorAllowed(flag: noColor)
    }
}
