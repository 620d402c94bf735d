import ArgumentParser

/// The root command: lists the subcommands, does nothing itself.
@main
struct HyphaCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hyphactl",
        abstract: "See and touch a Hypha deployment's Kafka event bus.",
        discussion: """
            Lists the bus's topics, sends and tails Hypha events exactly as a Hypha \
            server reads and writes them, and shows whether every server keeps up.
            """,
        version: HyphaCtlVersion.current,
        subcommands: [
            TopicsCommand.self,
            GroupsCommand.self,
            ServersCommand.self,
            EmitCommand.self,
            TailCommand.self,
            ProbeCommand.self,
            GenerateCommand.self,
            ConfigCommand.self,
            DoctorCommand.self,
            VersionCommand.self,
        ]
    )
}

/// This build's version.
enum HyphaCtlVersion {
    static let current = "0.1.0"
}
