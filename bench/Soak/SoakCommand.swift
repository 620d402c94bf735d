// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Logging

/// `bench/soak`: K event buses on librdkafka's mock cluster under a seeded schedule
/// of calls and faults; exits 0 only when nothing was lost, out of order or hung.
@main
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event-bus-soak",
        abstract: "Soak KafkaEventBus on librdkafka's mock cluster with a seeded schedule of calls and faults.",
        discussion: """
            Prints a progress line every 10 s and, last, one summary line:
            soak: seconds S, seed X, emits N, deliveries M, redelivered R, lost L, disorder D, hung H
            Exit status 0 when lost, disorder and hung are all 0, else 1 (the first problems on stderr).
            The same seed replays the same schedule (--print-schedule shows it); timing varies.
            """)

    @Option(help: "How long the schedule runs, in seconds (then it waits while due deliveries still arrive).")
    var seconds = 60

    @Option(help: "The schedule's seed (default: a random one, printed).")
    var seed: UInt64?

    @Option(help: "How many event buses, each a server of its own.")
    var buses = 3

    @Flag(help: "No faults and no restarts: checks the soak itself, where nothing may be lost.")
    var calm = false

    @Option(help: "Write what the run recorded (buses, handlers, emits, calls), one line each, to this file.")
    var ledger: String?

    @Flag(help: "Print the schedule the seed makes, and exit.")
    var printSchedule = false

    @Flag(help: "Show the buses' and librdkafka's warnings on stderr.")
    var verbose = false

    func validate() throws {
        guard seconds >= 1 else { throw ValidationError("--seconds must be at least 1") }
        guard (1...20).contains(buses) else { throw ValidationError("--buses must be from 1 to 20") }
    }

    func run() async throws {
        let plan = Plan(seed: seed ?? UInt64.random(in: 1...999_999_999), seconds: seconds, buses: buses, calm: calm)
        if printSchedule {
            say(plan.description)
            return
        }
        let level: Logger.Level = verbose ? .warning : .critical
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "event-bus-soak")
        logger.logLevel = level
        let status = await SoakRun(plan: plan, logger: logger, ledgerFile: ledger).run()
        // Leave at once: a hung call's task or thread must not keep the process alive.
        Foundation.exit(status)
    }
}
