// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import Logging

/// The options every command takes (docs/cli.md, "Global options").
struct GlobalOptions: ParsableArguments {
    @Option(
        name: Spelling.names(Spelling.bootstrapServers),
        help: ArgumentHelp(
            "Kafka bootstrap servers, host:port[,host:port…].",
            discussion: """
                The cluster is the first of: -b; --context NAME's bootstrap-servers; \
                $HYPHA_KAFKA_URI; the config file's current context; localhost:9092. \
                -v says which, and where it came from.
                """,
            valueName: "list"))
    var bootstrapServers: String?

    @Option(
        name: Spelling.names(Spelling.property),
        help: ArgumentHelp("A librdkafka property, repeatable; applied last.", valueName: "key=value"))
    var properties: [String] = []

    @Option(
        name: Spelling.names(Spelling.context),
        help: ArgumentHelp("A context from the config file.", valueName: "name"),
        completion: Completions.contexts)
    var context: String?

    @Option(
        name: Spelling.names(Spelling.timeout),
        parsing: .unconditional,
        help: ArgumentHelp(
            "Bound on connecting and on every admin call: 10s, 500ms, 1m, or plain seconds; default 10s.",
            valueName: "duration"),
        transform: DurationArgument.parse)
    var timeout = DurationArgument(argument: "10s")!

    @Flag(name: Spelling.names(Spelling.verbose), help: "librdkafka's log lines and debug lines on stderr.")
    var verbose = false

    @Flag(name: Spelling.names(Spelling.noColor), help: "Plain output, no colour (also when NO_COLOR is set).")
    var noColor = false

    /// Every spelling of the global options: the one list that parsing, moving
    /// leading global options after the command, and shell completion read.
    enum Spelling {
        static let bootstrapServers = ["-b", "--bootstrap-servers", "--kafka-uri"]
        static let property = ["-X", "--property"]
        static let context = ["--context"]
        static let timeout = ["--timeout"]
        static let verbose = ["-v", "--verbose"]
        static let noColor = ["--no-color"]

        /// The options that take a value.
        static let withValue = Set(bootstrapServers + property + context + timeout)
        /// The flags.
        static let flags = Set(verbose + noColor)

        /// ArgumentParser's names for `spellings`: `-x` short, `--name` long.
        static func names(_ spellings: [String]) -> NameSpecification {
            NameSpecification(
                spellings.map { spelling in
                    spelling.hasPrefix("--")
                        ? .customLong(String(spelling.dropFirst(2)))
                        : .customShort(Character(String(spelling.dropFirst())))
                })
        }
    }

    func validate() throws {
        guard timeout.duration > .zero else { throw ValidationError("--timeout must be longer than 0") }
        _ = try KeyValue.pairs(properties, option: "-X", example: "acks=all")
        if let bootstrapServers, let problem = KafkaClientSettings.problem(inBootstrapServers: bootstrapServers) {
            throw ValidationError("-b: \(problem)")
        }
    }

    /// The settings a Kafka client of this invocation uses, once the bootstrap
    /// servers are known to be worth waiting for: when every one of them refuses
    /// a connection or does not resolve, this fails at once (exit 69) instead of
    /// letting librdkafka retry until `--timeout` runs out.
    func clientSettings() throws(KafkaFailure) -> KafkaClientSettings {
        let settings = try clientSettings(environment: ProcessInfo.processInfo.environment)
        if let failure = BootstrapReachability.failure(for: settings) { throw failure }
        return settings
    }

    /// The cluster and where it came from: `-b`, then `--context NAME`, then
    /// `$HYPHA_KAFKA_URI`, then the config file's current context, then
    /// localhost:9092. An explicit choice on the command line wins over the
    /// environment; a context named with `--context` brings its properties and
    /// secrets whichever address is used.
    static func bootstrap(
        flag: String?, named: ConfigFile.Context?, current: ConfigFile.Context?, environment: [String: String]
    ) -> (servers: String, source: String) {
        if let flag { return (flag, "-b") }
        if let named, let servers = named.bootstrapServers { return (servers, "--context \(named.name)") }
        if let fromEnvironment = environment["HYPHA_KAFKA_URI"], !fromEnvironment.isEmpty {
            return (fromEnvironment, "$HYPHA_KAFKA_URI")
        }
        if let current, let servers = current.bootstrapServers { return (servers, "current context \(current.name)") }
        return ("localhost:9092", "the default")
    }

    /// The settings a Kafka client of this invocation uses (`bootstrap(…)` says
    /// which cluster); the context's properties and secrets, then `-X`.
    func clientSettings(environment: [String: String]) throws(KafkaFailure) -> KafkaClientSettings {
        let config = try ConfigFile.load(path: ConfigFile.defaultPath(environment: environment))
        if let context, context.isEmpty { throw KafkaFailure(.invalidInput, "--context needs a name") }
        if config == nil, let context {
            throw KafkaFailure(
                .invalidInput,
                "--context \(context): there is no config file at \(ConfigFile.defaultPath(environment: environment))")
        }
        let chosen = try config?.context(named: context)
        let (bootstrap, source) = Self.bootstrap(
            flag: bootstrapServers, named: context == nil ? nil : chosen, current: context == nil ? chosen : nil,
            environment: environment)
        if bootstrapServers == nil, let problem = KafkaClientSettings.problem(inBootstrapServers: bootstrap) {
            throw KafkaFailure(.invalidInput, "\(source): \(problem)")
        }
        let pairs = properties.compactMap(KeyValue.split).map { KafkaProperty(name: $0.0, value: $0.1) }
        // librdkafka 2.10 and newer drop the bootstrap connection once Metadata
        // names the brokers, then wait half of reconnect.backoff.ms (50 ms by
        // default) before connecting to one: a command that lives for one or two
        // round trips waits that long for nothing. The context and -X may say otherwise.
        let commandDefaults = [KafkaProperty(name: "reconnect.backoff.ms", value: "10")]
        let logger = logger()
        var settings = KafkaClientSettings(
            bootstrapServers: bootstrap,
            properties: try commandDefaults + (chosen?.resolvedProperties(environment: environment) ?? []) + pairs,
            timeout: timeout.duration, logger: logger, clientID: "hyphactl")
        settings.secretKeys = Set(chosen?.secrets.map(\.0) ?? []).union(KafkaClientSettings.sensitiveProperties)
        settings.bootstrapSource = source
        let properties = chosen.map { " with context \($0.name)'s properties" } ?? ""
        logger.debug("cluster \(bootstrap) (from \(source))\(properties)")
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
