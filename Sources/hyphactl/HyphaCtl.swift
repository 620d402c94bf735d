// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation

/// The root command: lists the subcommands, does nothing itself.
@main
struct HyphaCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hyphactl",
        abstract: "See and touch a Hypha deployment's Kafka event bus.",
        discussion: """
            Lists the bus's topics, sends and tails Hypha events exactly as a Hypha \
            server reads and writes them, and shows whether every server keeps up.

            Global options (-b, -X, --context, --timeout, -v, --no-color) go before the \
            command or after it: hyphactl -b kafka:9092 topics list. Given on both sides, \
            the one after the command wins. Each command's --help lists them.
            """,
        version: HyphaCtlVersion.current,
        subcommands: [
            TopicsCommand.self,
            GroupsCommand.self,
            ServersCommand.self,
            ExporterCommand.self,
            EmitCommand.self,
            TailCommand.self,
            ProbeCommand.self,
            GenerateCommand.self,
            ConfigCommand.self,
            DoctorCommand.self,
            VersionCommand.self,
        ]
    )

    /// The global options, declared here too so that shell completion knows
    /// them before the command (`hyphactl --context <TAB>`, `hyphactl -b host
    /// tail <TAB>`); `LeadingGlobalOptions` hands them to the command itself.
    @OptionGroup(title: "Global options (before the command, or after it)") var global: GlobalOptions

    /// Parses the command line, runs the command, and is the one place where a
    /// failure becomes an exit code: hyphactl's own failures print one line on
    /// stderr and exit with their code (`ExitCodes.report(for:)`); the rest
    /// (help, --version, usage errors: 64) exit as ArgumentParser has them.
    static func main() async {
        do {
            let words = AttachedValues.separated(Array(CommandLine.arguments.dropFirst()))
            try HelpRequest.check(words, root: self)
            let arguments = try LeadingGlobalOptions.rearranged(words, root: self)
            let command = try await asyncParseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            fflush(nil)
        } catch {
            fflush(nil)
            guard let (line, code) = ExitCodes.report(for: error) else { exit(withError: error) }
            Terminal.printError(line)
            exit(withError: ExitCode(code))
        }
    }
}

/// This build's version.
enum HyphaCtlVersion {
    static let current = "0.1.0"
}
