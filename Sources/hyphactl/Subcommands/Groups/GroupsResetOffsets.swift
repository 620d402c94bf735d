// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaKafkaAdmin
import HyphaWire

/// `groups reset-offsets GROUP|SERVER_ID`.
struct GroupsResetOffsets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-offsets",
        abstract: "Move a stopped server's committed offsets; a dry run unless --execute.",
        discussion: """
            Choose one of --to-earliest, --to-latest, --to-datetime, --by-duration, \
            --to-offset and --shift-by (as kafka-consumer-groups.sh has them; \
            --to-datetime and --by-duration ask the broker for the first offset at or \
            after the time, ListOffsets by timestamp, and go to the end where nothing \
            is that new). The partitions are those the group has committed offsets for, \
            narrowed to the topics of --event. New offsets are kept between each \
            partition's low and high watermarks. Refused while the group has members \
            (its state is neither Empty nor Dead), or while its server's last health \
            check is under 15s old (a server on the Swift event bus has no members): a \
            running server would overwrite them. Without --execute nothing is committed. A server id stands for its \
            group: `1` means hypha_server_1.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: ArgumentHelp("A group, or a Hypha server id.", valueName: "group|server-id"),
        completion: Completions.groups) var name: String
    @Flag(help: "To each partition's oldest stored message.") var toEarliest = false
    @Flag(help: "To each partition's end: skip what is not read yet.") var toLatest = false
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "To the first message at or after a time: as tail prints it (2026-12-06 06:11:39.597, local), ISO-8601, Unix seconds, or an age like 10m, 1h30m, 2d.",
            valueName: "time"))
    var toDatetime: String?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "To the first message of the last DURATION (15m: what came in the last 15 minutes).",
            valueName: "duration"),
        transform: DurationArgument.parse)
    var byDuration: DurationArgument?
    @Option(parsing: .unconditional, help: ArgumentHelp("To this offset in every partition.", valueName: "n"))
    var toOffset: Int64?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Move each offset by N; negative: back, to read again (--shift-by -10).", valueName: "n"))
    var shiftBy: Int64?
    @Option(
        name: .customLong("event"), help: ArgumentHelp("Only this event's topic (repeatable).", valueName: "event"),
        completion: Completions.events)
    var events: [String] = []
    @Flag(help: "Commit the new offsets; without it, only show them.") var execute = false
    @OptionGroup var output: OutputOptions<OutputFormat>

    func validate() throws {
        let modes = [toEarliest, toLatest, toDatetime != nil, byDuration != nil, toOffset != nil, shiftBy != nil]
        if modes.filter({ $0 }).count != 1 {
            throw ValidationError(
                "choose one of --to-earliest, --to-latest, --to-datetime, --by-duration, --to-offset and --shift-by")
        }
        try EventNameArgument.check([name], as: "a group or server id")
        try EventNameArgument.check(events, as: "an --event name")
        if let toOffset, toOffset < 0 {
            throw ValidationError("--to-offset must be 0 or more (--shift-by moves back from the committed offset)")
        }
        if let toDatetime, PointInTime.millis(toDatetime, now: Date()) == nil {
            throw ValidationError("--to-datetime \(toDatetime): expected \(PointInTime.syntax)")
        }
    }

    /// The `--to-*` or `--shift-by` chosen; ages count back from `now`.
    func target(now: Date) -> OffsetResetTarget {
        if toEarliest { return .earliest }
        if toLatest { return .latest }
        if let toDatetime, let millis = PointInTime.millis(toDatetime, now: now) { return .time(millis: millis) }
        if let byDuration {
            let millis = Int64((now.timeIntervalSince1970 * 1000).rounded())
            return .time(millis: millis - Int64((byDuration.seconds * 1000).rounded()))
        }
        if let toOffset { return .offset(toOffset) }
        return .shift(by: shiftBy ?? 0)
    }

    func run() async throws {
        let admin = try KafkaAdmin(settings: global.clientSettings())
        let group = HyphaGroup.resolve(name, existing: Set(try await admin.groupNames()))
        let plan = try await admin.resetOffsets(
            group: group, to: target(now: Date()),
            topics: events.isEmpty ? nil : events.map { TopicReference.resolve($0) },
            execute: execute)
        Terminal.write(GroupRendering.resetPlan(plan, as: output.format))
        Terminal.printError(
            execute
                ? "committed \(plan.partitions.count) offsets for \(group)"
                : "dry run: nothing committed for \(group); add --execute to commit these offsets")
    }
}
