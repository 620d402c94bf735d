// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import HyphaEventBus
import Testing

@testable import hyphactl

/// Global options before the subcommand, as kcat and kubectl take them.
@Suite("global options before the command")
struct LeadingGlobalOptionsTests {
    /// A good value for a global option that takes one.
    private static func value(for option: String) -> String {
        switch option {
        case _ where GlobalOptions.Spelling.property.contains(option): "acks=all"
        case _ where GlobalOptions.Spelling.timeout.contains(option): "5"
        default: "k:9092" // a bootstrap list, or a context's name
        }
    }

    private func parse(_ arguments: [String]) throws -> ParsableCommand {
        try HyphaCtl.parseAsRoot(LeadingGlobalOptions.rearranged(arguments, root: HyphaCtl.self))
    }

    @Test("every global option is taken before the command, in each of its spellings")
    func before() throws {
        let command = try #require(
            try parse([
                "-b", "k1:9092", "-X", "acks=1", "--context=prod", "--timeout", "5", "-v", "--no-color",
                "topics", "list", "--all",
            ]) as? TopicsList)
        #expect(command.global.bootstrapServers == "k1:9092")
        #expect(command.global.properties == ["acks=1"])
        #expect(command.global.context == "prod")
        #expect(command.global.timeout.duration == .seconds(5))
        #expect(command.global.verbose)
        #expect(command.global.noColor)
        #expect(command.all)
        let uri = try #require(try parse(["--kafka-uri=k2:9092", "--property", "a=b", "servers"]) as? ServersCommand)
        #expect(uri.global.bootstrapServers == "k2:9092")
        #expect(uri.global.properties == ["a=b"])
    }

    @Test(
        "each spelling of the one list is a global option, before the command and after it",
        arguments: GlobalOptions.Spelling.withValue.sorted().map { [$0, Self.value(for: $0)] }
            + GlobalOptions.Spelling.flags.sorted().map { [$0] })
    func spellings(_ option: [String]) throws {
        let before = try #require(try parse(option + ["topics", "list"]) as? TopicsList)
        let after = try #require(try parse(["topics", "list"] + option) as? TopicsList)
        for command in [before, after] {
            let global = command.global
            let given = [
                global.bootstrapServers != nil, !global.properties.isEmpty, global.context != nil,
                global.timeout.duration == .seconds(5), global.verbose, global.noColor,
            ]
            #expect(given.filter { $0 }.count == 1, "\(option) set \(given)")
        }
    }

    @Test("given on both sides, the one after the command wins; -X properties keep both, after last")
    func afterWins() throws {
        let command = try #require(
            try parse([
                "-b", "before:1", "--timeout", "3", "-X", "acks=1", "groups", "describe", "s1", "-b", "after:2",
                "-X", "acks=all",
            ]) as? GroupsDescribe)
        #expect(command.global.bootstrapServers == "after:2")
        #expect(command.global.timeout.duration == .seconds(3))
        #expect(command.global.properties == ["acks=1", "acks=all"])
        let settings = try command.global.clientSettings(environment: [:])
        #expect(settings.properties.last! == KafkaProperty(name: "acks", value: "all"))
    }

    @Test("arguments without leading global options are left as they are")
    func untouched() throws {
        let arguments = ["emit", "chat", "-b", "x:1", "--", "-v"]
        #expect(try LeadingGlobalOptions.rearranged(arguments, root: HyphaCtl.self) == arguments)
        #expect(try LeadingGlobalOptions.rearranged(["--help"], root: HyphaCtl.self) == ["--help"])
        // A group without its command shows its own help: the options are dropped.
        #expect(
            try LeadingGlobalOptions.rearranged(["-b", "x:1", "topics", "--help"], root: HyphaCtl.self) == [
                "topics", "--help",
            ])
        // A positional that looks like a command name is not one.
        #expect(
            try LeadingGlobalOptions.rearranged(["-v", "emit", "topics", "x"], root: HyphaCtl.self)
                == ["emit", "-v", "topics", "x"])
    }

    @Test(
        "leading options without a command, or without their value, are usage errors",
        arguments: [["-b", "k:1"], ["-b"], ["--timeout", "5", "-X"], ["-v"]])
    func usageErrors(_ arguments: [String]) throws {
        #expect(throws: ValidationError.self) { try LeadingGlobalOptions.rearranged(arguments, root: HyphaCtl.self) }
    }
}
