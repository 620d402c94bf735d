// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaEventBus
import Testing

@testable import hyphactl

/// Arguments that would do something nobody meant are refused before any Kafka
/// client starts: one message naming the problem, exit 64.
@Suite("bad arguments are refused at once")
struct BadInputTests {
    /// The message of the usage error `arguments` make; nil when they parse.
    private func usageMessage(_ arguments: [String]) -> String? {
        do {
            _ = try HyphaCtl.parseAsRoot(arguments)
            return nil
        } catch {
            #expect(HyphaCtl.exitCode(for: error) == ExitCode(64), "\(arguments)")
            return HyphaCtl.message(for: error)
        }
    }

    @Test(
        "an empty or blank event name, wherever one is taken",
        arguments: [
            ["emit", "", "{\"a\":1}"], ["emit", "   ", "x"], ["tail", "", "-e"], ["tail", "ok", "\t"],
            ["topics", "create", ""], ["topics", "describe", " "], ["topics", "delete", "ok", "", "--yes"],
            ["groups", "describe", ""], ["groups", "describe", "  "], ["groups", "delete", "", "--yes"],
            ["groups", "reset-offsets", " ", "--to-earliest"],
            ["groups", "reset-offsets", "s1", "--event", "", "--to-latest"],
        ])
    func emptyEventNames(_ arguments: [String]) throws {
        let message = try #require(usageMessage(arguments))
        #expect(message.contains("cannot be empty") || message.contains("cannot be only white space"), "\(message)")
    }

    @Test(
        "a malformed bootstrap list",
        arguments: [
            ("not a host:::", "is not host:port"), ("host:99999", "port must be a number"), (",", "an empty entry"),
            ("k1:9092,", "an empty entry"), ("k1:abc", "port must be a number"), ("[::1:9092", "needs its ]"),
            ("://k1:9092", "no protocol name"), (":9092", "is not host:port"),
        ])
    func malformedBootstrap(_ list: String, _ problem: String) throws {
        let message = try #require(usageMessage(["topics", "list", "-b", list]))
        #expect(message.contains(problem), "\(message)")
        #expect(message.hasPrefix("-b: "))
    }

    @Test(
        "bootstrap lists librdkafka takes are taken",
        arguments: [
            "k1:9092", "k1:9092,k2:9093", "kafka-0.kafka.ns:9092", "10.0.0.1:9092", "[::1]:9092", "[fe80::1]",
            "PLAINTEXT://k1:9092,SSL://k2:9093", "k1", " k1:9092 , k2:9092",
        ])
    func wellFormedBootstrap(_ list: String) throws {
        #expect(KafkaClientSettings.problem(inBootstrapServers: list) == nil)
        #expect(usageMessage(["topics", "list", "-b", list]) == nil)
    }

    @Test("a malformed $HYPHA_KAFKA_URI is bad input data (65), naming the variable")
    func malformedEnvironment() throws {
        let command = try #require(try HyphaCtl.parseAsRoot(["topics", "list"]) as? TopicsList)
        let failure = #expect(throws: KafkaFailure.self) {
            try command.global.clientSettings(environment: ["HYPHA_KAFKA_URI": "bad host"])
        }
        #expect(failure?.reason.hasPrefix("$HYPHA_KAFKA_URI: ") == true)
        #expect(failure.map(ExitCodes.code(for:)) == 65)
    }

    @Test(
        "numbers below their floor are named, negative ones too (not 'Missing value')",
        arguments: [
            (["topics", "create", "x", "-p", "-1"], "--partitions must be at least 1"),
            (["topics", "create", "x", "-r", "-2"], "--replication-factor must be at least 1"),
            (["tail", "x", "-n", "-5"], "-n must be at least 1"),
            (["tail", "x", "-p", "-1"], "-p must be a partition number"),
            (["emit", "x", "y", "--repeat", "-2"], "--repeat must be at least 1"),
            (["probe", "--count", "-1"], "--count must be at least 1"),
            (["topics", "list", "--timeout", "-1"], "'--timeout <duration>': expected a duration like 30s"),
            (["servers", "--max-lag", "-1"], "--max-lag must be 0 or more"),
            (
                ["servers", "--silence", "-5"],
                "expected a duration like 30s, 500ms, 10m, 1h30m, 2d, or plain seconds, not negative"
            ),
            (["groups", "describe", "s1", "--max-lag", "-3"], "--max-lag must be 0 or more"),
            (["groups", "reset-offsets", "s1", "--to-offset", "-1"], "--to-offset must be 0 or more"),
            (["exporter", "--max-lag", "-1"], "--max-lag must be 0 or more"),
            (["exporter", "--silence", "-1"], "'--silence <duration>': expected a duration"),
        ])
    func negativeNumbers(_ arguments: [String], _ expected: String) throws {
        let message = try #require(usageMessage(arguments))
        #expect(message.contains(expected), "\(message)")
    }
}
