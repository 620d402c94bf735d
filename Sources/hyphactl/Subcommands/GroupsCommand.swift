import ArgumentParser
import HyphaKafka

/// `hyphactl groups …`: is every Hypha server keeping up?
struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups", abstract: "Consumer groups of Hypha servers, their members and lag.",
        subcommands: [GroupsList.self, GroupsDescribe.self])
}

/// `groups list`.
struct GroupsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Hypha server groups (hypha_server_*); --all: every group.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Every consumer group, not only Hypha's.") var all = false
    @Option(name: .short, help: "Output format.") var output: OutputFormat = .table

    func run() async throws {
        try await ExitCodes.run {
            let groups = try await KafkaAdmin(settings: global.clientSettings()).listGroups(includeAll: all)
            Terminal.write(GroupRendering.list(groups, as: output))
        }
    }
}

/// `groups describe GROUP|SERVER_ID`.
struct GroupsDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "A group's state, members and lag per partition.",
        discussion: "A server id stands for its group: `1` means hypha_server_1. Exits 3 when --max-lag is exceeded.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("A group, or a Hypha server id.", valueName: "group|server-id"), completion: Completions.groups) var name: String?
    @Flag(help: "Every Hypha server group.") var all = false
    @Option(name: .short, help: "Output format.") var output: OutputFormat = .table
    @Option(help: ArgumentHelp("Exit 3 when a group's total lag is over N.", valueName: "n")) var maxLag: Int64?

    func validate() throws {
        if (name == nil) == !all { throw ValidationError("name one GROUP or SERVER_ID, or use --all") }
        if let maxLag, maxLag < 0 { throw ValidationError("--max-lag must be 0 or more") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let admin = try KafkaAdmin(settings: global.clientSettings())
            let groups: [String]
            if let name {
                groups = [HyphaGroup.resolve(name, existing: Set(try await admin.groupNames()))]
            } else {
                groups = try await admin.listGroups().map(\.group)
            }
            let lags = try await admin.describeGroups(groups)
            Terminal.write(GroupRendering.describe(lags, as: output, single: name != nil))
            if let maxLag, let over = lags.first(where: { $0.totalLag > maxLag }) {
                throw CommandFailure.thresholdExceeded("\(over.group): total lag \(over.totalLag) is over --max-lag \(maxLag)")
            }
        }
    }
}

/// `hyphactl servers`: each Hypha server seen on the bus.
struct ServersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "servers",
        abstract: "Each Hypha server on the bus: its group, lag and last health check.",
        discussion: """
            STATUS is gone (group missing, empty or dead), silent (no health check for over \
            --silence seconds), lagging (total lag over --max-lag) or ok. --check exits 3 \
            when any server is not ok.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .short, help: "Output format.") var output: OutputFormat = .table
    @Flag(help: "Exit 3 when any server is not ok.") var check = false
    @Option(help: ArgumentHelp("A total lag over N is lagging.", valueName: "n")) var maxLag: Int64 = 100
    @Option(help: ArgumentHelp("No health check for this long is silent.", valueName: "seconds")) var silence: Double = 15

    func validate() throws {
        if maxLag < 0 { throw ValidationError("--max-lag must be 0 or more") }
        if !(silence > 0) { throw ValidationError("--silence must be a positive number of seconds") }
    }

    func run() async throws {
        try await ExitCodes.run {
            let limits = ServerLimits(silenceMillis: Int64(silence * 1000), maxLag: maxLag)
            let now = Clock.nowMillis
            let reports = try await ServerSurvey.run(settings: global.clientSettings(), limits: limits) { now() }
            Terminal.write(GroupRendering.servers(reports, as: output, nowMillis: now(), style: Style(enabled: global.colorEnabled)))
            if check, let bad = reports.first(where: { $0.status != .ok }) {
                let count = reports.filter { $0.status != .ok }.count
                throw CommandFailure.thresholdExceeded("\(count) of \(reports.count) servers are not ok (first: \(bad.serverID) is \(bad.status.rawValue))")
            }
        }
    }
}
